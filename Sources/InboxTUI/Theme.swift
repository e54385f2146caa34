/// One of the 16 terminal colours (the bright ones are the normal ones plus bold).
public enum ThemeColor: Sendable, Hashable {
    case black, red, green, yellow, blue, magenta, cyan, white
    /// The terminal's own default colour.
    case terminalDefault
}

/// Maps colour roles to foreground colours; the background is always the terminal's own.
public struct Theme: Sendable {
    /// The foreground of each role; roles missing use the terminal default.
    public var colors: [ColorRole: ThemeColor]

    /// Creates a theme.
    public init(colors: [ColorRole: ThemeColor]) {
        self.colors = colors
    }

    /// The colour for `role`.
    public func color(for role: ColorRole) -> ThemeColor { colors[role] ?? .terminalDefault }

    /// The default 16-colour theme.
    public static let standard = Theme(colors: [
        .header: .cyan,
        .unread: .yellow,
        .kindGroup: .green,
        .kindOwner: .magenta,
        .kindWatching: .blue,
        .kindOther: .cyan,
        .secondary: .terminalDefault,
        .tag: .red,
        .status: .terminalDefault,
        .error: .red,
        .prompt: .yellow,
        .link: .blue,
    ])
}

/// Options for the interactive inbox.
public struct TUIOptions: Sendable {
    /// Draw without colours (attributes such as bold and reverse stay).
    public var noColor: Bool
    /// Write copied text to the clipboard with OSC 52 (off by default).
    public var osc52: Bool
    /// The colour theme.
    public var theme: Theme
    /// The browser command for `o`; nil uses `$BROWSER`, else `xdg-open`.
    public var browser: String?
    /// Whether the mouse selects, opens, scrolls and switches tabs (`mouse = false`: off).
    public var mouse = true
    /// How live arrivals are announced (`alerts`).
    public var alerts: AlertMode = .off
    /// Whether terminal alerts use OSC 9 rather than OSC 777.
    public var osc9 = false

    /// Creates options. `noColor` nil means: off unless `NO_COLOR` is set and non-empty.
    public init(noColor: Bool? = nil, osc52: Bool = false, theme: Theme = .standard, browser: String? = nil) {
        self.noColor = noColor ?? Self.environment("NO_COLOR").map { !$0.isEmpty } ?? false
        self.osc52 = osc52
        self.theme = theme
        self.browser = browser
    }

    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
