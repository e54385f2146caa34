/// The inbox state (DESIGN §3): notifications by id, read state by id from receipts,
/// counts per kind and state maintained incrementally, and a newest-first order.
///
/// Receipts may arrive before the notification they are about; their state is kept and
/// applies when the notification arrives. Duplicate ids are stored once.
///
/// Rows per view and kind (`rows(in:kind:)`) are kept sorted incrementally, so a view
/// switch, a kind filter or a mark never walks the whole inbox: inserts are buffered and
/// merged into a list when it is next asked for; a state change moves one row between
/// lists (binary search). Sorting compares a compact key per notification, not the
/// notifications themselves.
public struct Inbox: Sendable {
    /// The newest-first sort key of one notification (see `isNewer`).
    private struct OrderKey: Sendable {
        var ms: Int64
        var offset: Int64
        var partition: Int32
        var topic: Int32
    }

    /// Which rows a list holds: a state (nil: every state) and a kind (nil: every kind).
    private struct ListKey: Hashable, Sendable {
        var state: ReadState?
        var kind: Kind?
    }

    /// One sorted list: its rows, inserts not merged yet, or `dirty` (rebuild on demand).
    private struct SortedList: Sendable {
        var key: ListKey
        var rows = RowList()
        var pending: [Int32] = []
        var dirty = false
    }

    private var storage = ChunkedStorage<Notification>()
    private var indexByID: [String: Int] = [:]
    private var stateByID: [String: ReadState] = [:]
    private var stateAt: [ReadState] = []
    private var keys: [OrderKey] = []
    /// `SearchSignature` of each notification, by storage index.
    private var signatures: [SearchSignature.Bits] = []
    private var topicNames: [String] = []
    private var topicOrdinals: [String: Int32] = [:]
    /// `lists[0]` holds every notification; others are created when first asked for.
    private var lists: [SortedList] = [SortedList(key: ListKey(state: nil, kind: nil))]
    private var listIndex: [ListKey: Int] = [ListKey(state: nil, kind: nil): 0]

    /// Counts per kind and state.
    public private(set) var counts = InboxCounts()
    /// How many stored notifications are malformed messages.
    public private(set) var malformedCount = 0
    /// How many messages were dropped as duplicates of an id already held.
    public private(set) var duplicateCount = 0

    /// Pending inserts up to this many are merged by binary insertion, more by a full merge.
    static let smallMerge = 256

    /// Creates an empty inbox.
    public init() {}

    /// How many distinct notifications are held.
    public var count: Int { storage.count }

    /// Makes room for `count` notifications in total, so that the id table and sort keys
    /// do not grow (rehash every id, copy every key) while they arrive: growing a table of
    /// a million ids at once stalls the UI thread for tens of milliseconds. Cheap when the
    /// room is already there.
    public mutating func reserveCapacity(_ count: Int) {
        guard count > indexByID.capacity || count > keys.capacity else { return }
        indexByID.reserveCapacity(count)
        keys.reserveCapacity(count)
        stateAt.reserveCapacity(count)
        signatures.reserveCapacity(count)
    }

    /// Makes room for `count` receipt states in total (see `reserveCapacity(_:)`).
    public mutating func reserveStateCapacity(_ count: Int) {
        if count > stateByID.capacity { stateByID.reserveCapacity(count) }
    }

    /// Adds a notification. Returns false (and changes nothing) when its id is already held.
    @discardableResult
    public mutating func insert(_ notification: Notification) -> Bool {
        let index = storage.count
        let existing = indexByID.updateValue(index, forKey: notification.id)
        if let existing {
            indexByID[notification.id] = existing
            duplicateCount += 1
            return false
        }
        let state = stateByID.isEmpty ? .unread : (stateByID[notification.id] ?? .unread)
        storage.append(notification)
        stateAt.append(state)
        signatures.append(SearchSignature.of(title: notification.title, actor: notification.actor, body: notification.body))
        keys.append(OrderKey(ms: notification.createdAtMs, offset: notification.source.offset,
                             partition: notification.source.partition, topic: ordinal(of: notification.source.topic)))
        counts.add(state, kind: notification.kind, 1)
        if notification.isMalformed { malformedCount += 1 }
        let i32 = Int32(truncatingIfNeeded: index)
        for l in lists.indices where !lists[l].dirty && Self.holds(lists[l].key, notification.kind, state) {
            lists[l].pending.append(i32)
        }
        return true
    }

    private mutating func ordinal(of topic: String) -> Int32 {
        if let last = topicNames.last, last == topic { return Int32(topicNames.count - 1) }
        if let o = topicOrdinals[topic] { return o }
        let o = Int32(topicNames.count)
        topicNames.append(topic)
        topicOrdinals[topic] = o
        return o
    }

    /// Applies a receipt in log order: the latest receipt for an id wins.
    /// Returns the previous state when the notification is held and its state changed.
    @discardableResult
    public mutating func apply(_ receipt: Receipt) -> ReadState? {
        setState(receipt.type.state, for: receipt.notificationID)
    }

    /// Sets the state of `id` directly (a local action not yet confirmed, or a receipt).
    /// Returns the previous state when the notification is held and its state changed.
    @discardableResult
    public mutating func setState(_ state: ReadState, for id: String) -> ReadState? {
        let old: ReadState
        if state == .unread {
            old = stateByID.removeValue(forKey: id) ?? .unread
        } else {
            old = stateByID.updateValue(state, forKey: id) ?? .unread
        }
        guard old != state, let index = indexByID[id] else { return nil }
        stateAt[index] = state
        let kind = storage[index].kind
        counts.add(old, kind: kind, -1)
        counts.add(state, kind: kind, 1)
        for l in lists.indices {
            let key = lists[l].key
            let wasIn = Self.holds(key, kind, old)
            let isIn = Self.holds(key, kind, state)
            guard wasIn != isIn, !lists[l].dirty else { continue }
            if lists[l].pending.count > Self.smallMerge {
                lists[l].dirty = true
                lists[l].pending = []
                continue
            }
            settle(l)
            let (row, found) = position(of: index, in: lists[l].rows)
            if wasIn {
                if found { lists[l].rows.remove(at: row) } else { lists[l].dirty = true }
            } else if !found {
                lists[l].rows.insert(index, at: row)
            }
        }
        return old
    }

    /// The state of a notification id: unread when no receipt says otherwise.
    public func state(of id: String) -> ReadState { stateByID[id] ?? .unread }

    /// The state of the notification at a storage index.
    public func state(at index: Int) -> ReadState { stateAt[index] }

    /// Every id with a state other than unread (held or not: a receipt may precede its
    /// notification). Shared, not copied. Used by snapshots (`SnapshotCodec`).
    public var explicitStates: [String: ReadState] { stateByID }

    /// Calls `body` with the notification at a storage index in place (no copy).
    @inline(__always)
    public func withNotification<R>(at index: Int, _ body: (borrowing Notification) -> R) -> R {
        storage.withElement(at: index, body)
    }

    /// The notification with this id, if held.
    public func notification(id: String) -> Notification? {
        indexByID[id].map { storage[$0] }
    }

    /// Calls `body` with the searchable text (title, actor, body) of the notification at a
    /// storage index, without copying the notification.
    @inline(__always)
    public func withSearchText<R>(at index: Int, _ body: (String, String?, String?) -> R) -> R {
        storage.withElement(at: index) { n in body(n.title, n.actor, n.body) }
    }

    /// The `SearchSignature` of the notification at a storage index: a row can contain a
    /// query only if `signature.covers(mask)` (`SearchSignature.mask(query:)`).
    @inline(__always)
    public func searchSignature(at index: Int) -> SearchSignature.Bits { signatures[index] }

    /// Calls `body` with the search signatures of every notification, by storage index.
    public func withSearchSignatures<R>(_ body: (UnsafeBufferPointer<SearchSignature.Bits>) -> R) -> R {
        signatures.withUnsafeBufferPointer(body)
    }

    /// The storage index of the notification with this id, if held.
    public func index(ofID id: String) -> Int? { indexByID[id] }

    /// The notification at a storage index (as returned by `newestFirst()`).
    public func notification(at index: Int) -> Notification { storage[index] }

    /// Storage indices of every notification, newest first (by `createdAtMs`, then by
    /// source position, then arrival).
    public mutating func newestFirst() -> [Int] {
        Array(rows(in: .all, kind: nil))
    }

    /// Storage indices shown by `view`, limited to `kinds` (all kinds when nil), newest first.
    public mutating func indices(in view: InboxView, kinds: Set<Kind>? = nil) -> [Int] {
        guard let kinds else { return Array(rows(in: view, kind: nil)) }
        if kinds.count == 1, let kind = kinds.first { return Array(rows(in: view, kind: kind)) }
        return rows(in: view, kind: nil).filter { kinds.contains(storage[$0].kind) }
    }

    /// The rows of `view` limited to `kind` (every kind when nil), newest first. Cheap when
    /// the list is up to date (the list is shared, not copied); after inserts it merges them.
    public mutating func rows(in view: InboxView, kind: Kind?) -> RowList {
        let key = ListKey(state: Self.listState(view), kind: kind)
        let l: Int
        if let existing = listIndex[key] {
            l = existing
        } else {
            l = lists.count
            lists.append(SortedList(key: key, dirty: true))
            listIndex[key] = l
        }
        settle(l)
        return lists[l].rows
    }

    /// Whether the notification at storage index `a` sorts before the one at `b`, newest first
    /// (`isNewer(_:than:)` on the notifications, then the earlier arrival first).
    public func isNewer(_ a: Int, than b: Int) -> Bool {
        Self.newer(keys, topicNames, a, b)
    }

    /// Where storage index `index` is (or would be) in `rows`, a list of this inbox sorted newest first.
    public func position(of index: Int, in rows: RowList) -> (row: Int, found: Bool) {
        let keys = self.keys
        let names = topicNames
        let row = rows.partitionPoint { Self.newer(keys, names, $0, index) }
        return (row, row < rows.count && rows[row] == index)
    }

    /// Whether `a` sorts before `b` in newest-first order.
    public static func isNewer(_ a: Notification, than b: Notification) -> Bool {
        if a.createdAtMs != b.createdAtMs { return a.createdAtMs > b.createdAtMs }
        if a.source.topic != b.source.topic { return a.source.topic < b.source.topic }
        if a.source.partition != b.source.partition { return a.source.partition < b.source.partition }
        return a.source.offset > b.source.offset
    }

    // MARK: sorted lists

    @inline(__always)
    private static func newer(_ keys: [OrderKey], _ names: [String], _ a: Int, _ b: Int) -> Bool {
        let x = keys[a]
        let y = keys[b]
        if x.ms != y.ms { return x.ms > y.ms }
        if x.topic != y.topic { return names[Int(x.topic)] < names[Int(y.topic)] }
        if x.partition != y.partition { return x.partition < y.partition }
        if x.offset != y.offset { return x.offset > y.offset }
        return a < b
    }

    private static func listState(_ view: InboxView) -> ReadState? {
        switch view {
        case .unread: return .unread
        case .all: return nil
        case .done: return .acknowledged
        }
    }

    @inline(__always)
    private static func holds(_ key: ListKey, _ kind: Kind, _ state: ReadState) -> Bool {
        (key.state == nil || key.state == state) && (key.kind == nil || key.kind == kind)
    }

    /// Brings list `l` up to date: rebuilds it from the full list when dirty, else merges
    /// its pending inserts.
    private mutating func settle(_ l: Int) {
        if lists[l].dirty {
            if l != 0 { settle(0) }
            let key = lists[l].key
            var out: [Int32] = []
            if l == 0 {
                out = Array(0..<Int32(truncatingIfNeeded: storage.count))
                sortNewestFirst(&out)
            } else {
                let all = lists[0].rows
                out.reserveCapacity(key.state == nil ? all.count / 2 : all.count / 4)
                for index in all where Self.holds(key, storage[index].kind, stateAt[index]) {
                    out.append(Int32(truncatingIfNeeded: index))
                }
            }
            lists[l].rows = RowList(int32: out)
            lists[l].pending = []
            lists[l].dirty = false
            return
        }
        guard !lists[l].pending.isEmpty else { return }
        var pending = lists[l].pending
        lists[l].pending = []
        sortNewestFirst(&pending)
        if pending.count <= Self.smallMerge || pending.count * 64 < lists[l].rows.count {
            for index in pending {
                let (row, found) = position(of: Int(index), in: lists[l].rows)
                if !found { lists[l].rows.insert(Int(index), at: row) }
            }
            return
        }
        let old = lists[l].rows.int32Elements()
        var merged: [Int32] = []
        merged.reserveCapacity(old.count + pending.count)
        let keys = self.keys
        let names = topicNames
        var i = 0
        var j = 0
        while i < old.count && j < pending.count {
            if Self.newer(keys, names, Int(pending[j]), Int(old[i])) {
                merged.append(pending[j])
                j += 1
            } else {
                merged.append(old[i])
                i += 1
            }
        }
        merged.append(contentsOf: old[i...])
        merged.append(contentsOf: pending[j...])
        lists[l].rows = RowList(int32: merged)
    }

    private func sortNewestFirst(_ indices: inout [Int32]) {
        let keys = self.keys
        let names = topicNames
        indices.sort { Self.newer(keys, names, Int($0), Int($1)) }
    }
}
