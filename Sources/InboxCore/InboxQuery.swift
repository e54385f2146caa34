/// The query language people type (`F` in the inbox, `[[views]]`, `--query`):
/// `is:unread|read|done|snoozed|muted|tagged`, `kind:owner`, `from:bob`, `thread:graph:123`,
/// `after:2d`, `before:2026-11-01`, `has:url|actions|body`, `"quoted text"`, bare words
/// (text in title, body or actor, any case), `-` to negate, `(…)`, implicit AND, `OR`.
public struct InboxQuery: Sendable, Hashable {
    /// One node of a parsed query.
    public indirect enum Node: Sendable, Hashable {
        case all([Node])
        case any([Node])
        case not(Node)
        case state(StateTerm)
        case kind(String)
        case from(String)
        case thread(type: String, id: String)
        case after(Int64)
        case before(Int64)
        case has(HasTerm)
        case text(String)
    }

    /// What `is:` asks.
    public enum StateTerm: String, Sendable, Hashable, CaseIterable {
        case unread, read, done, snoozed, muted, tagged
    }

    /// What `has:` asks.
    public enum HasTerm: String, Sendable, Hashable, CaseIterable {
        case url, actions, body
    }

    /// What a query can know of a row beyond the notification.
    public struct Facts: Sendable, Hashable {
        /// The row's class (state, with muted for a muted unread row).
        public var rowClass: RowClass
        /// Whether the row carries a tag (a rule's label, or the inbox's selection).
        public var tagged: Bool

        /// Creates facts.
        public init(rowClass: RowClass, tagged: Bool = false) {
            self.rowClass = rowClass
            self.tagged = tagged
        }
    }

    /// The text as typed.
    public let text: String
    /// The parsed query (`all([])` for an empty query: everything).
    public let root: Node

    /// Parses `text`; relative times (`after:2d`) count back from `nowMs`.
    public init(_ text: String, nowMs: Int64 = Timestamps.nowMs()) throws(QueryError) {
        self.text = text
        var p = QueryParser(text, nowMs: nowMs)
        root = try p.parse()
    }

    /// Whether `n`, with `facts`, is selected.
    public func matches(_ n: Notification, _ facts: Facts) -> Bool { Self.eval(root, n, facts) }

    /// Whether the query names no state (`is:`): then its answer does not change with the row's state.
    public var isStateFree: Bool { !Self.namesState(root) }

    private static func namesState(_ node: Node) -> Bool {
        switch node {
        case .all(let list), .any(let list): return list.contains(where: namesState)
        case .not(let inner): return namesState(inner)
        case .state: return true
        default: return false
        }
    }

    private static func eval(_ node: Node, _ n: Notification, _ f: Facts) -> Bool {
        switch node {
        case .all(let list): return list.allSatisfy { eval($0, n, f) }
        case .any(let list): return list.contains { eval($0, n, f) }
        case .not(let inner): return !eval(inner, n, f)
        case .state(let s):
            switch s {
            case .unread: return f.rowClass == .unread
            case .read: return f.rowClass == .read
            case .done: return f.rowClass == .acknowledged
            case .snoozed: return f.rowClass == .snoozed
            case .muted: return f.rowClass == .muted
            case .tagged: return f.tagged
            }
        case .kind(let k): return n.kind.rawValue.lowercased() == k
        case .from(let a): return n.actor.map { $0.lowercased() == a || $0.lowercased().hasPrefix(a + "@") } ?? false
        case .thread(let type, let id): return n.objectType == type && n.objectID == id
        case .after(let ms): return n.createdAtMs >= ms
        case .before(let ms): return n.createdAtMs < ms
        case .has(let h):
            switch h {
            case .url: return !(n.url ?? "").isEmpty
            case .actions: return !NotificationAction.list(of: n).isEmpty
            case .body: return !(n.body ?? "").isEmpty
            }
        case .text(let t):
            return [n.title, n.body ?? "", n.actor ?? ""].contains { $0.lowercased().contains(t) }
        }
    }
}

/// A query that cannot be read: what is wrong, and where.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The offending token as typed.
    public var token: String
    /// Its position, 1-based, in characters.
    public var column: Int
    /// What is wrong and what would be right.
    public var reason: String

    /// `is:bogus (column 1): unknown state; use is:unread, …`.
    public var description: String { "\(token) (column \(column)): \(reason)" }
}
