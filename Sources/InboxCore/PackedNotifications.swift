/// A batch of notifications already packed the way `Inbox` stores them (see
/// `NotificationStore`), made by the consumer thread (`NotificationDecoder.decode(…into:)`)
/// and copied into the inbox on the UI thread as bytes: no String is made for a plain
/// ASCII field, and none is released on the UI thread.
public struct PackedNotifications: Sendable, Hashable {
    /// What the inbox needs of one notification besides its entry's bytes.
    struct Item: Sendable, Hashable {
        var start: Int
        var end: Int
        /// `IDIndex.hash(id)` of the entry's id (its first field) with the process seed, computed where the batch is made (the consumer thread).
        var hash: UInt64
        var kind: Kind
        var createdAtMs: Int64
        var source: SourcePosition
        var isMalformed: Bool
        /// The entry's search signature, computed where the batch is made too (the UI
        /// thread, which inserts, is the one catch-up waits for).
        var signature: SearchSignature.Bits
    }

    var bytes: [UInt8] = []
    var items: [Item] = []

    /// An empty batch.
    public init() {}

    /// A batch of these notifications, in order.
    public init(_ list: [Notification]) {
        for n in list { append(n) }
    }

    /// How many notifications the batch holds.
    public var count: Int { items.count }
    /// Whether it holds none.
    public var isEmpty: Bool { items.isEmpty }
    /// About how much memory the batch holds (its bytes, and per item its record and id).
    public var byteCount: Int { bytes.count + items.count * MemoryLayout<Item>.stride }

    /// Notification `i`, unpacked (for readers that want `Notification` values).
    public func notification(at i: Int) -> Notification {
        let item = items[i]
        return bytes.withUnsafeBufferPointer { b in
            var r = PackedReader(bytes: b, position: item.start)
            return PackedEntry.unpack(&r, kind: item.kind, createdAtMs: item.createdAtMs, source: item.source)
        }
    }

    /// Every notification, unpacked.
    public var notifications: [Notification] { (0..<count).map { notification(at: $0) } }

    /// The search signature of notification `i`, from its entry's title, actor and body.
    func signature(_ i: Int) -> SearchSignature.Bits { items[i].signature }

    /// The search signature of an entry's title, actor and body.
    private static func signature(ofEntry entry: UnsafeBufferPointer<UInt8>) -> SearchSignature.Bits {
        var r = PackedReader(bytes: entry, position: 0)
        let (title, actor, body) = PackedEntry.searchFields(&r)
        return SearchSignature.of(title: title, actor: actor, body: body)
    }

    /// Calls `body` with the id of notification `i` (its entry's first field, read in place:
    /// a batch holds no String per notification).
    func withID<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withEntry(i) { entry in
            var r = PackedReader(bytes: entry, position: 0)
            return body(r.field() ?? UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    /// Calls `body` with the entry bytes of notification `i`.
    func withEntry<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let item = items[i]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[item.start..<item.end])) }
    }

    /// Adds a notification given as a value (a malformed entry, or any other source).
    public mutating func append(_ n: Notification) {
        append(n, kind: n.kind, createdAtMs: n.createdAtMs, source: n.source, isMalformed: n.isMalformed)
    }

    /// Adds a decoded notification, copying its plain ASCII fields from the message value.
    mutating func append(_ d: DecodedNotification, source: SourcePosition) {
        let fallback: String? = d.id == nil ? source.fallbackID : nil
        append(DecodedEntry(decoded: d, fallbackID: fallback), kind: d.kind, createdAtMs: d.createdAtMs, source: source,
               isMalformed: false)
    }

    @inline(__always)
    private mutating func append<S: PackedEntrySource>(_ entry: S, kind: Kind, createdAtMs: Int64,
                                                       source: SourcePosition, isMalformed: Bool) {
        let size = PackedEntry.size(entry)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        let (signature, hash) = bytes.withUnsafeMutableBufferPointer { b in
            PackedEntry.write(entry, to: b.baseAddress! + start)
            let written = UnsafeBufferPointer(rebasing: b[start..<start + size])
            var r = PackedReader(bytes: written, position: 0)
            let id = r.field() ?? UnsafeBufferPointer(start: nil, count: 0)
            return (Self.signature(ofEntry: written), IDIndex.hash(id, seed: IDIndex.processSeed))
        }
        items.append(Item(start: start, end: start + size, hash: hash, kind: kind, createdAtMs: createdAtMs,
                          source: source, isMalformed: isMalformed, signature: signature))
    }
}
