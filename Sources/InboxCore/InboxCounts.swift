/// Notification counts per kind and row class, kept up to date incrementally by `Inbox`.
public struct InboxCounts: Sendable, Hashable {
    private var byKind: [Kind: [Int]] = [:]

    /// Creates empty counts.
    public init() {}

    /// How many notifications of `kind` are in `state`; for unread, those no mute covers.
    public func count(_ state: ReadState, kind: Kind) -> Int {
        count(class: RowClass(state, muted: false), kind: kind)
    }

    /// How many notifications of all kinds are in `state`; for unread, those no mute covers.
    public func count(_ state: ReadState) -> Int {
        count(class: RowClass(state, muted: false))
    }

    /// How many notifications of `kind` (all kinds when nil) are of row class `c`.
    public func count(class c: RowClass, kind: Kind? = nil) -> Int {
        if let kind { return byKind[kind]?[c.rawValue] ?? 0 }
        return byKind.values.reduce(0) { $0 + $1[c.rawValue] }
    }

    /// How many notifications of `kind` (or of all kinds when nil) a view shows.
    public func count(in view: InboxView, kind: Kind? = nil) -> Int {
        RowClass.allCases.filter { view.contains($0) }.reduce(0) { $0 + count(class: $1, kind: kind) }
    }

    /// Every kind seen so far, standard kinds first.
    public var kinds: [Kind] { byKind.keys.sorted() }

    mutating func add(_ c: RowClass, kind: Kind, _ delta: Int) {
        byKind[kind, default: [Int](repeating: 0, count: RowClass.allCases.count)][c.rawValue] += delta
    }
}
