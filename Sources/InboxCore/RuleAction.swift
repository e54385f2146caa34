/// What a config rule does to a notification it selects (`then = ["read", "tag:ci"]`).
public enum RuleAction: Sendable, Hashable {
    /// Mark it read.
    case read
    /// Mark it done (acknowledged).
    case done
    /// Give it a label, shown in its row and in `list --json` (`tags`); computed by every
    /// terminal from the same rules, so it needs no event.
    case tag(String)
    /// Mute its thread (same `object` type and id).
    case muteThread
    /// Snooze it for this long after it was created.
    case snooze(ms: Int64)

    /// Reads one entry of `then`: `read`, `done`, `tag:NAME`, `mute-thread`, `snooze:DURATION`.
    /// Throws a message naming the accepted forms.
    public init(parsing text: String) throws(RuleActionError) {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch t.lowercased() {
        case "read": self = .read
        case "done", "acknowledge", "acknowledged": self = .done
        case "mute-thread": self = .muteThread
        default:
            if t.lowercased().hasPrefix("tag:") {
                let name = String(t.dropFirst(4)).trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
                else { throw RuleActionError(text: text, reason: "a tag needs a name without spaces: tag:NAME") }
                self = .tag(name)
            } else if t.lowercased().hasPrefix("snooze:") {
                guard let ms = Timestamps.parseDuration(t.dropFirst(7)), ms > 0 else {
                    throw RuleActionError(text: text, reason: "snooze takes a duration: snooze:30m, snooze:2h, snooze:3d")
                }
                self = .snooze(ms: ms)
            } else {
                throw RuleActionError(text: text, reason: "use read, done, tag:NAME, mute-thread or snooze:DURATION")
            }
        }
    }

    /// The state this action sets, if it sets one.
    public var state: ReadState? {
        switch self {
        case .read: return .read
        case .done: return .acknowledged
        case .snooze: return .snoozed
        case .tag, .muteThread: return nil
        }
    }
}

/// A `then` entry that is not a rule action.
public struct RuleActionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The entry as written.
    public var text: String
    /// What is wrong and what is accepted.
    public var reason: String
    /// `unknown rule action "x": use read, done, …`.
    public var description: String { "unknown rule action \"\(text)\": \(reason)" }
}
