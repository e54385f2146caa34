/// The inbox state (DESIGN §3): notifications by id, read state by id from receipts,
/// counts per kind and state maintained incrementally, and a newest-first order.
///
/// Receipts may arrive before the notification they are about; their state is kept and
/// applies when the notification arrives. Duplicate ids are stored once.
public struct Inbox: Sendable {
    private var storage: [Notification] = []
    private var indexByID: [String: Int] = [:]
    private var stateByID: [String: ReadState] = [:]
    private var orderCache: [Int] = []
    private var orderValid = true

    /// Counts per kind and state.
    public private(set) var counts = InboxCounts()
    /// How many stored notifications are malformed messages.
    public private(set) var malformedCount = 0
    /// How many messages were dropped as duplicates of an id already held.
    public private(set) var duplicateCount = 0

    /// Creates an empty inbox.
    public init() {}

    /// How many distinct notifications are held.
    public var count: Int { storage.count }

    /// Adds a notification. Returns false (and changes nothing) when its id is already held.
    @discardableResult
    public mutating func insert(_ notification: Notification) -> Bool {
        if indexByID[notification.id] != nil {
            duplicateCount += 1
            return false
        }
        let index = storage.count
        storage.append(notification)
        indexByID[notification.id] = index
        counts.add(state(of: notification.id), kind: notification.kind, 1)
        if notification.isMalformed { malformedCount += 1 }
        if orderValid {
            if let last = orderCache.last, !Self.isNewer(storage[last], than: notification) {
                orderValid = false
            } else {
                orderCache.append(index)
            }
        }
        return true
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
        let old = self.state(of: id)
        if state == .unread { stateByID.removeValue(forKey: id) } else { stateByID[id] = state }
        guard old != state, let index = indexByID[id] else { return nil }
        let kind = storage[index].kind
        counts.add(old, kind: kind, -1)
        counts.add(state, kind: kind, 1)
        return old
    }

    /// The state of a notification id: unread when no receipt says otherwise.
    public func state(of id: String) -> ReadState { stateByID[id] ?? .unread }

    /// The notification with this id, if held.
    public func notification(id: String) -> Notification? {
        indexByID[id].map { storage[$0] }
    }

    /// The notification at a storage index (as returned by `newestFirst()`).
    public func notification(at index: Int) -> Notification { storage[index] }

    /// Storage indices of every notification, newest first (by `createdAtMs`, then by
    /// source position). Sorting happens at most once per batch of inserts.
    public mutating func newestFirst() -> [Int] {
        if !orderValid {
            orderCache = Array(storage.indices)
            let items = storage
            orderCache.sort { Self.isNewer(items[$0], than: items[$1]) }
            orderValid = true
        }
        return orderCache
    }

    /// Storage indices shown by `view`, limited to `kinds` (all kinds when nil), newest first.
    public mutating func indices(in view: InboxView, kinds: Set<Kind>? = nil) -> [Int] {
        let order = newestFirst()
        return order.filter { index in
            let n = storage[index]
            if let kinds, !kinds.contains(n.kind) { return false }
            return view.contains(state(of: n.id))
        }
    }

    /// Whether `a` sorts before `b` in newest-first order.
    public static func isNewer(_ a: Notification, than b: Notification) -> Bool {
        if a.createdAtMs != b.createdAtMs { return a.createdAtMs > b.createdAtMs }
        if a.source.topic != b.source.topic { return a.source.topic < b.source.topic }
        if a.source.partition != b.source.partition { return a.source.partition < b.source.partition }
        return a.source.offset > b.source.offset
    }
}
