import InboxCore

/// An event for the receipts topic the user (or a config rule) asked for; the service turns
/// it into a `Receipt`.
public struct ReceiptRequest: Sendable, Hashable {
    /// The notification the receipt is about; empty for a mute or unmute.
    public var notificationID: String
    /// The notification's kind.
    public var kind: Kind
    /// Where the notification was read from.
    public var source: SourcePosition?
    /// What happened (`ReceiptType`).
    public var type: ReceiptType
    /// For a snooze: when it ends (ms since the epoch).
    public var untilMs: Int64?
    /// For an action: the producer's action id.
    public var action: String?
    /// For a mute or unmute: the mute.
    public var mute: Mute?
    /// For a rule: its label and the receipt id it derives (nil: a fresh id).
    public var rule: String?
    /// The receipt id to use; nil: a fresh one.
    public var receiptID: String?

    /// Creates a request.
    public init(notificationID: String, kind: Kind, source: SourcePosition?, type: ReceiptType,
                untilMs: Int64? = nil, action: String? = nil, mute: Mute? = nil, rule: String? = nil,
                receiptID: String? = nil) {
        self.notificationID = notificationID
        self.kind = kind
        self.source = source
        self.type = type
        self.untilMs = untilMs
        self.action = action
        self.mute = mute
        self.rule = rule
        self.receiptID = receiptID
    }

    /// A mute (or, with `type: .unmute`, an unmute) request.
    public static func mute(_ mute: Mute, type: ReceiptType = .mute, rule: String? = nil, receiptID: String? = nil) -> ReceiptRequest {
        ReceiptRequest(notificationID: "", kind: .group, source: nil, type: type, mute: mute, rule: rule, receiptID: receiptID)
    }
}
