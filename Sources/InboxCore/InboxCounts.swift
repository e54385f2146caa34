/// Notification counts per kind and state, kept up to date incrementally by `Inbox`.
public struct InboxCounts: Sendable, Hashable {
    private var byKind: [Kind: [Int]] = [:]

    /// Creates empty counts.
    public init() {}

    /// How many notifications of `kind` are in `state`.
    public func count(_ state: ReadState, kind: Kind) -> Int {
        byKind[kind]?[Self.slot(state)] ?? 0
    }

    /// How many notifications of all kinds are in `state`.
    public func count(_ state: ReadState) -> Int {
        byKind.values.reduce(0) { $0 + $1[Self.slot(state)] }
    }

    /// How many notifications of `kind` (or of all kinds when nil) a view shows.
    public func count(in view: InboxView, kind: Kind? = nil) -> Int {
        let states = ReadState.allCases.filter { view.contains($0) }
        if let kind { return states.reduce(0) { $0 + count($1, kind: kind) } }
        return states.reduce(0) { $0 + count($1) }
    }

    /// Every kind seen so far, standard kinds first.
    public var kinds: [Kind] { byKind.keys.sorted() }

    mutating func add(_ state: ReadState, kind: Kind, _ delta: Int) {
        byKind[kind, default: [0, 0, 0]][Self.slot(state)] += delta
    }

    private static func slot(_ state: ReadState) -> Int {
        switch state {
        case .unread: return 0
        case .read: return 1
        case .acknowledged: return 2
        }
    }
}
