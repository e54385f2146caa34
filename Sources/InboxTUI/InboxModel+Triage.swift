import InboxEvents
import InboxCore

/// Arrivals under triage: mutes on arrival, rules once the receipts are read, snoozes and
/// timed mutes that end by the clock, and which live arrivals to alert on.
extension InboxModel {
    /// What one `apply` call gathered.
    struct Arrivals {
        /// Storage indices of notifications new in this call.
        var added: [Int] = []
        /// Whether they arrived live (after catch-up), so hooks and alerts may run.
        var live = false
        /// Whether a mute or unmute arrived (every row's mute is decided again).
        var mutesChanged = false
        /// Whether catch-up ended in this call (rules then see the backlog).
        var caughtUpNow = false
        /// Whether anything outside the inserts changed rows.
        var changed = false
    }

    /// Inserts a batch, muting what a mute in force covers.
    mutating func insertArrivals(_ batch: PackedNotifications, into arrivals: inout Arrivals) {
        let now = clock()
        let mutes = inbox.mutes
        let triage = self.triage
        let check: ((Int) -> Bool)? = mutes.active(at: now).isEmpty ? nil : { i in
            mutes.covers(batch.notification(at: i), at: now, filter: triage.filterMatches)
        }
        if status.caughtUp { arrivals.live = true }
        let before = inbox.count
        inbox.insert(contentsOf: batch, muted: check)
        arrivals.added += before..<inbox.count
    }

    /// Applies one event of the receipts topic. Returns whether rows changed.
    mutating func applyReceipt(_ receipt: Receipt, into arrivals: inout Arrivals) -> Bool {
        switch receipt.type {
        case .mute, .unmute:
            if inbox.mutes.apply(receipt) { arrivals.mutesChanged = true }
            return false
        case .action:
            return false
        default:
            return inbox.apply(receipt) != nil
        }
    }

    /// After the events of one `apply`: mutes decided again if they changed, rules run on
    /// what they may now see, snoozes ended; returns the receipts rules made and the live
    /// arrivals to alert on (not muted, not decided away by a rule).
    mutating func finishArrivals(_ a: inout Arrivals) -> [ModelEffect] {
        let now = clock()
        var effects: [ModelEffect] = []
        if a.mutesChanged {
            inbox.refreshMutes(nowMs: now, filter: triage.filterMatches)
            a.changed = true
        }
        if !a.added.isEmpty { inbox.applyTagRules(triage.rules, to: a.added) }
        if !triage.rules.isEmpty {
            var targets: [Int] = []
            if status.caughtUp {
                if a.caughtUpNow { targets = pendingRuleRows; pendingRuleRows = [] }
                targets += a.added
            } else {
                pendingRuleRows += a.added
            }
            let decisions = inbox.applyRules(triage.rules, to: targets, nowMs: now)
            if decisions.contains(where: { $0.type == .mute }) {
                inbox.refreshMutes(nowMs: now, filter: triage.filterMatches)
            }
            if !decisions.isEmpty {
                a.changed = true
                effects.append(.send(decisions.map(Self.request)))
            }
        }
        if !inbox.expireSnoozes(nowMs: now).isEmpty { a.changed = true }
        if a.live && announceArrivals {
            let alert = a.added.filter { inbox.rowClass(at: $0) == .unread }.map { inbox.notification(at: $0) }
            if !alert.isEmpty { effects.append(.arrived(alert)) }
        }
        return effects
    }

    /// The request that carries a rule's decision.
    static func request(_ d: Inbox.RuleDecision) -> ReceiptRequest {
        if let mute = d.mute { return .mute(mute, rule: d.rule, receiptID: d.receiptID) }
        return ReceiptRequest(notificationID: d.notification.id, kind: d.notification.kind, source: d.notification.source,
                              type: d.type, untilMs: d.untilMs, rule: d.rule, receiptID: d.receiptID)
    }

    /// When the clock next changes what is shown: a snooze or a timed mute ends.
    public var nextWakeMs: Int64? {
        let now = clock()
        return [inbox.nextSnoozeEndMs, inbox.mutes.nextEndMs(after: now)].compactMap { $0 }.min()
    }

    /// Ends the snoozes and timed mutes whose time has come. Returns whether rows changed.
    @discardableResult
    public mutating func tick() -> Bool {
        let now = clock()
        var changed = !inbox.expireSnoozes(nowMs: now).isEmpty
        let since = lastMuteCheck ?? Int64.min
        if inbox.mutes.byID.values.contains(where: { m in m.untilMs.map { $0 > since && $0 <= now } ?? false }) {
            changed = inbox.refreshMutes(nowMs: now, filter: triage.filterMatches) > 0 || changed
        }
        lastMuteCheck = now
        if changed { refreshRows() }
        return changed
    }
}
