import InboxCore

/// How the inbox itself tells of a live arrival (`alerts` in the config).
public enum AlertMode: String, Sendable, Hashable, CaseIterable {
    /// `notify-send`, when it is on the PATH (run by the host, not written here).
    case desktop
    /// The terminal's own notification: OSC 777 (foot, WezTerm, urxvt, …), or OSC 9 where
    /// the terminal is known to want it (iTerm2, kitty, Windows Terminal); works over ssh.
    case terminal
    /// The terminal bell.
    case bell
    /// Nothing.
    case off
}

/// The bytes of a terminal alert: never text from a message unsanitised (control
/// characters removed, `;` replaced, length bounded), one alert per batch.
public enum AlertWriter {
    /// The most characters of message text one alert carries.
    public static let maxText = 160

    /// What to write for `arrivals` in `mode` (nil: nothing); `osc9` picks OSC 9 over OSC 777.
    public static func bytes(for arrivals: [Notification], mode: AlertMode, osc9: Bool = false) -> [UInt8]? {
        guard let first = arrivals.first else { return nil }
        switch mode {
        case .off, .desktop: return nil
        case .bell: return [0x07]
        case .terminal:
            let title = arrivals.count == 1 ? "kafka-inbox: " + clean(first.actor ?? first.kind.rawValue)
                : "kafka-inbox: \(arrivals.count) new notifications"
            let body = clean(first.title)
            if osc9 { return Array("\u{1b}]9;\(title): \(body)\u{07}".utf8) }
            return Array("\u{1b}]777;notify;\(title);\(body)\u{07}".utf8)
        }
    }

    /// Whether the terminal described by these environment values wants OSC 9.
    public static func prefersOSC9(termProgram: String?, term: String?) -> Bool {
        let p = (termProgram ?? "").lowercased()
        return p.contains("iterm") || (term ?? "").contains("kitty") || p.contains("windows")
    }

    /// Message text fit for an escape sequence: printable, no `;`, at most `maxText` characters.
    static func clean(_ text: String) -> String {
        let s = TerminalText.sanitize(text).replacing(";", with: ",")
        return String(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
            .map(Character.init).prefix(maxText))
    }
}
