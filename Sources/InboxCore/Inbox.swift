/// The inbox state: notifications by id, read state by id from receipts,
/// counts per kind and state maintained incrementally, and a newest-first order.
///
/// Receipts may arrive before the notification they are about; their state is kept and
/// applies when the notification arrives. Duplicate ids are stored once.
///
/// Notifications are held packed (`NotificationStore`: their text as bytes in large
/// chunks), with what every row needs (kind, sort key, state, search signature) in arrays
/// by storage index; `notification(at:)` unpacks one. Rows per view and kind
/// (`rows(in:kind:)`, Inbox+Lists.swift) are kept sorted incrementally.
public struct Inbox: Sendable {
    /// The newest-first sort key of one notification (see `isNewer`).
    struct OrderKey: Sendable {
        var ms: Int64
        var offset: Int64
        var partition: Int32
        var topic: Int32
    }

    /// Which rows a list holds: a row class (nil: every class) and a kind (nil: every kind).
    struct ListKey: Hashable, Sendable {
        var state: RowClass?
        var kind: Kind?
        /// A saved query's index (`setQueries`), or -1.
        var query: Int32 = -1
    }

    /// What is known of an id not held yet: its state, and for a snooze, until when.
    struct Orphan: Sendable {
        var state: ReadState
        var untilMs: Int64
    }

    /// Per-row flags (`flags`).
    enum Flag {
        /// A receipt or a local action has set this row's state (rules leave it alone).
        static let decided: UInt8 = 1
        /// A mute covers this row.
        static let muted: UInt8 = 2
        /// This row came back from a snooze and has not been marked since.
        static let wasSnoozed: UInt8 = 4
    }

    /// One sorted list: its rows, inserts not merged yet, or `dirty` (rebuild on demand).
    struct SortedList: Sendable {
        var key: ListKey
        var rows = RowList()
        var pending: [Int32] = []
        var dirty = false
    }

    var storage = NotificationStore()
    var ids = IDIndex()
    /// States of ids not held (a receipt may precede its notification), keyed by the id's
    /// hash and bytes; taken over by `stateAt` when the notification arrives.
    var orphans = OrphanTable()
    /// State of each held notification, by storage index.
    var stateAt: [ReadState] = []
    /// `Flag` bits of each held notification, by storage index.
    var flags: [UInt8] = []
    /// When each snoozed notification comes back, by storage index.
    var snoozeUntil: [Int32: Int64] = [:]
    /// Saved queries (`setQueries`), whether each row matches each (as it is, and as if it
    /// were unread), and how many unread rows each holds.
    var queries: [InboxQuery] = []
    var queryMember: [[Bool]] = []
    var queryUnreadMember: [[Bool]] = []
    var queryUnread: [Int] = []
    /// Saved queries' membership from a snapshot, by query text (taken by `setQueries`).
    var restoredQueries: [String: RestoredQuery] = [:]
    /// Labels from `tag:` rules, by storage index.
    var labelsAt: [Int32: [String]] = [:]
    var keys: [OrderKey] = []
    /// Kind of each notification, as an index into `kindTable`.
    var kindOrdinals: [UInt32] = []
    var kindTable: [Kind] = []
    var kindIndex: [Kind: UInt32] = [:]
    /// `SearchSignature` of each notification, by storage index.
    var signatures: [SearchSignature.Bits] = []
    var topicNames: [String] = []
    var topicOrdinals: [String: Int32] = [:]
    /// `lists[0]` holds every notification; others are created when first asked for.
    var lists: [SortedList] = [SortedList(key: ListKey(state: nil, kind: nil))]
    var listIndex: [ListKey: Int] = [ListKey(state: nil, kind: nil): 0]

    /// The user's mutes (what `setMuted` is applied from).
    public var mutes = MuteBook()
    /// Counts per kind and state.
    public internal(set) var counts = InboxCounts()
    /// How many stored notifications are malformed messages.
    public internal(set) var malformedCount = 0
    /// How many messages were dropped as duplicates of an id already held.
    public internal(set) var duplicateCount = 0

    /// Pending inserts up to this many are merged by binary insertion, more by a full merge.
    static let smallMerge = 256

    /// Creates an empty inbox.
    public init() {}

    /// How many distinct notifications are held.
    public var count: Int { storage.count }

    /// Adds a notification, muted when `muted`. Returns false (and changes nothing) when its
    /// id is already held.
    @discardableResult
    public mutating func insert(_ notification: Notification, muted: Bool = false) -> Bool {
        let n = notification
        let hash = ids.hash(n.id)
        return n.id.withUTF8Bytes { id in
            insert(id: id, hash: hash, kind: n.kind, createdAtMs: n.createdAtMs, source: n.source, isMalformed: n.isMalformed,
                   muted: muted, signature: { SearchSignature.of(title: n.title, actor: n.actor, body: n.body) },
                   write: { $0.append(n) })
        }
    }

    /// Adds every notification of a packed batch (their entries are copied as bytes); those
    /// for which `muted` says so are muted. New ones get the next storage indices in
    /// order (from `count` before the call). Returns how many were new.
    @discardableResult
    public mutating func insert(contentsOf batch: PackedNotifications, muted: ((Int) -> Bool)? = nil) -> Int {
        var count = 0
        // Items read in place: copying one would retain and release its id.
        // The batch's hashes were made with the process's seed (on the consumer thread); an
        // inbox restored from a snapshot keeps the seed its id table was written with.
        let precomputed = ids.seed == IDIndex.processSeed
        batch.items.withUnsafeBufferPointer { items in
            // The id table's slots of the whole batch first (`ReadAhead`): one cache miss
            // each, overlapped, instead of one in turn per insert.
            var sum: UInt64 = 0
            if precomputed {
                for i in 0..<items.count { sum &+= ids.touch(hash: items[i].hash) }
            }
            ReadAhead.keep(sum)
            for i in 0..<items.count {
                let inserted = batch.withID(i) { id in
                    let hash = precomputed ? items[i].hash : ids.hash(id)
                    return insert(id: id, hash: hash, kind: items[i].kind, createdAtMs: items[i].createdAtMs, source: items[i].source,
                                  isMalformed: items[i].isMalformed, muted: muted?(i) ?? false, signature: { batch.signature(i) },
                                  write: { store in batch.withEntry(i) { store.append(entry: $0) } })
                }
                if inserted { count += 1 }
            }
        }
        return count
    }

    @inline(__always)
    private mutating func insert(id: UnsafeBufferPointer<UInt8>, hash: UInt64, kind: Kind, createdAtMs: Int64, source: SourcePosition, isMalformed: Bool,
                                 muted: Bool, signature: () -> SearchSignature.Bits,
                                 write: (inout NotificationStore) -> Void) -> Bool {
        if Self.find(id, hash: hash, in: ids, storage) != nil {
            duplicateCount += 1
            return false
        }
        let index = storage.count
        let orphan = orphans.isEmpty ? nil : orphans.take(hash: hash, id: id)
        let state = orphan?.state ?? .unread
        write(&storage)
        if ids.isFull {
            // Growing rehashes every id from the store (a copy of it, which costs two
            // retains: not paid on every insert).
            let store = storage
            let seed = ids.seed
            ids.reserveCapacity(max(16, (ids.count + 1) * 2)) { i in store.withID(at: i) { IDIndex.hash($0, seed: seed) } }
        }
        ids.insert(hash: hash, index: index) { _ in preconditionFailure("room was made") }
        stateAt.append(state)
        flags.append((orphan == nil ? 0 : Flag.decided) | (muted ? Flag.muted : 0))
        if state == .snoozed, let orphan { snoozeUntil[Int32(truncatingIfNeeded: index)] = orphan.untilMs }
        let cls = RowClass(state, muted: muted)
        kindOrdinals.append(ordinal(of: kind))
        signatures.append(signature())
        keys.append(OrderKey(ms: createdAtMs, offset: source.offset, partition: source.partition,
                             topic: ordinal(of: source.topic)))
        counts.add(cls, kind: kind, 1)
        if isMalformed { malformedCount += 1 }
        let i32 = Int32(truncatingIfNeeded: index)
        if !queries.isEmpty { addQueryMembership(index, cls) }
        for l in lists.indices where !lists[l].dirty {
            // `holds` spelt out: calling a method of self here would copy the whole inbox.
            let key = lists[l].key
            if Self.holds(key, kind, cls) && (key.query < 0 || queryMember[Int(key.query)][index]) { lists[l].pending.append(i32) }
        }
        return true
    }

    /// The storage index of `id`, whose hash is `hash`.
    @inline(__always)
    func find(_ id: String, hash: UInt64) -> Int? {
        Self.find(id, hash: hash, in: ids, storage)
    }

    /// `find` on the parts, passed borrowed (`let store = storage` cost two retains a call).
    @inline(__always)
    static func find(_ id: String, hash: UInt64, in ids: IDIndex, _ storage: NotificationStore) -> Int? {
        id.withUTF8Bytes { find($0, hash: hash, in: ids, storage) }
    }

    /// `find` of an id given by its UTF-8 bytes.
    @inline(__always)
    static func find(_ id: UnsafeBufferPointer<UInt8>, hash: UInt64, in ids: IDIndex, _ storage: NotificationStore) -> Int? {
        ids.find(hash: hash) { i in storage.withID(at: i) { IDIndex.matches($0, id) } }
    }

    private mutating func ordinal(of topic: String) -> Int32 {
        if let last = topicNames.last, last == topic { return Int32(topicNames.count - 1) }
        if let o = topicOrdinals[topic] { return o }
        let o = Int32(topicNames.count)
        topicNames.append(topic)
        topicOrdinals[topic] = o
        return o
    }

    private mutating func ordinal(of kind: Kind) -> UInt32 {
        // Few kinds (three standard ones): a scan of the first few beats hashing the name.
        for (o, k) in kindTable.prefix(4).enumerated() where k == kind { return UInt32(o) }
        if let o = kindIndex[kind] { return o }
        let o = UInt32(kindTable.count)
        kindTable.append(kind)
        kindIndex[kind] = o
        return o
    }

    /// Applies a receipt in log order: the latest receipt for an id wins. Events that set no
    /// state (actions, mutes) change nothing here. Returns the previous state when the
    /// notification is held and its state changed.
    @discardableResult
    public mutating func apply(_ receipt: Receipt) -> ReadState? {
        guard let state = receipt.type.state else { return nil }
        return setState(state, for: receipt.notificationID, untilMs: receipt.untilMs)
    }

    /// Sets the state of `id` directly (a local action not yet confirmed, or a receipt);
    /// `untilMs` is when a snooze ends. The id counts as decided from then on (rules leave
    /// it alone). Returns the previous state when the notification is held and its state changed.
    @discardableResult
    public mutating func setState(_ state: ReadState, for id: String, untilMs: Int64? = nil) -> ReadState? {
        let hash = ids.hash(id)
        guard let index = find(id, hash: hash) else {
            orphans.set(hash: hash, id: id, Orphan(state: state, untilMs: untilMs ?? 0))
            return nil
        }
        return setState(state, at: index, untilMs: untilMs, decided: true)
    }

    /// `setState(_:for:untilMs:)` of the notification at storage index `index` (no lookup by id).
    @discardableResult
    public mutating func setState(_ state: ReadState, at index: Int, untilMs: Int64? = nil) -> ReadState? {
        setState(state, at: index, untilMs: untilMs, decided: true)
    }

    /// Sets the state of the notification at storage index `index` (see `setState(_:for:untilMs:)`);
    /// `decided: false` leaves rules free to act on it later.
    @discardableResult
    mutating func setState(_ state: ReadState, at index: Int, untilMs: Int64?, decided: Bool) -> ReadState? {
        let i32 = Int32(truncatingIfNeeded: index)
        if decided { flags[index] |= Flag.decided }
        if state == .snoozed { snoozeUntil[i32] = untilMs ?? 0 } else if stateAt[index] == .snoozed { snoozeUntil[i32] = nil }
        if state != .unread || stateAt[index] != .snoozed { flags[index] &= ~Flag.wasSnoozed }
        let old = stateAt[index]
        guard old != state else { return nil }
        stateAt[index] = state
        let muted = flags[index] & Flag.muted != 0
        moveRow(index, kind: kind(at: index), from: RowClass(old, muted: muted), to: RowClass(state, muted: muted))
        return old
    }

    /// The row class of the notification at a storage index.
    @inline(__always)
    public func rowClass(at index: Int) -> RowClass { RowClass(stateAt[index], muted: flags[index] & Flag.muted != 0) }

    /// What is known of an id not held.
    func orphan(_ id: String, hash: UInt64) -> Orphan? { orphans.get(hash: hash, id: id) }

    /// The state of a notification id: unread when no receipt says otherwise.
    public func state(of id: String) -> ReadState {
        let hash = ids.hash(id)
        if let index = find(id, hash: hash) { return stateAt[index] }
        return orphans.get(hash: hash, id: id)?.state ?? .unread
    }

    /// Whether `a` sorts before `b` in newest-first order.
    public static func isNewer(_ a: Notification, than b: Notification) -> Bool {
        if a.createdAtMs != b.createdAtMs { return a.createdAtMs > b.createdAtMs }
        if a.source.topic != b.source.topic { return a.source.topic < b.source.topic }
        if a.source.partition != b.source.partition { return a.source.partition < b.source.partition }
        return a.source.offset > b.source.offset
    }
}
