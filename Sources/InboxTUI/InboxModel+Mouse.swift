import InboxCore

/// The mouse: a click selects a row (or a tab in the header), a double click opens the
/// preview, the wheel scrolls the list or, over it, the preview. (Holding Shift leaves the
/// terminal's own selection working: terminals keep Shift-drag for themselves.)
extension InboxModel {
    /// Rows the wheel moves per notch.
    static let wheelStep = 3

    mutating func handleMouse(row: Int, col: Int, kind: MouseKind) -> [ModelEffect] {
        guard !helpShown, prompt == nil else { return [] }
        let overPreview = previewShown && row >= layout.previewTop && col >= layout.previewCol
        switch kind {
        case .wheelUp, .wheelDown:
            let step = kind == .wheelUp ? -Self.wheelStep : Self.wheelStep
            if overPreview {
                previewScroll = min(max(0, previewScroll + step), previewMaxScroll)
            } else {
                moveCursor(to: cursor + step)
            }
        case .click, .doubleClick:
            if row == 0, let i = layout.tabSpans.firstIndex(where: { $0.contains(col) }) {
                tab = i
                releasePin(force: true)
                tags.removeAll()
                rebuildRows()
                return []
            }
            guard row >= 1, row < 1 + listHeight, col < layout.listWidth, !overPreview else { return [] }
            let target = scroll + row - 1
            guard rows.indices.contains(target) else { return [] }
            moveCursor(to: target)
            if kind == .doubleClick { return open() }
        }
        return []
    }
}
