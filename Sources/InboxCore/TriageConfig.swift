import Synchronization

/// What triage needs from the configuration: the `[[rules]]`, and how to compile the jq
/// program of a filter mute (which arrives as text on the receipts topic).
public struct TriageConfig: Sendable {
    /// The rules, in file order.
    public var rules: [TriageRule]
    /// Compiles filter mutes; nil: filter mutes match nothing here.
    public var filters: FilterCache?

    /// Creates a configuration.
    public init(rules: [TriageRule] = [], filters: FilterCache? = nil) {
        self.rules = rules
        self.filters = filters
    }

    /// Whether the filter mute `program` selects `n` (false when it does not compile).
    public func filterMatches(_ program: String, _ n: Notification) -> Bool {
        filters?.predicate(program)?.matches(n, state: .unread) ?? false
    }
}

/// Compiled jq filters by their text, compiled once each (a program that does not compile
/// is remembered as such).
public final class FilterCache: Sendable {
    private let compile: @Sendable (String) -> (any NotificationPredicate)?
    private let compiled = Mutex<[String: (any NotificationPredicate)?]>([:])

    /// A cache compiling with `compile`.
    public init(compile: @escaping @Sendable (String) -> (any NotificationPredicate)?) {
        self.compile = compile
    }

    /// The compiled program, or nil when it does not compile.
    public func predicate(_ program: String) -> (any NotificationPredicate)? {
        if let hit = compiled.withLock({ $0[program] }) { return hit }
        let made = compile(program)
        compiled.withLock { $0[program] = made }
        return made
    }
}
