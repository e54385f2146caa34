import InboxCore

/// A receipt the user asked for; the executable turns it into a `Receipt` on the receipts topic.
public struct ReceiptRequest: Sendable, Hashable {
    /// The notification the receipt is about (the message key).
    public var notificationID: String
    /// The notification's kind.
    public var kind: Kind
    /// Where the notification was read from.
    public var source: SourcePosition
    /// `read`, `unread` or `acknowledged`.
    public var type: ReceiptType

    /// Creates a request.
    public init(notificationID: String, kind: Kind, source: SourcePosition, type: ReceiptType) {
        self.notificationID = notificationID
        self.kind = kind
        self.source = source
        self.type = type
    }
}
