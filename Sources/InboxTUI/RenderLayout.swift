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

    /// Creates a layout.
    public init(listHeight: Int, previewHeight: Int = 0, previewMaxScroll: Int = 0, helpMaxScroll: Int = 0) {
        self.listHeight = listHeight
        self.previewHeight = previewHeight
        self.previewMaxScroll = previewMaxScroll
        self.helpMaxScroll = helpMaxScroll
    }
}
