import InboxCore

/// The preview pane and the help screen.
extension InboxRenderer {
    /// How many bytes of one field the preview wraps and shows.
    static let previewFieldLimit = 16 * 1024

    /// The preview's lines for `n` at `width` columns: every field, then the body, wrapped.
    static func previewLines(_ n: Notification, state: ReadState, width: Int, nowMs: Int64)
        -> [(String, CellStyle)] {
        var out: [(String, CellStyle)] = []
        func add(_ text: String, _ style: CellStyle = .plain) {
            // The preview shows at most the first 16 KiB of a field (hostile values can be megabytes).
            let cut = text.utf8.count > Self.previewFieldLimit
                ? String(decoding: text.utf8.prefix(Self.previewFieldLimit), as: UTF8.self) + " …(cut at 16 KiB)" : text
            for line in TextFormat.wrap(TerminalText.sanitize(cut, keepNewlines: true), width: width) {
                out.append((line, style))
            }
        }
        let label = CellStyle(role: .secondary)
        add(n.title, CellStyle(bold: true))
        out.append(("", .plain))
        if let actor = n.actor { add("From: " + actor) }
        add("Kind: \(n.kind.displayName) · State: \(state.rawValue)", label)
        let age = TextFormat.relativeAge(fromMs: n.createdAtMs, nowMs: nowMs)
        add("Time: \(TextFormat.utcTime(ms: n.createdAtMs)) (\(age == "now" ? "just now" : age + " ago"))", label)
        if let url = n.url { add("URL: " + url, CellStyle(underline: true, role: .link)) }
        if n.objectType != nil || n.objectID != nil {
            add("Object: " + [n.objectType, n.objectID].compactMap { $0 }.joined(separator: " "))
        }
        add("ID: " + n.id, label)
        add("Source: \(n.source.topic) partition \(n.source.partition) offset \(n.source.offset)", label)
        for field in n.extra { add("\(field.key): \(field.value)") }
        if let reason = n.malformedReason {
            out.append(("", .plain))
            add("Malformed: " + reason, CellStyle(bold: true, role: .error))
            if let raw = n.raw { add("Raw: " + raw, CellStyle(role: .error)) }
        }
        if let body = n.body, !body.isEmpty {
            out.append(("", .plain))
            add(body)
        }
        return out
    }

    /// Draws the preview of `n`; returns how far it can scroll.
    func drawPreview(_ n: Notification, _ model: InboxModel, _ grid: inout CellGrid, top: Int, height: Int,
                     col: Int, width: Int, nowMs: Int64) -> Int {
        guard height > 0, width > 0 else { return 0 }
        let lines = Self.previewLines(n, state: model.inbox.state(of: n.id), width: width, nowMs: nowMs)
        // When the text is longer than the pane, the last row says so instead of showing text.
        let room = lines.count > height ? max(1, height - 1) : height
        let maxScroll = max(0, lines.count - room)
        let first = min(model.previewScroll, maxScroll)
        for (offset, line) in lines.dropFirst(first).prefix(room).enumerated() {
            grid.put(line.0, row: top + offset, col: col, maxWidth: width, style: line.1)
        }
        if room < height {
            let more = first < maxScroll ? "↓ more: Space (\(first + room)/\(lines.count))" : "(end)"
            grid.put(more, row: top + height - 1, col: col, maxWidth: width, style: CellStyle(dim: true, role: .secondary))
        }
        return maxScroll
    }

    /// Draws the help screen from the live key map; returns how far it can scroll.
    func drawHelp(_ model: InboxModel, _ grid: inout CellGrid, top: Int, height: Int) -> Int {
        grid.put("Keys — j/k scroll, any other key closes", row: top, col: 0, style: CellStyle(bold: true))
        let lines = model.keyMap.helpLines(kinds: model.kinds)
        let room = max(0, height - 1)
        let maxScroll = max(0, lines.count - room)
        let first = min(model.helpScroll, maxScroll)
        for (offset, line) in lines.dropFirst(first).prefix(room).enumerated() {
            grid.put(line, row: top + 1 + offset, col: 1)
        }
        return maxScroll
    }
}
