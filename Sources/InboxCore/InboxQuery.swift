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
    private let stateFree: Bool
    private let tags: Bool

    /// Parses `text`; relative times (`after:2d`) count back from `nowMs`.
    public init(_ text: String, nowMs: Int64 = Timestamps.nowMs()) throws(QueryError) {
        var p = QueryParser(text, nowMs: nowMs)
        self.init(text: text, root: try p.parse())
    }

    private init(text: String, root: Node) {
        self.text = text
        self.root = root
        stateFree = !Self.namesState(root)
        tags = Self.names(root) { $0 == .state(.tagged) }
    }

    /// A query that holds where every one of `parts` holds (an ad-hoc filter within a view).
    public init(allOf parts: [InboxQuery], text: String) {
        self.init(text: text, root: .all(parts.map(\.root)))
    }

    /// The query a built-in view stands for (`is:unread` for Unread; everything for All).
    public init(view: InboxView) {
        switch view {
        case .unread: self.init(text: "", root: .state(.unread))
        case .all: self.init(text: "", root: .all([]))
        case .done: self.init(text: "", root: .state(.done))
        case .snoozed: self.init(text: "", root: .state(.snoozed))
        }
    }

    /// Whether `n`, with `facts`, is selected.
    public func matches(_ n: Notification, _ facts: Facts) -> Bool { Self.eval(root, n, facts) }

    /// Whether the query names no state (`is:`): then its answer does not change with the row's
    /// state (asked for every row the inbox takes or moves: worked out once, from `root`).
    public var isStateFree: Bool { stateFree }

    /// Whether the query asks `is:tagged` (its answer changes when a rule labels a row).
    public var namesTags: Bool { tags }


    private static func names(_ node: Node, _ test: (Node) -> Bool) -> Bool {
        switch node {
        case .all(let list), .any(let list): return list.contains { names($0, test) }
        case .not(let inner): return names(inner, test)
        default: return test(node)
        }
    }

    private static func namesState(_ node: Node) -> Bool {
        switch node {
        case .all(let list), .any(let list): return list.contains(where: namesState)
        case .not(let inner): return namesState(inner)
        case .state: return true
        default: return false
        }
    }

    static func holds(_ s: StateTerm, _ f: Facts) -> Bool {
        switch s {
        case .unread: return f.rowClass == .unread
        case .read: return f.rowClass == .read
        case .done: return f.rowClass == .acknowledged
        case .snoozed: return f.rowClass == .snoozed
        case .muted: return f.rowClass == .muted
        case .tagged: return f.tagged
        }
    }

    /// Whether `kind`, lower-cased, is `k` (without making a String when both are ASCII).
    static func kindIs(_ kind: Kind, _ k: String) -> Bool {
        if kind.rawValue == k { return true }
        var name = kind.rawValue
        var key = k
        let folded: Bool? = name.withUTF8 { a in
            key.withUTF8 { b in
                guard a.allSatisfy({ $0 < 0x80 }), b.allSatisfy({ $0 < 0x80 }) else { return nil }
                return equalFolded(a, b)
            }
        }
        return folded ?? (kind.rawValue.lowercased() == k)
    }

    private static func eval(_ node: Node, _ n: Notification, _ f: Facts) -> Bool {
        switch node {
        case .all(let list): return list.allSatisfy { eval($0, n, f) }
        case .any(let list): return list.contains { eval($0, n, f) }
        case .not(let inner): return !eval(inner, n, f)
        case .state(let s): return holds(s, f)
        case .kind(let k): return kindIs(n.kind, k)
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
            // firstRange(of:), not Foundation's contains(_:), which ignores NULs at the end of
            // the needle at the end of the text ("deploy".contains("y\0") is true).
            return [n.title, n.body ?? "", n.actor ?? ""].contains { $0.lowercased().firstRange(of: t) != nil }
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

extension InboxQuery {
    /// What a query may read of a stored row without unpacking it.
    public struct PackedRow {
        /// The title, actor and body as stored (UTF-8).
        public var title: UnsafeBufferPointer<UInt8>
        public var actor: UnsafeBufferPointer<UInt8>?
        public var body: UnsafeBufferPointer<UInt8>?
        /// The kind and the creation time.
        public var kind: Kind
        public var createdAtMs: Int64
    }

    /// The answer from the stored bytes alone, or nil when the query needs the whole
    /// notification (`thread:`, `has:`) or the text is not ASCII (case folding then needs Strings).
    public func matches(packed row: PackedRow, _ facts: Facts) -> Bool? {
        Self.evalPacked(root, row, facts)
    }

    private static func evalPacked(_ node: Node, _ r: PackedRow, _ f: Facts) -> Bool? {
        switch node {
        case .all(let list):
            var answer = true
            for n in list {
                guard let a = evalPacked(n, r, f) else { return nil }
                if !a { answer = false }
            }
            return answer
        case .any(let list):
            var answer = false
            for n in list {
                guard let a = evalPacked(n, r, f) else { return nil }
                if a { answer = true }
            }
            return answer
        case .not(let inner): return evalPacked(inner, r, f).map { !$0 }
        // Answered from the row as it is: no Notification made, no bytes copied (this runs
        // for every row a saved view meets, on the UI thread).
        case .state(let s): return holds(s, f)
        case .kind(let k): return kindIs(r.kind, k)
        case .after(let ms): return r.createdAtMs >= ms
        case .before(let ms): return r.createdAtMs < ms
        case .from(let a):
            guard let actor = r.actor else { return false }
            var name = a
            return name.withUTF8 { needle -> Bool? in
                guard needle.allSatisfy({ $0 < 0x80 }), actor.allSatisfy({ $0 < 0x80 }) else { return nil }
                if equalFolded(actor, needle) { return true }
                return actor.count > needle.count && actor[needle.count] == UInt8(ascii: "@")
                    && equalFolded(UnsafeBufferPointer(rebasing: actor[0..<needle.count]), needle)
            }
        case .text(let t):
            var text = t
            return text.withUTF8 { needle -> Bool? in
                guard needle.allSatisfy({ $0 < 0x80 }) else { return nil }
                // Each field: found, not found, or not ASCII (nil: the whole notification decides).
                func look(_ field: UnsafeBufferPointer<UInt8>?) -> Bool? {
                    guard let field else { return false }
                    guard field.allSatisfy({ $0 < 0x80 }) else { return nil }
                    return containsFolded(field, needle)
                }
                guard let title = look(r.title) else { return nil }
                if title { return true }
                guard let body = look(r.body) else { return nil }
                return body ? true : look(r.actor)
            }
        case .thread, .has:
            return nil
        }
    }

    @inline(__always)
    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    private static func equalFolded(_ a: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == needle.count && zip(a, needle).allSatisfy { lower($0) == $1 }
    }

    /// Whether `hay` contains `needle` (already lower-case), ASCII case folded.
    private static func containsFolded(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !needle.isEmpty else { return true }
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if lower(hay[i]) == first {
                var j = 1
                while j < needle.count && lower(hay[i + j]) == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
