/// How to read notifications that producers we do not control publish: one jq expression
/// per field (`[schema]` in the config file), with per-kind overrides (`[schema.<kind>]`).
/// Pure data; `MessageMapper` (InboxFeed) compiles and runs it.
public struct SchemaConfig: Sendable, Hashable {
    /// The fields an expression can give.
    public static let keys = ["for_me", "id", "kind", "title", "body", "actor", "url", "created_at", "object_type", "object_id", "actions"]
    /// The variables every expression can use.
    public static let variables = ["user", "groups", "kind", "topic", "partition", "offset", "key", "timestamp", "headers"]

    /// Expressions by key.
    public var expressions: [String: String]
    /// Overrides by kind name, then key.
    public var overrides: [String: [String: String]]

    /// A schema of `expressions` and `overrides`.
    public init(expressions: [String: String] = [:], overrides: [String: [String: String]] = [:]) {
        self.expressions = expressions
        self.overrides = overrides
    }

    /// The expressions for messages of `kind` (the base ones, overridden for that kind).
    public func expressions(for kind: String?) -> [String: String] {
        guard let kind, let extra = overrides[kind] else { return expressions }
        return expressions.merging(extra) { _, new in new }
    }

    /// One line that changes whenever any expression changes (for the snapshot's header:
    /// a snapshot read with another mapping is not used).
    public var fingerprint: String {
        var parts = expressions.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        for (kind, keys) in overrides.sorted(by: { $0.key < $1.key }) {
            parts += keys.sorted { $0.key < $1.key }.map { "\(kind).\($0.key)=\($0.value)" }
        }
        return parts.joined(separator: "\u{1F}")
    }
}
