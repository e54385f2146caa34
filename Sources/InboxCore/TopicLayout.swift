/// Maps a user and a kind to topic names, and topic names back to kinds (`notify.<user>.<kind>`
/// by default; any template with `{kind}`, and `{user}` for per-user topics: without `{user}`
/// the topics are shared by everyone). `{user}` is filled with the identity's topic-safe
/// form (`Identity.topicSafe`).
///
/// The one place that knows the naming scheme, so that moving to shared topics stays a
/// configuration change.
public struct TopicLayout: Sendable, Hashable {
    /// Template of a notification topic, e.g. `notify.{user}.{kind}`.
    public var notificationTemplate: String { didSet { notificationsShared = !Self.hasUserPlaceholder(notificationTemplate) } }
    /// Template of the receipts topic, e.g. `notify.{user}.receipts`.
    public var receiptsTemplate: String { didSet { receiptsShared = !Self.hasUserPlaceholder(receiptsTemplate) } }
    /// The kinds subscribed to by default.
    public var kinds: [Kind]
    /// Extra subscription patterns (librdkafka regex syntax, starting with `^`), with `{user}`.
    public var patterns: [String]
    /// How messages are read: empty for the native contract, else a fingerprint of the
    /// `[schema]` mapping and the user's groups (a snapshot made with another one is not used).
    public var mapping: String = ""

    /// The default layout: `notify.{user}.{kind}` and `notify.{user}.receipts`.
    public init(notificationTemplate: String = "notify.{user}.{kind}",
                receiptsTemplate: String = "notify.{user}.receipts",
                kinds: [Kind] = Kind.standard, patterns: [String] = []) {
        self.notificationTemplate = notificationTemplate
        self.receiptsTemplate = receiptsTemplate
        notificationsShared = !Self.hasUserPlaceholder(notificationTemplate)
        receiptsShared = !Self.hasUserPlaceholder(receiptsTemplate)
        self.kinds = kinds
        self.patterns = patterns
    }

    /// The topic holding `user`'s notifications of `kind`.
    public func topic(user: String, kind: Kind) -> String {
        notificationTemplate.replacing("{user}", with: Identity.topicSafe(user)).replacing("{kind}", with: kind.rawValue)
    }

    /// The user's receipts topic.
    public func receiptsTopic(user: String) -> String {
        receiptsTemplate.replacing("{user}", with: Identity.topicSafe(user))
    }

    /// Whether the notification topics are everyone's (the template has no `{user}`).
    /// (Kept with the template, set again whenever it is: asked for every receipt sent.)
    public private(set) var notificationsShared: Bool

    /// Whether `template` has `{user}`, by its bytes (a plain `contains` resolves to
    /// Foundation's in this module, through `NSString`).
    static func hasUserPlaceholder(_ template: String) -> Bool {
        let needle: [UInt8] = Array("{user}".utf8)
        let bytes = template.utf8
        guard bytes.count >= needle.count else { return false }
        var i = bytes.startIndex
        while i != bytes.endIndex {
            if bytes[i] == needle[0], bytes[i...].starts(with: needle) { return true }
            i = bytes.index(after: i)
        }
        return false
    }

    /// Whether the receipts topic is everyone's (the template has no `{user}`): receipts are
    /// then keyed by user and id, and each reader keeps only its user's.
    public private(set) var receiptsShared: Bool

    /// The message key of an event on the receipts topic (`Receipt.subject`): for a state,
    /// the notification id (compaction keeps the latest per notification) with a leading `~`
    /// doubled (`escapedID`); `~m/<mute id>` for mutes and `~a/<receipt id>` for actions.
    /// No id a producer picks can therefore shadow a mute or an action, nor one another.
    /// On a shared receipts topic the key is prefixed by the user's topic-safe form and `/`.
    public func receiptKey(user: String, subject: String) -> [UInt8] {
        receiptsShared ? Array((Identity.topicSafe(user) + "/" + subject).utf8) : Array(subject.utf8)
    }

    /// A notification id as a receipt key: as is, unless it starts with `~` (reserved for
    /// the other events on the receipts topic), which is then doubled.
    public static func escapedID(_ id: String) -> String {
        id.utf8.first == UInt8(ascii: "~") ? "~" + id : id
    }

    /// Every notification topic of `user` for `kinds` (default: the layout's kinds).
    public func topics(user: String, kinds: [Kind]? = nil) -> [String] {
        (kinds ?? self.kinds).map { topic(user: user, kind: $0) }
    }

    /// The subscription patterns for `user`, with `{user}` filled in (regex-escaped).
    public func subscriptionPatterns(user: String) -> [String] {
        patterns.map { $0.replacing("{user}", with: Self.regexEscaped(Identity.topicSafe(user))) }
    }

    /// The kind a topic of `user` stands for, read back through the template; nil when the
    /// topic does not match it.
    public func kind(ofTopic topic: String, user: String) -> Kind? {
        let filled = notificationTemplate.replacing("{user}", with: Identity.topicSafe(user))
        guard let range = filled.firstRange(of: "{kind}") else { return nil }
        let prefix = String(filled[..<range.lowerBound])
        let suffix = String(filled[range.upperBound...])
        guard topic.hasPrefix(prefix), topic.hasSuffix(suffix),
              topic.count > prefix.count + suffix.count else { return nil }
        let name = topic.dropFirst(prefix.count).dropLast(suffix.count)
        if String(name) == "receipts" && receiptsTopic(user: user) == topic { return nil }
        return Kind(rawValue: String(name))
    }

    /// `text` with every regex metacharacter escaped.
    public static func regexEscaped(_ text: String) -> String {
        var out = ""
        for c in text {
            if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

