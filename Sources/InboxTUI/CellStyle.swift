/// A colour role: what a cell shows, mapped to a colour by the terminal's theme.
///
/// Roles keep the renderer free of colour numbers; `Terminal` maps each role to a
/// 16-colour pair, or to no colour at all when colour is off (`NO_COLOR`, `--no-color`).
public enum ColorRole: Int, Sendable, Hashable, CaseIterable {
    /// The terminal's default foreground.
    case normal
    /// The header / tab bar.
    case header
    /// The unread state marker.
    case unread
    /// The kind column for `group`.
    case kindGroup
    /// The kind column for `owner`.
    case kindOwner
    /// The kind column for `watching`.
    case kindWatching
    /// The kind column for any other kind.
    case kindOther
    /// Secondary text: ages, labels.
    case secondary
    /// The tag marker.
    case tag
    /// The status bar.
    case status
    /// Warnings and errors (broker unreachable, last error, malformed entries).
    case error
    /// The prompt / search line.
    case prompt
    /// Links in the preview.
    case link
}

/// How one cell is drawn: attributes plus a colour role.
public struct CellStyle: Sendable, Hashable {
    /// Bold (unread rows, titles).
    public var bold: Bool
    /// Reverse video (the cursor row, the status bar).
    public var reverse: Bool
    /// Underlined.
    public var underline: Bool
    /// Dim.
    public var dim: Bool
    /// The foreground colour role.
    public var role: ColorRole

    /// Creates a style; everything off and the normal colour by default.
    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false,
                dim: Bool = false, role: ColorRole = .normal) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
        self.role = role
    }

    /// The plain style.
    public static let plain = CellStyle()

    /// This style with reverse video switched on (or off).
    public func reversed(_ on: Bool = true) -> CellStyle {
        var s = self
        s.reverse = on
        return s
    }

    /// This style with bold switched on (or off).
    public func bolded(_ on: Bool = true) -> CellStyle {
        var s = self
        s.bold = on
        return s
    }
}

/// One cell of a `CellGrid`.
public struct Cell: Sendable, Hashable {
    /// The grapheme shown; empty for the right half of a wide character.
    public var character: Character?
    /// Columns the grapheme takes: 1, 2, or 0 for the continuation of a wide character.
    public var width: Int
    /// How it is drawn.
    public var style: CellStyle

    /// A blank cell.
    public static let blank = Cell(character: " ", width: 1, style: .plain)

    /// Creates a cell.
    public init(character: Character?, width: Int, style: CellStyle) {
        self.character = character
        self.width = width
        self.style = style
    }
}
