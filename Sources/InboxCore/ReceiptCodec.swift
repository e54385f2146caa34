/// Encodes and decodes receipts on the receipts topic: key = the notification id, value = the receipt's JSON.
///
/// The value is one JSON object with the keys `type`, `receipt_id`, `notification_id`,
/// `user`, `kind`, `at`, `client` and `source {topic, partition, offset}`, in that order,
/// nil fields left out. The Kafka key is the notification id (`key(_:)`).
public enum ReceiptCodec {
    /// The message value for `receipt`.
    public static func encode(_ receipt: Receipt) -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("type", receipt.type.rawValue)
        w.field("receipt_id", receipt.receiptID)
        w.field("notification_id", receipt.notificationID)
        w.field("user", receipt.user)
        w.field("kind", receipt.kind)
        w.field("at", receipt.at)
        w.field("client", receipt.client)
        if let source = receipt.source {
            w.key("source")
            w.beginObject()
            w.field("topic", source.topic)
            w.field("partition", source.partition)
            w.field("offset", source.offset)
            w.endObject()
        }
        w.endObject()
        return w.bytes
    }

    /// The message key for `receipt` on a receipts topic of `layout` (`TopicLayout.receiptKey`).
    public static func key(_ receipt: Receipt, layout: TopicLayout) -> [UInt8] {
        layout.receiptKey(user: receipt.user, notificationID: receipt.notificationID)
    }

    /// Decodes a receipt value held in an array. See `decode(_:)` for the rules.
    public static func decode(_ bytes: [UInt8]) -> Receipt? {
        bytes.withUnsafeBytes { decode($0) }
    }

    /// Decodes a receipt value tolerantly: unknown fields are ignored, ids may be numbers,
    /// missing `receipt_id`, `user` or `at` become empty, `at` as an epoch number becomes
    /// ISO 8601, and a `source` that is incomplete is left out. Returns nil when the value
    /// is not a JSON object, its `type` is not `read`, `unread` or `acknowledged`
    /// (any case), or `notification_id` is missing or empty.
    public static func decode(_ value: UnsafeRawBufferPointer) -> Receipt? {
        let bytes = value.assumingMemoryBound(to: UInt8.self)
        guard bytes.count <= NotificationDecoder.maxValueBytes else { return nil }
        var s = JSONScanner(bytes)
        s.skipBOMAndWhitespace()
        var fields = Fields()
        do throws(JSONScanError) {
            try read(&s, into: &fields)
        } catch {
            return nil
        }
        s.skipWhitespace()
        guard s.atEnd, let typeName = fields.type,
              let type = ReceiptType(rawValue: typeName.lowercased()),
              let id = fields.notificationID, !id.isEmpty else { return nil }
        return Receipt(type: type, receiptID: fields.receiptID ?? "", notificationID: id,
                       user: fields.user ?? "", kind: fields.kind, at: fields.at ?? "",
                       client: fields.client, source: fields.source)
    }

    private struct Fields {
        var type: String?
        var receiptID: String?
        var notificationID: String?
        var user: String?
        var kind: String?
        var at: String?
        var client: String?
        var source: SourcePosition?
    }

    private static func read(_ s: inout JSONScanner, into f: inout Fields) throws(JSONScanError) {
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            switch s.string(key) {
            case "type": f.type = try s.textValue(depth: 2)
            case "receipt_id": f.receiptID = try s.textValue(depth: 2)
            case "notification_id": f.notificationID = try s.textValue(depth: 2)
            case "user": f.user = try s.textValue(depth: 2)
            case "kind": f.kind = try s.textValue(depth: 2)
            case "client": f.client = try s.textValue(depth: 2)
            case "at":
                if try s.valueKind() == .number {
                    let r = try s.scanNumber()
                    f.at = JSONScanner.epochMs(UnsafeBufferPointer(rebasing: s.buf[r])).map {
                        Timestamps.iso8601(ms: $0)
                    } ?? s.text(r)
                } else {
                    f.at = try s.textValue(depth: 2)
                }
            case "source": f.source = try readSource(&s)
            default: try s.skipValue(depth: 2)
            }
        }
    }

    private static func readSource(_ s: inout JSONScanner) throws(JSONScanError) -> SourcePosition? {
        guard s.peek == 0x7B else {
            try s.skipValue(depth: 2)
            return nil
        }
        var topic: String?
        var partition: Int64?
        var offset: Int64?
        try JSONScanner.members(&s) { s, key throws(JSONScanError) in
            switch s.string(key) {
            case "topic": topic = try s.textValue(depth: 3)
            case "partition": partition = try s.integerValue(depth: 3)
            case "offset": offset = try s.integerValue(depth: 3)
            default: try s.skipValue(depth: 3)
            }
        }
        guard let topic, let partition, let p32 = Int32(exactly: partition), let offset else { return nil }
        return SourcePosition(topic: topic, partition: p32, offset: offset)
    }
}
