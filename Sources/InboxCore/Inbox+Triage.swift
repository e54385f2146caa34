/// Snoozes and mutes in the inbox state: a snooze ends by the clock (`expireSnoozes`), a
/// mute moves an unread row out of Unread without changing its state.
extension Inbox {
    /// Ends every snooze whose time has come by `nowMs`: those notifications are unread
    /// again, marked as having been snoozed. Returns their storage indices.
    @discardableResult
    public mutating func expireSnoozes(nowMs: Int64) -> [Int] {
        guard let next = nextSnoozeEndMs, next <= nowMs else { return [] }
        let due = snoozeUntil.filter { $0.value <= nowMs }.map { Int($0.key) }.sorted()
        for index in due {
            setState(.unread, at: index, untilMs: nil, decided: false)
            flags[index] |= Flag.wasSnoozed
        }
        return due
    }

    /// When the next snooze ends (ms since the epoch), if any notification is snoozed.
    public var nextSnoozeEndMs: Int64? { snoozeUntil.values.min() }

    /// When the snooze of the notification at `index` ends, if it is snoozed.
    public func snoozedUntil(at index: Int) -> Int64? { snoozeUntil[Int32(truncatingIfNeeded: index)] }

    /// Whether the notification at `index` came back from a snooze and has not been marked since.
    public func wasSnoozed(at index: Int) -> Bool { flags[index] & Flag.wasSnoozed != 0 }

    /// Whether a receipt or a local action has set the state of the notification at `index`.
    public func isDecided(at index: Int) -> Bool { flags[index] & Flag.decided != 0 }

    /// Whether a mute covers the notification at `index`.
    public func isMuted(at index: Int) -> Bool { flags[index] & Flag.muted != 0 }

    /// Mutes or unmutes the notification at `index`; an unread one leaves or rejoins Unread.
    /// Returns whether anything changed.
    @discardableResult
    public mutating func setMuted(_ muted: Bool, at index: Int) -> Bool {
        let was = flags[index] & Flag.muted != 0
        guard was != muted else { return false }
        if muted { flags[index] |= Flag.muted } else { flags[index] &= ~Flag.muted }
        let state = stateAt[index]
        if state == .unread {
            moveRow(index, kind: kind(at: index), from: RowClass(state, muted: was), to: RowClass(state, muted: muted))
        }
        return true
    }

}

extension Inbox {
    /// Applies any event of the receipts topic: a mute or unmute goes to `mutes` (call
    /// `refreshMutes` or `settleTriage` after), an action changes nothing, a receipt sets
    /// the state. Returns the previous state when a held notification's state changed.
    @discardableResult
    public mutating func applyEvent(_ r: Receipt) -> ReadState? {
        switch r.type {
        case .mute, .unmute:
            mutes.apply(r)
            return nil
        default:
            return apply(r)
        }
    }

    /// For a one-shot read (`list`, `count`): decides every row's mute, applies `config`'s
    /// rules for display (nothing is sent: the interactive inbox sends what rules decide),
    /// and ends the snoozes due by `nowMs`.
    public mutating func settleTriage(_ config: TriageConfig, nowMs: Int64) {
        if !mutes.isEmpty { refreshMutes(nowMs: nowMs, filter: config.filterMatches) }
        if !config.rules.isEmpty {
            let decisions = applyRules(config.rules, to: 0..<count, nowMs: nowMs)
            applyTagRules(config.rules, to: 0..<count)
            if decisions.contains(where: { $0.type == .mute }) { refreshMutes(nowMs: nowMs, filter: config.filterMatches) }
        }
        expireSnoozes(nowMs: nowMs)
    }
}

extension Inbox {
    /// When the snooze of `id` ends, held or not, if its state is snoozed.
    public func snoozeEnd(of id: String) -> Int64? {
        let hash = ids.hash(id)
        if let index = index(ofID: id) { return snoozedUntil(at: index) }
        return orphan(id, hash: hash).flatMap { $0.state == .snoozed ? $0.untilMs : nil }
    }

    /// The state of `id` at `nowMs`: a snooze that has ended reads as unread.
    public func state(of id: String, at nowMs: Int64) -> ReadState {
        let s = state(of: id)
        guard s == .snoozed, let end = snoozeEnd(of: id), end <= nowMs else { return s }
        return .unread
    }
}
