/// What an event on the receipts topic says: a notification's new state (`read`, `unread`,
/// `acknowledged`, `snoozed`), an action the user ran (`action`), or a mute made or lifted
/// (`mute`, `unmute`).
public enum ReceiptType: String, Sendable, Hashable, CaseIterable, Codable {
    case read, unread, acknowledged, snoozed, action, mute, unmute

    /// The state a notification is in after this receipt; nil for the events that do not
    /// set one (`action`, `mute`, `unmute`).
    public var state: ReadState? {
        switch self {
        case .read: return .read
        case .unread: return .unread
        case .acknowledged: return .acknowledged
        case .snoozed: return .snoozed
        case .action, .mute, .unmute: return nil
        }
    }

    /// Whether this receipt sets a notification's state (keyed by the notification id).
    public var setsState: Bool { state != nil }

    /// The receipt that puts a notification back into `state`.
    public init(restoring state: ReadState) {
        switch state {
        case .read: self = .read
        case .unread: self = .unread
        case .acknowledged: self = .acknowledged
        case .snoozed: self = .snoozed
        }
    }
}

/// An event on the user's receipts topic. Most are read receipts: the latest one of a
/// notification id is its state. The same topic carries the user's other shared
/// decisions: mutes (`mute`, with `mute`; `unmute`, with `muteID`) and actions run
/// (`action`, with `action`). The Kafka key is `ReceiptCodec.key(_:layout:)`.
public struct Receipt: Sendable, Hashable, Codable {
    /// What happened.
    public var type: ReceiptType
    /// Unique per receipt, so a replayed receipt can be recognised. Rules derive it from the
    /// rule and the notification, so two terminals applying one rule make the same receipt.
    public var receiptID: String
    /// The notification this receipt is about; empty for `mute` and `unmute`.
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
    /// For `snoozed`: when the notification comes back, ms since the epoch.
    public var untilMs: Int64?
    /// For `action`: the producer-defined action id.
    public var action: String?
    /// For `mute`: what is muted and until when; for `unmute`: its `id` only.
    public var mute: Mute?
    /// For a receipt a config rule made: the rule's label (`rules[2]`).
    public var rule: String?

    enum CodingKeys: String, CodingKey {
        case type
        case receiptID = "receipt_id"
        case notificationID = "notification_id"
        case user, kind, at, client, source, untilMs, action, mute, rule
    }

    /// Creates a receipt.
    public init(type: ReceiptType, receiptID: String, notificationID: String, user: String,
                kind: String?, at: String, client: String?, source: SourcePosition?,
                untilMs: Int64? = nil, action: String? = nil, mute: Mute? = nil, rule: String? = nil) {
        self.type = type
        self.receiptID = receiptID
        self.notificationID = notificationID
        self.user = user
        self.kind = kind
        self.at = at
        self.client = client
        self.source = source
        self.untilMs = untilMs
        self.action = action
        self.mute = mute
        self.rule = rule
    }

    /// What a later event replaces this one by, in the outbox and under compaction: the
    /// notification id for a state, `~m/<mute id>` for a mute or unmute, and `~a/<receipt
    /// id>` for an action (each action is kept). See `TopicLayout.receiptKey`.
    public var subject: String {
        switch type {
        case .mute, .unmute: return "~m/" + (mute?.id ?? "")
        case .action: return "~a/" + receiptID
        default: return TopicLayout.escapedID(notificationID)
        }
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
