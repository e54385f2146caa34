import InboxEvents
import InboxCore

/// The triage keys: `s` snooze (asks until when), `m` mute (asks what), `A` + digit runs
/// a producer-defined action.
extension InboxModel {
    /// `s`: asks until when to snooze the tagged rows, else the cursor row.
    mutating func askSnooze() {
        guard !rows.isEmpty else { return }
        prompt = .snooze(targets: takeTargets(), text: "")
    }

    /// `m`: asks whether to mute the cursor row's thread, actor or kind.
    mutating func askMute() {
        guard let n = cursorNotification else { return }
        prompt = .mute(index: rows[cursor], hasThread: MuteScope.canMuteThread(of: n))
    }

    /// `A`: asks which of the cursor row's actions to run.
    mutating func askAction() {
        guard let n = cursorNotification else { return }
        let actions = NotificationAction.list(of: n)
        guard !actions.isEmpty else {
            message = "no actions"
            return
        }
        prompt = .runAction(index: rows[cursor], labels: actions.map(\.label))
    }

    /// A key while a triage prompt is open.
    mutating func answerTriage(_ prompt: Prompt, _ key: Key) -> [ModelEffect] {
        switch prompt {
        case .snooze(let targets, let text):
            switch key {
            case .escape:
                message = "cancelled"
            case .backspace:
                self.prompt = .snooze(targets: targets, text: String(text.dropLast()))
            case .enter:
                do throws(SnoozeTimeError) {
                    let until = try SnoozeTime.parse(text, nowMs: clock())
                    let effects = setStates(targets, to: .snoozed, untilMs: until)
                    if !effects.isEmpty { message = "\(targets.count) snoozed until \(Timestamps.localTime(ms: until))" }
                    return effects
                } catch {
                    self.prompt = .snooze(targets: targets, text: text)
                    message = TerminalText.sanitize(error.description)
                }
            case .char(let c) where text.count < 40:
                self.prompt = .snooze(targets: targets, text: text + String(c))
            default:
                self.prompt = prompt
            }
            return []
        case .mute(let index, let hasThread):
            let n = inbox.notification(at: index)
            let scope: MuteScope?
            switch key {
            case .char("t") where hasThread: scope = .thread(type: n.objectType ?? "", id: n.objectID ?? "")
            case .char("a"): scope = n.actor.map { MuteScope.actor($0) }
            case .char("k"): scope = .kind(n.kind.rawValue)
            default: scope = nil
            }
            guard let scope else {
                message = key == .char("a") ? "no actor to mute" : "cancelled"
                return []
            }
            return mute(Mute(scope: scope))
        case .runAction(let index, _):
            guard case .char(let c) = key, let digit = c.wholeNumberValue, digit >= 1 else {
                message = "cancelled"
                return []
            }
            return runAction(digit - 1, of: index)
        case .filter(let text):
            answerFilter(text, key)
            return []
        case .markAllRead:
            return []
        }
    }

    /// Mutes `mute` here at once and sends it for every terminal.
    mutating func mute(_ mute: Mute) -> [ModelEffect] {
        inbox.mutes.add(mute)
        let changed = inbox.refreshMutes(nowMs: clock(), filter: triage.filterMatches)
        refreshRows()
        message = "muted \(mute.scope?.name ?? "") \(TerminalText.line(mute.scope?.value ?? "", width: 40)) (\(changed) now muted; id \(mute.id))"
        return [.send([.mute(mute)])]
    }

    /// Runs action `i` of the notification at storage index `index`: a link opens (http
    /// or https only); any other action is sent as an `action` event and marks it done.
    mutating func runAction(_ i: Int, of index: Int) -> [ModelEffect] {
        let n = inbox.notification(at: index)
        let actions = NotificationAction.list(of: n)
        guard actions.indices.contains(i) else {
            message = "no action \(i + 1)"
            return []
        }
        let action = actions[i]
        if let url = action.url { return open(url: url) }
        let event = ReceiptRequest(notificationID: n.id, kind: n.kind, source: n.source, type: .action, action: action.id)
        var effects: [ModelEffect] = [.send([event])]
        effects += setStates([index], to: .acknowledged)
        message = "ran \(TerminalText.line(action.label, width: 40))"
        return effects
    }
}
