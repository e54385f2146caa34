/// A yes/no question about a notification in a state, such as a compiled jq filter
/// (`.actor == "ci-bot"`) over the notification as `list --json` prints it. Used on one
/// thread at a time.
public protocol NotificationPredicate: AnyObject, Sendable {
    /// Whether `n`, in `state`, is selected. An evaluation error is false.
    func matches(_ n: Notification, state: ReadState) -> Bool
}

/// One `[[rules]]` entry: which notifications (`predicate`), what to do (`actions`), and a
/// label for receipts and messages (`rules[1]`, 1-based in file order).
public struct TriageRule: Sendable {
    /// `rules[N]`, N counted from 1 in the config file.
    public var label: String
    /// The `if` program's text (part of every receipt id the rule derives).
    public var source: String
    /// The compiled `if`.
    public var predicate: any NotificationPredicate
    /// The `then` entries.
    public var actions: [RuleAction]

    /// Creates a rule.
    public init(label: String, source: String, predicate: any NotificationPredicate, actions: [RuleAction]) {
        self.label = label
        self.source = source
        self.predicate = predicate
        self.actions = actions
    }

    /// The receipt id a rule derives for a notification: the same in every terminal.
    public func receiptID(for notificationID: String, action: String) -> String {
        let h = XXHash64.hash(Array((source + "\u{0}" + action + "\u{0}" + notificationID).utf8), seed: 0x72756C65)
        let hex = String(h, radix: 16)
        return "rule-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
