import Foundation
import InboxCore
import InboxEvents

/// Makes receipts for the configured user.
public struct ReceiptFactory: Sendable {
    let user: String

    /// A factory of `user`'s receipts.
    public init(user: String) { self.user = user }

    /// `kafka-inbox/<version> <host>`.
    static let client: String = {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0 ? name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "unknown"
        return "kafka-inbox/\(ProductInfo.version) \(host)"
    }()

    /// A receipt saying `notification` is now `type`.
    public func receipt(_ type: ReceiptType, for notification: InboxCore.Notification) -> Receipt {
        receipt(type, id: notification.id, kind: notification.kind.rawValue, source: notification.source)
    }

    /// A receipt for an id with what is known of it; `at` (default: now) is the action's time.
    public func receipt(_ type: ReceiptType, id: String, kind: String?, source: SourcePosition?, at: String? = nil) -> Receipt {
        Receipt(type: type, receiptID: IDGenerator.next(), notificationID: id, user: user, kind: kind,
                at: at ?? Timestamps.iso8601(ms: Timestamps.nowMs()), client: Self.client, source: source)
    }

    /// The receipt for a request, made at `at` (default: now); a rule's request keeps the
    /// receipt id the rule derived.
    public func receipt(for request: ReceiptRequest, at: String? = nil) -> Receipt {
        var r = receipt(request.type, id: request.notificationID, kind: request.notificationID.isEmpty ? nil : request.kind.rawValue,
                        source: request.source, at: at)
        if let id = request.receiptID { r.receiptID = id }
        r.untilMs = request.untilMs
        r.action = request.action
        r.mute = request.mute
        r.rule = request.rule
        return r
    }

    /// The message that carries a receipt on the receipts topic of `layout`.
    public func message(_ r: Receipt, layout: TopicLayout) -> OutgoingMessage {
        OutgoingMessage(topic: layout.receiptsTopic(user: r.user), key: ReceiptCodec.key(r, layout: layout), value: ReceiptCodec.encode(r))
    }
}
