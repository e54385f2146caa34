import CNCurses
import InboxCore
import Foundation

/// A foreground colour: one of the 8 basic ones, one of 256 (`indexed`), or a truecolour
/// (`rgb`), drawn as such when the terminal has that many colours and as the nearest it has
/// otherwise.
public enum ThemeColor: Sendable, Hashable {
    case black, red, green, yellow, blue, magenta, cyan, white
    /// The terminal's own default colour.
    case terminalDefault
    /// A colour of the 256-colour palette (0–15 are the basic and bright ones).
    case indexed(Int)
    /// A truecolour.
    case rgb(UInt8, UInt8, UInt8)

    /// The basic colours in palette order.
    static let basic: [ThemeColor] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]

    /// Reads a `[theme]` value: a name (`red`, `bright-blue`, `default`), a palette number
    /// (`208`, `color208`) or `#rrggbb`.
    public init?(parsing text: String) {
        let t = text.lowercased().trimmingCharacters(in: .whitespaces)
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        if t == "default" { self = .terminalDefault; return }
        if let i = names.firstIndex(of: t) { self = Self.basic[i]; return }
        if t.hasPrefix("bright-"), let i = names.firstIndex(of: String(t.dropFirst(7))) { self = .indexed(i + 8); return }
        let number = t.hasPrefix("color") ? String(t.dropFirst(5)) : t
        if let n = Int(number), (0...255).contains(n) { self = .indexed(n); return }
        if t.hasPrefix("#"), t.count == 7, let v = UInt32(t.dropFirst(), radix: 16) {
            self = .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
            return
        }
        return nil
    }

    /// The colour number to draw with on a terminal of `colors` colours (-1: its default).
    public func number(colors: Int) -> Int32 {
        switch self {
        case .terminalDefault: return -1
        case .indexed(let n): return colors >= 256 || n < colors ? Int32(n) : Int32(n % 8)
        case .rgb(let r, let g, let b):
            if colors >= 1 << 24 { return Int32(r) << 16 | Int32(g) << 8 | Int32(b) }
            if colors >= 256 { return Int32(Self.cube(r, g, b)) }
            return Self.basic[Self.nearestBasic(r, g, b)].number(colors: colors)
        case .black: return CNCurses_colorBlack()
        case .red: return CNCurses_colorRed()
        case .green: return CNCurses_colorGreen()
        case .yellow: return CNCurses_colorYellow()
        case .blue: return CNCurses_colorBlue()
        case .magenta: return CNCurses_colorMagenta()
        case .cyan: return CNCurses_colorCyan()
        case .white: return CNCurses_colorWhite()
        }
    }

    /// The xterm 6×6×6 colour cube entry nearest to a truecolour.
    static func cube(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        return 16 + 36 * level(r) + 6 * level(g) + level(b)
    }

    /// The index in `basic` of the colour nearest to a truecolour (each channel on or off).
    static func nearestBasic(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        (r >= 128 ? 1 : 0) | (g >= 128 ? 2 : 0) | (b >= 128 ? 4 : 0)
    }
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

    /// The `[theme]` name of each role: `header`, `unread`, `kind-group`, … (kebab-case).
    public static func name(of role: ColorRole) -> String { KeyMap.kebab("\(role)") }

    /// This theme with `pairs` (role name, colour, where it was written) applied. Throws,
    /// naming the place, for an unknown role or colour.
    public func applying(_ pairs: [(role: String, color: String, origin: String)]) throws(KeyMapError) -> Theme {
        var t = self
        for p in pairs {
            guard let role = ColorRole.allCases.first(where: { Self.name(of: $0) == p.role.lowercased() }), role != .normal else {
                throw KeyMapError(message: "\(p.origin): [theme] has no element '\(TerminalText.sanitize(p.role))'; elements: "
                    + ColorRole.allCases.filter { $0 != .normal }.map(Self.name).joined(separator: ", "))
            }
            guard let color = ThemeColor(parsing: p.color) else {
                throw KeyMapError(message: "\(p.origin): '\(TerminalText.sanitize(p.color))' is not a colour; use a name (red, bright-blue, "
                    + "default), a palette number (0-255) or #rrggbb")
            }
            t.colors[role] = color
        }
        return t
    }

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
