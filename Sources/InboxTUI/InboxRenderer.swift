import InboxCore

/// Draws an `InboxModel` into a `CellGrid` of any size.
///
/// Layout, top to bottom: header (view and unread counts per kind), the list (with the
/// preview to the right when there are at least `sideBySideColumns` columns, else below),
/// the status bar, and the prompt / message line. Below `minimumColumns` × `minimumRows`
/// only "terminal too small" is drawn.
public struct InboxRenderer: Sendable {
    /// The smallest usable width.
    public static let minimumColumns = 40
    /// The smallest usable height.
    public static let minimumRows = 10
    /// From this width on the preview sits to the right of the list.
    public static let sideBySideColumns = 120

    /// Creates a renderer.
    public init() {}

    /// Renders into a new grid of `rows` × `cols`; `nowMs` dates the relative ages.
    public func render(_ model: InboxModel, rows: Int, cols: Int, nowMs: Int64) -> (CellGrid, RenderLayout) {
        var grid = CellGrid(rows: rows, cols: cols)
        let layout = render(model, into: &grid, nowMs: nowMs)
        return (grid, layout)
    }

    /// Renders into `grid` (every cell is redrawn) and returns what the layout measured.
    @discardableResult
    public func render(_ model: InboxModel, into grid: inout CellGrid, nowMs: Int64) -> RenderLayout {
        var spans: [Range<Int>] = []
        var layout = renderScreen(model, into: &grid, nowMs: nowMs, tabs: &spans)
        layout.tabSpans = spans
        return layout
    }

    private func renderScreen(_ model: InboxModel, into grid: inout CellGrid, nowMs: Int64, tabs: inout [Range<Int>]) -> RenderLayout {
        grid = CellGrid(rows: grid.rows, cols: grid.cols)
        guard grid.cols >= Self.minimumColumns, grid.rows >= Self.minimumRows else {
            if grid.rows > 0 { grid.put("terminal too small", row: 0, col: 0) }
            return RenderLayout(listHeight: 1)
        }
        tabs = drawHeader(model, &grid)
        drawStatus(model, &grid, row: grid.rows - 2)
        drawMessageLine(model, &grid, row: grid.rows - 1)
        let top = 1
        let bodyHeight = grid.rows - 3
        if model.helpShown {
            let maxScroll = drawHelp(model, &grid, top: top, height: bodyHeight)
            return RenderLayout(listHeight: bodyHeight, helpMaxScroll: maxScroll)
        }
        guard model.previewShown, let note = model.cursorNotification else {
            drawList(model, &grid, top: top, height: bodyHeight, col: 0, width: grid.cols, nowMs: nowMs)
            return RenderLayout(listHeight: bodyHeight)
        }
        if grid.cols >= Self.sideBySideColumns {
            let listWidth = grid.cols * 2 / 5
            drawList(model, &grid, top: top, height: bodyHeight, col: 0, width: listWidth, nowMs: nowMs)
            for row in top..<(top + bodyHeight) {
                grid.put("│", row: row, col: listWidth, style: CellStyle(role: .secondary))
            }
            let previewCol = listWidth + 2
            let maxScroll = drawPreview(note, model, &grid, top: top, height: bodyHeight, col: previewCol,
                                        width: grid.cols - previewCol, nowMs: nowMs)
            var layout = RenderLayout(listHeight: bodyHeight, previewHeight: bodyHeight, previewMaxScroll: maxScroll)
            layout.listWidth = listWidth
            layout.previewTop = top
            layout.previewCol = previewCol
            return layout
        }
        let listHeight = max(2, (bodyHeight - 1) * 2 / 5)
        let previewTop = top + listHeight + 1
        let previewHeight = bodyHeight - listHeight - 1
        drawList(model, &grid, top: top, height: listHeight, col: 0, width: grid.cols, nowMs: nowMs)
        grid.put(String(repeating: "─", count: grid.cols), row: previewTop - 1, col: 0,
                 style: CellStyle(role: .secondary), ellipsis: false)
        let maxScroll = drawPreview(note, model, &grid, top: previewTop, height: previewHeight, col: 0,
                                    width: grid.cols, nowMs: nowMs)
        var layout = RenderLayout(listHeight: listHeight, previewHeight: previewHeight, previewMaxScroll: maxScroll)
        layout.previewTop = previewTop
        return layout
    }

    // MARK: header

    @discardableResult
    private func drawHeader(_ model: InboxModel, _ grid: inout CellGrid) -> [Range<Int>] {
        let counts = model.inbox.counts
        let view = (model.tab.map { model.savedViews[$0].name } ?? model.view.displayName)
            + (model.threaded ? (model.openThread == nil ? " threads" : " thread") : "")
            + (model.filterQuery.map { " F: " + TerminalText.line($0.text, width: 30) } ?? "")
        // While catching up (newest first), a count is what is known so far: marked "~"
        // (not "≥": a receipt still to come can lower it as history can raise it).
        let approx = model.status.catchingUp ? "~" : ""
        func segments(short: Bool) -> [(String, Kind?)] {
            model.kinds.map { kind in
                let name = short ? String(kind.displayName.prefix(1)) : kind.displayName
                return ("\(name) \(approx)\(counts.count(.unread, kind: kind))", kind)
            } + [("All \(approx)\(counts.count(.unread))", nil)]
        }
        var parts = segments(short: false)
        let longWidth = CellGrid.width(view) + 2 + parts.reduce(0) { $0 + CellGrid.width($1.0) } + 3 * (parts.count - 1)
        if longWidth > grid.cols { parts = segments(short: true) }
        grid.fill(row: 0, style: CellStyle(role: .header))
        var col = grid.put(view, row: 0, col: 0, style: CellStyle(bold: true, reverse: true, role: .header)) + 2
        for (index, part) in parts.enumerated() {
            if index > 0 { col += grid.put(" · ", row: 0, col: col, style: CellStyle(role: .header)) }
            let active = model.kindFilter == part.1
            let style = CellStyle(bold: active, underline: active, role: .header)
            col += grid.put(part.0, row: 0, col: col, style: style)
        }
        drawTabs(model, &grid, from: col)
        return Self.tabSpans(model, headerEnd: col)
    }

    // MARK: list

    /// The short kind column: `grp`, `own`, `wat`, or the first three letters.
    static func shortKind(_ kind: Kind) -> String {
        switch kind {
        case .group: return "grp"
        case .owner: return "own"
        case .watching: return "wat"
        default: return String(kind.rawValue.prefix(3))
        }
    }

    static func role(of kind: Kind) -> ColorRole {
        switch kind {
        case .group: return .kindGroup
        case .owner: return .kindOwner
        case .watching: return .kindWatching
        default: return .kindOther
        }
    }

    private func drawList(_ model: InboxModel, _ grid: inout CellGrid, top: Int, height: Int,
                          col: Int, width: Int, nowMs: Int64) {
        guard height > 0 else { return }
        if model.rows.isEmpty {
            let text = model.status.caughtUp || model.inbox.count > 0
                ? "No notifications in \(model.view.displayName)"
                : "Loading…"
            grid.put(text, row: top, col: col + 2, maxWidth: width - 2, style: CellStyle(role: .secondary))
            if let hint = model.status.hint {
                for (i, line) in TextFormat.wrap(hint, width: max(10, width - 4)).prefix(max(0, height - 2)).enumerated() {
                    grid.put(line, row: top + 2 + i, col: col + 2, maxWidth: width - 2)
                }
            }
            return
        }
        var first = min(model.scroll, max(0, model.rows.count - height))
        if model.cursor < first { first = model.cursor }
        if model.cursor >= first + height { first = model.cursor - height + 1 }
        let actorWidth = min(16, max(6, width / 5))
        let last = min(model.rows.count, first + height)
        for index in first..<last {
            drawRow(model, &grid, index: index, row: top + index - first, col: col, width: width,
                    actorWidth: actorWidth, nowMs: nowMs)
        }
    }

    private func drawRow(_ model: InboxModel, _ grid: inout CellGrid, index: Int, row: Int, col: Int,
                         width: Int, actorWidth: Int, nowMs: Int64) {
        let n = model.notification(atRow: index)
        let storage = model.rows[index]
        let rowClass = model.inbox.rowClass(at: storage)
        let base = CellStyle(bold: rowClass == .unread)
        func style(_ role: ColorRole) -> CellStyle {
            var s = base
            s.role = role
            return s
        }
        grid.fill(row: row, col: col, width: width, style: base)
        grid.put(Self.marker(rowClass, wasSnoozed: model.inbox.wasSnoozed(at: storage)), row: row, col: col, maxWidth: 1,
                 style: style(.unread))
        if model.isTagged(row: index) { grid.put("*", row: row, col: col + 1, maxWidth: 1, style: style(.tag)) }
        grid.put(Self.shortKind(n.kind), row: row, col: col + 3, maxWidth: 3, style: style(Self.role(of: n.kind)),
                 ellipsis: false)
        let age = TextFormat.relativeAge(fromMs: n.createdAtMs, nowMs: nowMs)
        grid.put(age, row: row, col: col + 7 + 3 - CellGrid.width(age), maxWidth: 3, style: style(.secondary))
        grid.put(n.actor ?? "", row: row, col: col + 11, maxWidth: actorWidth, style: base)
        let titleCol = col + 12 + actorWidth
        let titleStyle = n.isMalformed ? style(.error) : base
        let prefix = (model.threadLabel(row: index) ?? "") + Self.titlePrefix(model.inbox, at: storage)
        if !prefix.isEmpty { grid.put(prefix, row: row, col: titleCol, maxWidth: col + width - titleCol, style: style(.secondary)) }
        let prefixWidth = min(CellGrid.width(prefix), max(0, col + width - titleCol))
        grid.put(n.title, row: row, col: titleCol + prefixWidth, maxWidth: col + width - titleCol - prefixWidth, style: titleStyle)
        if index == model.cursor {
            grid.restyle(row: row, col: col, width: width) { $0.reverse = true }
        }
    }

    // MARK: status and prompt

    /// The status bar's segments, in order; `compact` uses the short forms for narrow screens.
    static func statusText(_ model: InboxModel, compact: Bool = false) -> [(String, ColorRole)] {
        var parts: [(String, ColorRole)] = []
        let s = model.status
        switch s.connection {
        case .connecting(let address)?: parts.append((compact ? "connecting" : "connecting to \(address)", .status))
        case .up(let address)?: parts.append((compact ? "up" : "connected to \(address)", .status))
        case .unreachable(let address)?: parts.append(("broker unreachable: \(address)", .error))
        case .degraded(let address, let note)?:
            if !compact { parts.append(("connected to \(address)", .status)) }
            parts.append((note, .error))
        case nil: break
        }
        if s.caughtUp {
            parts.append(("up to date", .status))
        } else if let total = s.total {
            parts.append(("catching up \(s.loaded)/\(total)", .status))
        } else {
            parts.append(("catching up \(s.loaded)", .status))
        }
        if s.pendingReceipts > 0 {
            let noun = compact ? "" : s.pendingReceipts == 1 ? " receipt" : " receipts"
            parts.append(("\(s.pendingReceipts)\(noun) pending", .error))
        }
        if s.notSavedLocally != nil {
            let n = s.unsavedReceipts
            parts.append((n > 0 ? (compact ? "\(n) unsaved" : "\(n) not saved locally") : (compact ? "not saved" : "receipts not saved locally"), .error))
        }
        parts.append(("\(s.catchingUp ? "~" : "")\(model.inbox.counts.count(.unread)) unread", .status))
        if !model.tags.isEmpty { parts.append(("\(model.tags.count) tagged", .tag)) }
        if model.inbox.malformedCount > 0 { parts.append(("\(model.inbox.malformedCount) malformed", .error)) }
        return parts
    }

    private func drawStatus(_ model: InboxModel, _ grid: inout CellGrid, row: Int) {
        grid.fill(row: row, style: CellStyle(reverse: true, role: .status))
        var parts = Self.statusText(model)
        let width = parts.reduce(0) { $0 + CellGrid.width($1.0) } + 3 * (parts.count - 1)
        if width > grid.cols { parts = Self.statusText(model, compact: true) }
        var col = 0
        let bar = CellStyle(reverse: true, role: .status)
        for (index, part) in parts.enumerated() {
            let separator = index > 0 ? " · " : ""
            if index > 0, col + 3 + CellGrid.width(part.0) > grid.cols {
                grid.put(" …", row: row, col: col, style: bar)  // cut whole segments, not words
                break
            }
            col += grid.put(separator, row: row, col: col, style: bar)
            col += grid.put(part.0, row: row, col: col, style: CellStyle(reverse: true, role: part.1))
        }
    }

    private func drawMessageLine(_ model: InboxModel, _ grid: inout CellGrid, row: Int) {
        if let prompt = model.prompt {
            grid.put(prompt.text, row: row, col: 0, style: CellStyle(bold: true, role: .prompt))
        } else if model.search.editing {
            let miss = model.message?.hasPrefix("no match") == true ? "   (no match)" : ""
            grid.put("/" + model.search.query + miss, row: row, col: 0, style: CellStyle(role: .prompt))
        } else if let message = model.message {
            grid.put(message, row: row, col: 0, style: CellStyle(role: .prompt))
        } else if let error = model.status.lastError {
            grid.put("error: " + error, row: row, col: 0, style: CellStyle(role: .error))
        } else {
            grid.put(Self.hint(model.keyMap), row: row, col: 0, style: CellStyle(dim: true, role: .secondary))
        }
    }

    /// A short key hint generated from the key map.
    static func hint(_ map: KeyMap) -> String {
        let wanted: [(Action, String)] = [(.help, "help"), (.markRead, "read"), (.open, "open"),
                                          (.cycleView, "view"), (.quit, "quit")]
        return wanted.compactMap { action, word in
            map.bindings.first { $0.action == action }?.keys.first.map { "\($0) \(word)" }
        }.joined(separator: "  ")
    }
}
