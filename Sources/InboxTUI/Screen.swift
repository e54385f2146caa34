/// Where the UI loop draws and reads keys: the real terminal (`Terminal`, through ncurses)
/// or a `HeadlessScreen` (a grid in memory; the benchmark runs the real loop on one).
public protocol Screen: AnyObject {
    /// The size in rows and columns.
    var size: (rows: Int, cols: Int) { get }
    /// The descriptor to poll for key presses (negative: none).
    var inputFD: Int32 { get }
    /// Shows a frame.
    func draw(_ grid: CellGrid)
    /// The next key pressed, without blocking (nil: none).
    func readKey() -> Key?
    /// Re-reads the size after SIGWINCH.
    func resize()
    /// Forgets what is on screen, so the next frame is drawn whole.
    func invalidate()
    /// Writes bytes straight to the terminal (OSC 52).
    func writeRaw(_ bytes: [UInt8])
}

/// A screen in memory: frames land in `grid`, no keys arrive.
public final class HeadlessScreen: Screen {
    /// The last frame drawn.
    public private(set) var grid: CellGrid
    public let size: (rows: Int, cols: Int)
    public var inputFD: Int32 { -1 }

    /// A screen of `rows` × `cols`.
    public init(rows: Int, cols: Int) {
        size = (rows, cols)
        grid = CellGrid(rows: rows, cols: cols)
    }

    public func draw(_ grid: CellGrid) { self.grid = grid }
    public func readKey() -> Key? { nil }
    public func resize() {}
    public func invalidate() {}
    public func writeRaw(_ bytes: [UInt8]) {}
}
