import InboxCore

/// What the renderer draws around the rows: the tabs in the header, and each row's marker
/// and title prefix (snooze end, "was snoozed", muted, a rule's tags).
extension InboxRenderer {
    /// The saved views as tabs after the counts: `│ Mine 3  CI 0`, the active one marked.
    func drawTabs(_ model: InboxModel, _ grid: inout CellGrid, from start: Int) {
        for (i, span) in Self.tabSpans(model, headerEnd: start).enumerated() where span.lowerBound + 2 < grid.cols {
            if i == 0 { grid.put("  │", row: 0, col: start, style: CellStyle(role: .header)) }
            let active = model.tab == i
            grid.put(Self.tabLabel(model, i), row: 0, col: span.lowerBound, maxWidth: grid.cols - span.lowerBound,
                     style: CellStyle(bold: active, reverse: active, role: .header))
        }
    }

    static func tabLabel(_ model: InboxModel, _ i: Int) -> String {
        "\(model.savedViews[i].name) \(model.inbox.unreadCount(query: i))"
    }

    /// The header columns of each tab, when the header's counts end at `headerEnd`.
    static func tabSpans(_ model: InboxModel, headerEnd: Int) -> [Range<Int>] {
        var col = headerEnd + 3
        return model.savedViews.indices.map { i in
            col += 1
            let w = CellGrid.width(tabLabel(model, i))
            defer { col += w }
            return col..<(col + w)
        }
    }

    /// The row marker: `●` unread (`↻` back from a snooze), blank read, `✓` done,
    /// `z` snoozed, `~` muted.
    static func marker(_ c: RowClass, wasSnoozed: Bool = false) -> String {
        switch c {
        case .unread: return wasSnoozed ? "↻" : "●"
        case .read: return " "
        case .acknowledged: return "✓"
        case .snoozed: return "z"
        case .muted: return "~"
        }
    }

    /// What goes before a row's title: a snooze's end, "was snoozed", "muted", rule labels.
    static func titlePrefix(_ inbox: Inbox, at storage: Int) -> String {
        var parts: [String] = []
        if let until = inbox.snoozedUntil(at: storage) { parts.append("until " + Timestamps.localTime(ms: until)) }
        if inbox.wasSnoozed(at: storage) { parts.append("was snoozed") }
        if inbox.isMuted(at: storage) { parts.append("muted") }
        parts += inbox.labels(at: storage).map { "#" + $0 }
        return parts.isEmpty ? "" : "[" + parts.joined(separator: ", ") + "] "
    }
}
