import InboxCore

/// An in-memory screen: `rows` × `cols` cells, each a grapheme with its display width and style.
///
/// Every string written is sanitised with `TerminalText` first, so nothing a terminal would
/// act on (ESC, C0/C1 controls, bidi overrides) can reach a cell. Text is placed by display
/// width: a wide character takes two cells and never straddles the end of a field or a row.
public struct CellGrid: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// Cells, row-major.
    public private(set) var cells: [Cell]

    /// Creates a blank grid; negative sizes count as zero.
    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
        cells = Array(repeating: .blank, count: self.rows * self.cols)
    }

    /// The cell at `row`, `col` (both must be in range).
    public subscript(row: Int, col: Int) -> Cell {
        cells[row * cols + col]
    }

    /// The text of one row as a terminal would show it, trailing spaces removed (for tests).
    public func line(_ row: Int) -> String {
        guard row >= 0, row < rows else { return "" }
        var out = ""
        for col in 0..<cols {
            if let c = cells[row * cols + col].character { out.append(c) }
        }
        while out.last == " " { out.removeLast() }
        return out
    }

    /// Every row's text (see `line(_:)`).
    public var lines: [String] { (0..<rows).map(line) }

    /// Fills `width` cells of `row` from `col` with spaces in `style`.
    public mutating func fill(row: Int, col: Int = 0, width: Int? = nil, style: CellStyle = .plain) {
        guard row >= 0, row < rows, col < cols else { return }
        let start = max(0, col)
        let end = min(cols, width.map { col + $0 } ?? cols)
        guard start < end else { return }
        clearHalves(row: row, from: start, to: end)
        for c in start..<end { cells[row * cols + c] = Cell(character: " ", width: 1, style: style) }
    }

    /// Writes `text` (sanitised here) at `row`, `col`, within at most `maxWidth` columns
    /// (to the end of the row when nil). When the text does not fit it is cut and ends
    /// with `…` if `ellipsis` is set. Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, col: Int, maxWidth: Int? = nil,
                             style: CellStyle = .plain, ellipsis: Bool = true) -> Int {
        guard row >= 0, row < rows, col >= 0, col < cols else { return 0 }
        let limit = min(cols - col, maxWidth ?? (cols - col))
        guard limit > 0 else { return 0 }
        // Only what can show is sanitised and measured: a megabyte title costs nothing more
        // than a short one (an escaped scalar takes at most 6 columns, so keep 2 per column + slack).
        let shown = text.unicodeScalars.count > limit * 2 + 16
            ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(limit * 2 + 16))) : text
        let safe = TerminalText.sanitize(shown)
        var items: [(Character, Int)] = []
        var total = 0
        for ch in safe {
            let w = Self.width(of: ch)
            if w == 0 { continue }
            items.append((ch, w))
            total += w
        }
        if total > limit && ellipsis {
            // Keep what fits in limit - 1 columns, then the ellipsis.
            var kept: [(Character, Int)] = []
            var used = 0
            for item in items {
                if used + item.1 > limit - 1 { break }
                kept.append(item)
                used += item.1
            }
            while kept.last?.0 == " " { kept.removeLast() }
            kept.append(("…", 1))
            items = kept
        }
        var x = col
        let end = col + limit
        for (ch, w) in items {
            if x + w > end {
                if x < end { fill(row: row, col: x, width: end - x, style: style) }
                x = end
                break
            }
            setCell(row: row, col: x, ch, width: w, style: style)
            x += w
        }
        return x - col
    }

    /// The display width of one grapheme as the grid places it: 0, 1 or 2.
    public static func width(of character: Character) -> Int {
        var w = 0
        for scalar in character.unicodeScalars { w = max(w, TerminalText.width(of: scalar)) }
        return min(w, 2)
    }

    /// The display width of a string as the grid places it.
    public static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Sets the style of `width` cells from `col` without changing their characters.
    public mutating func restyle(row: Int, col: Int = 0, width: Int? = nil,
                                 _ change: (inout CellStyle) -> Void) {
        guard row >= 0, row < rows else { return }
        let start = max(0, col)
        let end = min(cols, width.map { col + $0 } ?? cols)
        guard start < end else { return }
        for c in start..<end { change(&cells[row * cols + c].style) }
    }

    private mutating func setCell(row: Int, col: Int, _ ch: Character, width w: Int, style: CellStyle) {
        clearHalves(row: row, from: col, to: col + w)
        cells[row * cols + col] = Cell(character: ch, width: w, style: style)
        if w == 2 { cells[row * cols + col + 1] = Cell(character: nil, width: 0, style: style) }
    }

    /// Before overwriting [from, to): blanks the other half of any wide character cut in two.
    private mutating func clearHalves(row: Int, from: Int, to: Int) {
        let base = row * cols
        if from > 0, from < cols, cells[base + from].width == 0 {
            cells[base + from - 1] = Cell(character: " ", width: 1, style: cells[base + from - 1].style)
        }
        if to < cols, to > 0, cells[base + to].width == 0 {
            cells[base + to] = Cell(character: " ", width: 1, style: cells[base + to].style)
        }
    }
}
