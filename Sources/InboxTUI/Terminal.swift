import CNCurses
#if canImport(Glibc)
import Glibc
#endif

/// Why the terminal could not be used.
public enum TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Standard input or output is not a terminal.
    case notATerminal
    /// ncurses could not set up the terminal (unknown `TERM`?).
    case setupFailed(String)

    public var description: String {
        switch self {
        case .notATerminal: return "the interactive inbox needs a terminal on standard input and output"
        case .setupFailed(let term): return "cannot use terminal type '\(term)'"
        }
    }
}

/// The only type that talks to ncurses: sets the terminal up, copies a `CellGrid` to the
/// screen, reads keys without blocking, and restores the terminal on `close()` (and, via
/// `TerminalGuard`, on fatal signals and exit).
final class Terminal: Screen {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    private let useColor: Bool
    private var closed = false

    /// Takes over the terminal on standard input / output.
    init(options: TUIOptions) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        setlocale(CNCurses_lcAll(), "")
        TerminalGuard.saveModes()
        let term = TUIOptions.environment("TERM") ?? ""
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r") else {
            throw .setupFailed(term)
        }
        guard let screen = newterm(nil, output, input) else { throw .setupFailed(term) }
        self.screen = screen
        set_term(screen)
        window = CNCurses_stdscr()
        TerminalGuard.arm(restoreSequence: Self.capability("sgr0") + Self.capability("cnorm")
                          + Self.capability("rmcup"))
        cbreak()
        noecho()
        nonl()
        intrflush(window, false)
        keypad(window, true)
        CNCurses_enableMouse(options.mouse ? 1 : 0)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        if !options.noColor, has_colors() {
            start_color()
            use_default_colors()
            for role in ColorRole.allCases {
                _ = CNCurses_initPair(Int32(role.rawValue + 1), options.theme.color(for: role).number(colors: Int(CNCurses_colors())), -1)
            }
            useColor = true
        } else {
            useColor = false
        }
    }

    deinit { close() }

    /// The screen size in rows and columns.
    var size: (rows: Int, cols: Int) { (Int(CNCurses_lines()), Int(CNCurses_cols())) }

    /// Keys come on standard input.
    var inputFD: Int32 { STDIN_FILENO }

    /// Re-reads the size from the tty after SIGWINCH and tells ncurses.
    func resize() {
        var rows: Int32 = 0
        var cols: Int32 = 0
        if CNCurses_ttySize(STDOUT_FILENO, &rows, &cols) == 0, rows > 0, cols > 0 {
            resizeterm(rows, cols)
        }
    }

    /// Redraws everything from scratch on the next `draw` (after a resize or ^L).
    func invalidate() {
        clearok(window, true)
    }

    /// Copies `grid` to the screen: one `wattr_set` + `waddnstr` per run of equal style,
    /// a new run after every wide character so ncurses' idea of widths cannot shift a row;
    /// then one `wnoutrefresh` + `doupdate`.
    func draw(_ grid: CellGrid) {
        let rows = min(grid.rows, size.rows)
        let cols = min(grid.cols, size.cols)
        for row in 0..<rows {
            var col = 0
            while col < cols {
                let style = grid[row, col].style
                let start = col
                var text = ""
                while col < cols, grid[row, col].style == style {
                    let cell = grid[row, col]
                    if let c = cell.character { text.append(c) }
                    col += 1
                    if cell.width == 2 {
                        if col < cols, grid[row, col].width == 0 { col += 1 }
                        break
                    }
                }
                wattr_set(window, attributes(style), useColor ? Int16(style.role.rawValue + 1) : 0, nil)
                wmove(window, Int32(row), Int32(start))
                waddnstr(window, text, -1)
            }
        }
        wattr_set(window, CNCurses_normal(), 0, nil)
        wnoutrefresh(window)
        doupdate()
    }

    /// The next key, or nil when none is waiting.
    func readKey() -> Key? {
        var value: wint_t = 0
        while true {
            let status = wget_wch(window, &value)
            if status == CNCurses_err() { return nil }
            if let key = Self.decodeKey(status: status, value: UInt32(value)) { return key }
        }
    }

    /// Maps a `get_wch` result to a key; nil for codes the inbox does not use.
    static func decodeKey(status: Int32, value: UInt32) -> Key? {
        if status == CNCurses_err() { return nil }
        guard status == CNCurses_keyCodeYes() else { return Key.fromCharacterCode(value) }
        let code = Int32(bitPattern: value)
        if code == CNCurses_keyMouse() {
            var row: Int32 = 0, col: Int32 = 0, kind: Int32 = 0
            guard CNCurses_readMouse(&row, &col, &kind) == 0 else { return nil }
            let kinds: [Int32: MouseKind] = [1: .click, 2: .doubleClick, 3: .wheelUp, 4: .wheelDown]
            return kinds[kind].map { .mouse(row: Int(row), col: Int(col), kind: $0) }
        }
        let table: [(Int32, Key)] = [
            (CNCurses_keyUp(), .up), (CNCurses_keyDown(), .down), (CNCurses_keyLeft(), .left),
            (CNCurses_keyRight(), .right), (CNCurses_keyHome(), .home), (CNCurses_keyEnd(), .end),
            (CNCurses_keyNPage(), .pageDown), (CNCurses_keyPPage(), .pageUp), (CNCurses_keyEnter(), .enter),
            (CNCurses_keyBackspace(), .backspace), (CNCurses_keyDC(), .delete), (CNCurses_keyBTab(), .backTab), (CNCurses_keyResize(), .resize),
        ]
        return table.first { $0.0 == code }?.1
    }

    /// Leaves full-screen mode and restores the tty; safe to call twice.
    func close() {
        guard !closed else { return }
        closed = true
        endwin()
        TerminalGuard.disarm()
        delscreen(screen)
    }

    /// Writes bytes straight to the terminal, after ncurses has drawn (OSC 52).
    func writeRaw(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    private func attributes(_ style: CellStyle) -> attr_t {
        var a = CNCurses_normal()
        if style.bold { a |= CNCurses_bold() }
        if style.reverse { a |= CNCurses_reverse() }
        if style.underline { a |= CNCurses_underline() }
        if style.dim { a |= CNCurses_dim() }
        return a
    }


    /// A terminfo string capability's bytes, empty when absent.
    private static func capability(_ name: String) -> [UInt8] {
        guard let p = tigetstr(name), Int(bitPattern: p) != -1 else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
    }
}
