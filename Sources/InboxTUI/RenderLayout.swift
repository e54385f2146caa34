/// What a render measured, fed back to the model with `InboxModel.updateLayout(_:)`.
public struct RenderLayout: Sendable, Hashable {
    /// Rows available to the list.
    public var listHeight: Int
    /// Rows available to the preview text (0 when hidden).
    public var previewHeight: Int
    /// How far the preview can scroll.
    public var previewMaxScroll: Int
    /// How far the help screen can scroll.
    public var helpMaxScroll: Int
    /// Where things are, for the mouse: the list's width in columns (it starts at column 0,
    /// row 1), the preview's first row and column, and the header columns of each tab.
    public var listWidth = Int.max
    public var previewTop = Int.max
    public var previewCol = 0
    public var tabSpans: [Range<Int>] = []

    /// Creates a layout.
    public init(listHeight: Int, previewHeight: Int = 0, previewMaxScroll: Int = 0, helpMaxScroll: Int = 0) {
        self.listHeight = listHeight
        self.previewHeight = previewHeight
        self.previewMaxScroll = previewMaxScroll
        self.helpMaxScroll = helpMaxScroll
    }
}
