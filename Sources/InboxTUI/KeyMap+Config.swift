import InboxCore

/// `[keys]` of the config file: `"ctrl-r" = "mark-read"`, `x = "done"`.
extension KeyMap {
    /// The name of an action in `[keys]`: its case in kebab-case (`markRead` → `mark-read`, `openURL` → `open-url`).
    public static func name(of action: Action) -> String { kebab(action.rawValue) }

    /// `markAllRead` → `mark-all-read`, `openURL` → `open-url`.
    static func kebab(_ camel: String) -> String {
        var out = ""
        var previousLower = false
        for c in camel {
            if c.isUppercase && previousLower { out += "-" }
            out += c.lowercased()
            previousLower = c.isLowercase
        }
        return out
    }

    /// Names users may also write.
    static let aliases: [String: Action] = ["done": .acknowledge, "ack": .acknowledge, "read": .markRead, "unread": .markUnread,
                                            "down": .moveDown, "up": .moveUp, "preview": .togglePreview]

    /// The action a `[keys]` value names, if any.
    public static func action(named name: String) -> Action? {
        let n = name.lowercased()
        return Action.allCases.first { Self.name(of: $0) == n } ?? aliases[n]
    }

    /// The key a `[keys]` name stands for: one character, `ctrl-x` (or `^x`), `enter`, `esc`,
    /// `tab`, `space`, `backspace`, `delete`, `up`, `down`, `left`, `right`, `home`, `end`, `pgup`, `pgdn`.
    public static func key(named name: String) -> Key? {
        if name.count == 1, let c = name.first, c != " " { return .char(c) }
        let n = name.lowercased()
        for prefix in ["ctrl-", "c-", "^"] where n.hasPrefix(prefix) {
            let rest = n.dropFirst(prefix.count)
            guard rest.count == 1, let c = rest.first, c.isLetter, c.isASCII else { return nil }
            return .ctrl(c)
        }
        let named: [String: Key] = ["enter": .enter, "return": .enter, "esc": .escape, "escape": .escape, "tab": .tab,
                                    "space": .char(" "), "backspace": .backspace, "delete": .delete, "del": .delete,
                                    "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
                                    "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown]
        return named[n]
    }

    /// This map with `pairs` (key name, action name, where it was written) bound: each key
    /// leaves the action it had and joins its new one. Throws, naming the place, for an
    /// unknown key or action, or a key bound twice.
    public func rebinding(_ pairs: [(key: String, action: String, origin: String)]) throws(KeyMapError) -> KeyMap {
        var bound: [Key: (Action, String)] = [:]
        for p in pairs {
            guard let key = Self.key(named: p.key) else {
                throw KeyMapError(message: "\(p.origin): unknown key '\(TerminalText.sanitize(p.key))'; use one character, ctrl-x, "
                    + "enter, esc, tab, space, backspace, delete, up, down, left, right, home, end, pgup or pgdn")
            }
            guard let action = Self.action(named: p.action) else {
                throw KeyMapError(message: "\(p.origin): unknown action '\(TerminalText.sanitize(p.action))'; actions: "
                    + Action.allCases.map(Self.name).joined(separator: ", "))
            }
            if let (other, place) = bound[key], other != action {
                throw KeyMapError(message: "\(p.origin): key '\(key)' is already bound to \(Self.name(of: other)) at \(place)")
            }
            bound[key] = (action, p.origin)
        }
        guard !bound.isEmpty else { return self }
        var list = bindings.map { b in
            KeyBinding(b.keys.filter { bound[$0] == nil }, b.action, b.help)
        }
        for (key, (action, _)) in bound.sorted(by: { $0.key.description < $1.key.description }) {
            if let i = list.firstIndex(where: { $0.action == action }) { list[i].keys.append(key) }
        }
        if let bad = list.first(where: { $0.keys.isEmpty && ($0.action == .quit || $0.action == .help) }) {
            throw KeyMapError(message: "[keys] leaves \(Self.name(of: bad.action)) without a key; bind it to another key too")
        }
        return KeyMap(bindings: list)
    }
}

/// A `[keys]` entry that cannot be used.
public struct KeyMapError: Error, Sendable, Hashable {
    /// What is wrong, naming the config line.
    public var message: String
}
