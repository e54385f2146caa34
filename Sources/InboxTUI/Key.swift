/// A key press, decoded from the terminal (see `Terminal.decodeKey(status:value:)`).
public enum Key: Sendable, Hashable, CustomStringConvertible {
    /// A printable character (space included).
    case char(Character)
    /// Control plus a lower-case letter (`^d` is `.ctrl("d")`).
    case ctrl(Character)
    /// Arrow keys.
    case up, down, left, right
    /// Page keys.
    case pageUp, pageDown
    /// Home and End.
    case home, end
    /// Enter / Return.
    case enter
    /// Escape.
    case escape
    /// Backspace (also DEL and ^H).
    case backspace
    /// Delete.
    case delete
    /// Tab.
    case tab
    /// Shift-Tab.
    case backTab
    /// A mouse event at a screen cell.
    case mouse(row: Int, col: Int, kind: MouseKind)
    /// The terminal was resized.
    case resize

    /// How the help screen names the key (`j`, `↓`, `PgDn`, `^d`, `Enter`).
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "^" + String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "⇧Tab"
        case .mouse: return "mouse"
        case .resize: return "resize"
        }
    }

    /// Decodes a character code read in character mode (not a function key):
    /// control codes become `.enter`, `.tab`, `.escape`, `.backspace`, `.ctrl`; others `.char`.
    public static func fromCharacterCode(_ value: UInt32) -> Key? {
        switch value {
        case 10, 13: return .enter
        case 9: return .tab
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(value) + 96)))
        case 0, 28...31, 0x80...0x9F: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }
}

/// What the mouse did.
public enum MouseKind: Sendable, Hashable {
    case click, doubleClick, wheelUp, wheelDown
}
