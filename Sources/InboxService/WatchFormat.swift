import Foundation
import InboxCore

/// How `watch` prints a notification.
public enum WatchFormat: Equatable, Sendable {
    case json
    case pretty(color: Bool)
    /// A template with `{id} {kind} {title} {actor} {url} {created_at} {topic} {partition} {offset} {state} {body}`.
    case template(String)

    static let fields = ["id", "kind", "title", "actor", "url", "created_at", "topic", "partition", "offset", "state", "body", "age"]

    /// Parses `--format`; nil means "pretty on a terminal, JSON in a pipe".
    public init(flag: String?, isTerminal: Bool, color: Bool) throws(WatchFormatError) {
        switch flag {
        case nil: self = isTerminal ? .pretty(color: color) : .json
        case "json"?: self = .json
        case "pretty"?: self = .pretty(color: color)
        case let t?:
            var rest = t[...]
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let name = String(rest[rest.index(after: open)..<close])
                if !Self.fields.contains(name) {
                    throw WatchFormatError(message: "--format: unknown field {\(name)}; known: "
                        + Self.fields.map { "{\($0)}" }.joined(separator: " "))
                }
                rest = rest[rest.index(after: close)...]
            }
            guard t.contains("{") else {
                throw WatchFormatError(message: "--format takes json, pretty or a template such as '{kind} {title}'")
            }
            self = .template(t)
        }
    }

    /// The line for one notification (no trailing newline).
    public func line(_ n: InboxCore.Notification, state: ReadState, nowMs: Int64) -> String {
        switch self {
        case .json:
            return NotificationJSON.line(n, state: state)
        case .pretty(let color):
            return Self.pretty(n, state: state, nowMs: nowMs, color: color)
        case .template(let t):
            var out = t
            for f in Self.fields { out = out.replacing("{\(f)}", with: TerminalText.sanitize(value(f, n, state, nowMs))) }
            return out
        }
    }

    private func value(_ field: String, _ n: InboxCore.Notification, _ state: ReadState, _ now: Int64) -> String {
        switch field {
        case "id": return n.id
        case "kind": return n.kind.rawValue
        case "title": return n.title
        case "actor": return n.actor ?? ""
        case "url": return n.url ?? ""
        case "created_at": return Timestamps.iso8601(ms: n.createdAtMs)
        case "topic": return n.source.topic
        case "partition": return String(n.source.partition)
        case "offset": return String(n.source.offset)
        case "state": return state.rawValue
        case "body": return n.body ?? ""
        case "age": return Timestamps.relativeAge(ms: n.createdAtMs, nowMs: now)
        default: return ""
        }
    }

    private static func pretty(_ n: InboxCore.Notification, state: ReadState, nowMs: Int64, color: Bool) -> String {
        let kind = n.kind.rawValue.padding(8)
        let age = Timestamps.relativeAge(ms: n.createdAtMs, nowMs: nowMs).padding(4, left: true)
        let actor = TerminalText.truncate(TerminalText.sanitize(n.actor ?? "-"), toWidth: 16)
        let title = TerminalText.sanitize(n.title)
        let mark = n.isMalformed ? "!" : (state == .unread ? "●" : state == .read ? " " : "✓")
        guard color else { return "\(mark) \(kind) \(age)  \(actor)  \(title)" }
        let kindColor: String
        switch n.kind {
        case .group: kindColor = "\u{1b}[36m"
        case .owner: kindColor = "\u{1b}[33m"
        case .watching: kindColor = "\u{1b}[35m"
        default: kindColor = "\u{1b}[34m"
        }
        let reset = "\u{1b}[0m"
        let titleStyle = n.isMalformed ? "\u{1b}[31m" : (state == .unread ? "\u{1b}[1m" : "")
        return "\(mark) \(kindColor)\(kind)\(reset) \u{1b}[2m\(age)\(reset)  \u{1b}[32m\(actor)\(reset)  \(titleStyle)\(title)\(reset)"
    }
}

/// A `--format` that is not json, pretty or a template of known fields.
public struct WatchFormatError: Error, Sendable {
    /// What is wrong, and the known choices.
    public var message: String
}

extension String {
    /// Pads with spaces to `width` characters (left or right aligned).
    public func padding(_ width: Int, left: Bool = false) -> String {
        count >= width ? self : (left ? String(repeating: " ", count: width - count) + self
                                      : self + String(repeating: " ", count: width - count))
    }
}
