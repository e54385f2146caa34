/// The user's mutes, as the `mute` and `unmute` events on the receipts topic say (the
/// latest event of a mute id wins), with the question every arrival asks: is it muted?
public struct MuteBook: Sendable, Hashable {
    /// Every mute made and not lifted, by id (expired ones included until `prune`).
    public private(set) var byID: [String: Mute] = [:]

    /// An empty book.
    public init() {}

    /// Whether no mute is held.
    public var isEmpty: Bool { byID.isEmpty }

    /// Takes a `mute` or `unmute` event; other receipts change nothing. Returns whether the
    /// book changed.
    @discardableResult
    public mutating func apply(_ receipt: Receipt) -> Bool {
        guard let mute = receipt.mute else { return false }
        switch receipt.type {
        case .mute where mute.scope != nil:
            guard byID[mute.id] != mute else { return false }
            byID[mute.id] = mute
            return true
        case .unmute:
            return byID.removeValue(forKey: mute.id) != nil
        default:
            return false
        }
    }

    /// Adds or replaces a mute.
    public mutating func add(_ mute: Mute) { byID[mute.id] = mute }

    /// The mutes in force at `nowMs`, ordered by id.
    public func active(at nowMs: Int64) -> [Mute] {
        byID.values.filter { $0.isActive(at: nowMs) }.sorted { $0.id < $1.id }
    }

    /// When the next timed mute ends after `nowMs`, if one does.
    public func nextEndMs(after nowMs: Int64) -> Int64? {
        byID.values.compactMap(\.untilMs).filter { $0 > nowMs }.min()
    }

    /// Whether a mute in force at `nowMs` covers `n`; jq filters are decided by `filter`.
    public func covers(_ n: Notification, at nowMs: Int64, filter: (String, Notification) -> Bool) -> Bool {
        byID.values.contains { $0.isActive(at: nowMs) && $0.scope?.matches(n, filter: filter) == true }
    }

    /// The mute whose id is `id`, or whose id starts with `id` when that is unambiguous.
    public func find(_ id: String) -> Mute? {
        if let m = byID[id] { return m }
        let matches = byID.values.filter { $0.id.hasPrefix(id) }
        return matches.count == 1 ? matches[0] : nil
    }
}
