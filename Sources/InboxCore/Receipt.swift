/// What a receipt says happened to a notification.
public enum ReceiptType: String, Sendable, Hashable, CaseIterable, Codable {
    case read, unread, acknowledged

    /// The state a notification is in after this receipt.
    public var state: ReadState {
        switch self {
        case .read: return .read
        case .unread: return .unread
        case .acknowledged: return .acknowledged
        }
    }

    /// The receipt that puts a notification back into `state`.
    public init(restoring state: ReadState) {
        switch state {
        case .read: self = .read
        case .unread: self = .unread
        case .acknowledged: self = .acknowledged
        }
    }
}

/// A read-receipt event on the user's receipts topic: the latest one of an id is its state.
/// The Kafka key is `notificationID`.
public struct Receipt: Sendable, Hashable, Codable {
    /// `read`, `unread` or `acknowledged`.
    public var type: ReceiptType
    /// Unique per receipt, so a replayed receipt can be recognised.
    public var receiptID: String
    /// The notification this receipt is about (also the message key).
    public var notificationID: String
    /// The user who acted.
    public var user: String
    /// The notification's kind.
    public var kind: String?
    /// When the user acted, ISO 8601 with milliseconds, UTC.
    public var at: String
    /// `kafka-inbox/<version> <host>`.
    public var client: String?
    /// Where the notification was read from.
    public var source: SourcePosition?

    enum CodingKeys: String, CodingKey {
        case type
        case receiptID = "receipt_id"
        case notificationID = "notification_id"
        case user, kind, at, client, source
    }

    /// Creates a receipt.
    public init(type: ReceiptType, receiptID: String, notificationID: String, user: String,
                kind: String?, at: String, client: String?, source: SourcePosition?) {
        self.type = type
        self.receiptID = receiptID
        self.notificationID = notificationID
        self.user = user
        self.kind = kind
        self.at = at
        self.client = client
        self.source = source
    }
}

extension Receipt {
    /// A new receipt for `notification`, with a fresh `receiptID` and `at` set to `atMs`
    /// (default: now) as ISO 8601.
    public init(type: ReceiptType, for notification: Notification, user: String, client: String?,
                atMs: Int64 = Timestamps.nowMs()) {
        self.init(type: type, receiptID: IDGenerator.next(), notificationID: notification.id, user: user,
                  kind: notification.kind.rawValue, at: Timestamps.iso8601(ms: atMs), client: client,
                  source: notification.source)
    }
}
