/// A batch of notifications already packed the way `Inbox` stores them (see
/// `NotificationStore`), made by the consumer thread (`NotificationDecoder.decode(…into:)`)
/// and copied into the inbox on the UI thread as bytes: no String is made for a plain
/// ASCII field, and none is released on the UI thread.
public struct PackedNotifications: Sendable, Hashable {
    /// What the inbox needs of one notification besides its entry's bytes.
    struct Item: Sendable, Hashable {
        var start: Int
        var end: Int
        var id: String
        var kind: Kind
        var createdAtMs: Int64
        var source: SourcePosition
        var isMalformed: Bool
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

    /// Notification `i`, unpacked (for readers that want `Notification` values).
    public func notification(at i: Int) -> Notification {
        let item = items[i]
        return bytes.withUnsafeBufferPointer { b in
            var r = PackedReader(bytes: b, position: item.start)
            return NotificationStore.unpack(&r, kind: item.kind, createdAtMs: item.createdAtMs, source: item.source)
        }
    }

    /// Every notification, unpacked.
    public var notifications: [Notification] { (0..<count).map { notification(at: $0) } }

    /// The search signature of notification `i`, from its entry's title, actor and body.
    func signature(_ i: Int) -> SearchSignature.Bits {
        withEntry(i) { entry in
            var r = PackedReader(bytes: entry, position: 0)
            let (title, actor, body) = r.searchFields()
            return SearchSignature.of(title: title, actor: actor, body: body)
        }
    }

    /// Calls `body` with the entry bytes of notification `i`.
    func withEntry<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let item = items[i]
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[item.start..<item.end])) }
    }

    /// Adds a notification given as a value (a malformed entry, or any other source).
    public mutating func append(_ n: Notification) {
        let size = NotificationStore.entrySize(n)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: size))
        bytes.withUnsafeMutableBufferPointer { NotificationStore.writeEntry(n, to: $0.baseAddress! + start) }
        items.append(Item(start: start, end: start + size, id: n.id, kind: n.kind, createdAtMs: n.createdAtMs,
                          source: n.source, isMalformed: n.isMalformed))
    }

    /// Adds a decoded notification, copying its plain ASCII fields from the message value.
    mutating func append(_ d: DecodedNotification, source: SourcePosition) {
        let f = d.fields
        func size(_ t: FieldText?) -> Int {
            switch t {
            case nil: return 1
            case .ascii(let r)?: return NotificationStore.varintSize(r.count + 1) + r.count
            case .text(let s)?: return NotificationStore.size(s)
            }
        }
        let fallback: String? = d.id == nil ? source.fallbackID : nil
        var total = (fallback.map { NotificationStore.size($0) } ?? size(d.id)) + size(f.user) + size(d.title) + size(f.body)
            + size(f.actor) + size(f.url) + size(f.objectType) + size(f.objectID) + 1 + 1
            + NotificationStore.varintSize(f.extra.count)
        for e in f.extra { total += NotificationStore.size(e.key) + NotificationStore.size(e.value) + 1 }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: total))
        bytes.withUnsafeMutableBufferPointer { out in
            var w = PackedWriter(base: out.baseAddress! + start)
            if let fallback { w.write(fallback) } else { d.withBytes(d.id) { w.write(bytes: $0) } }
            d.withBytes(f.user) { w.write(bytes: $0) }
            d.withBytes(d.title) { w.write(bytes: $0) }
            d.withBytes(f.body) { w.write(bytes: $0) }
            d.withBytes(f.actor) { w.write(bytes: $0) }
            d.withBytes(f.url) { w.write(bytes: $0) }
            d.withBytes(f.objectType) { w.write(bytes: $0) }
            d.withBytes(f.objectID) { w.write(bytes: $0) }
            w.byte(0)  // malformedReason
            w.byte(0)  // raw
            w.varint(UInt64(f.extra.count))
            for e in f.extra {
                w.write(e.key)
                w.write(e.value)
                w.byte(e.isJSON ? 1 : 0)
            }
        }
        items.append(Item(start: start, end: start + total, id: fallback ?? d.string(d.id!), kind: d.kind,
                          createdAtMs: d.createdAtMs, source: source, isMalformed: false))
    }
}
