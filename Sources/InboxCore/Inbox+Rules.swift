/// Config rules applied to the inbox: a rule acts only on a notification whose state no
/// receipt or local action has set (`isDecided`), so a user's manual action always wins,
/// and what it decides is derived from the rule and the notification alone, so every
/// terminal that applies it decides the same.
extension Inbox {
    /// One thing a rule decided that must travel on the receipts topic.
    public struct RuleDecision: Sendable, Hashable {
        /// The notification acted on (for a mute: the one that caused it).
        public var notification: Notification
        /// `read`, `acknowledged`, `snoozed` or `mute`.
        public var type: ReceiptType
        /// For a snooze: when it ends.
        public var untilMs: Int64?
        /// For a mute: the mute.
        public var mute: Mute?
        /// The receipt id, derived from the rule and the notification.
        public var receiptID: String
        /// The rule's label (`rules[1]`).
        public var rule: String
    }

    /// Applies `rules` to the notifications at `indices` that are still undecided, in
    /// order: state actions set the state (decided from then on), tags label the row,
    /// `mute-thread` adds a mute to `mutes` (the caller refreshes the muted rows). Returns
    /// what must be sent. A snooze whose end (creation time + duration) has passed by
    /// `nowMs` does nothing.
    public mutating func applyRules(_ rules: [TriageRule], to indices: some Sequence<Int>, nowMs: Int64) -> [RuleDecision] {
        guard !rules.isEmpty else { return [] }
        var out: [RuleDecision] = []
        for index in indices where !isDecided(at: index) {
            let n = notification(at: index)
            for rule in rules where rule.predicate.matches(n, state: state(at: index)) {
                for action in rule.actions {
                    switch action {
                    case .read, .done:
                        let state = action.state!
                        setState(state, at: index, untilMs: nil, decided: true)
                        out.append(RuleDecision(notification: n, type: ReceiptType(restoring: state),
                                                receiptID: rule.receiptID(for: n.id, action: state.rawValue), rule: rule.label))
                    case .snooze(let ms):
                        let until = n.createdAtMs &+ ms
                        guard until > nowMs else { continue }
                        setState(.snoozed, at: index, untilMs: until, decided: true)
                        out.append(RuleDecision(notification: n, type: .snoozed, untilMs: until,
                                                receiptID: rule.receiptID(for: n.id, action: "snooze"), rule: rule.label))
                    case .tag(let name):
                        addLabel(name, at: index)
                    case .muteThread:
                        guard MuteScope.canMuteThread(of: n), let type = n.objectType, let id = n.objectID else { continue }
                        let mute = Mute(scope: .thread(type: type, id: id))
                        guard mutes.byID[mute.id] == nil else { continue }
                        mutes.add(mute)
                        out.append(RuleDecision(notification: n, type: .mute, mute: mute,
                                                receiptID: rule.receiptID(for: mute.id, action: "mute"), rule: rule.label))
                    }
                }
            }
        }
        return out
    }

    /// Labels every notification at `indices` that a `tag:` rule selects (labels are not
    /// sent: every terminal computes them from its rules, also after a restart).
    public mutating func applyTagRules(_ rules: [TriageRule], to indices: some Sequence<Int>) {
        let tagging = rules.filter { $0.actions.contains { if case .tag = $0 { return true } else { return false } } }
        guard !tagging.isEmpty else { return }
        for index in indices {
            let n = notification(at: index)
            for rule in tagging where rule.predicate.matches(n, state: state(at: index)) {
                for case .tag(let name) in rule.actions { addLabel(name, at: index) }
            }
        }
    }

    /// Sets whether each notification is muted from `mutes` at `nowMs` (jq filters decided
    /// by `filter`). Returns how many rows changed.
    @discardableResult
    public mutating func refreshMutes(nowMs: Int64, filter: (String, Notification) -> Bool) -> Int {
        var changed = 0
        if mutes.active(at: nowMs).isEmpty {
            for i in 0..<count where isMuted(at: i) && setMuted(false, at: i) { changed += 1 }
            return changed
        }
        for i in 0..<count {
            let covered = mutes.covers(notification(at: i), at: nowMs, filter: filter)
            if setMuted(covered, at: i) { changed += 1 }
        }
        return changed
    }

    /// The labels rules gave the notification at `index`.
    public func labels(at index: Int) -> [String] { labelsAt[Int32(truncatingIfNeeded: index)] ?? [] }

    private mutating func addLabel(_ name: String, at index: Int) {
        let key = Int32(truncatingIfNeeded: index)
        guard labelsAt[key]?.contains(name) != true else { return }
        labelsAt[key, default: []].append(name)
        if !queries.isEmpty { rematchTagged(index) }
    }
}
