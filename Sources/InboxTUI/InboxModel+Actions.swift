import InboxEvents
import InboxCore

/// Marking, tagging, mark-all and undo.
extension InboxModel {
    /// One state change made locally.
    private struct Change {
        var storage: Int
        var old: ReadState
        var new: ReadState
    }

    /// `r` / `u` / `a`: acts on the tagged rows if any, else on the cursor row.
    mutating func mark(_ type: ReceiptType) -> [ModelEffect] {
        guard !rows.isEmpty else { return [] }
        return setStates(takeTargets(), to: type)
    }

    /// The rows an action applies to: the tagged rows in view (their tags are cleared), else the cursor row.
    mutating func takeTargets() -> [Int] {
        guard !rows.isEmpty else { return [] }
        let targets: [Int]
        if tags.isEmpty {
            targets = threadMembers(of: rows[cursor])
        } else {
            // Tags are always rows in view: their storage indices, in row order (no walk of the rows).
            targets = tags.compactMap { inbox.index(ofID: $0) }
                .filter { position(storage: $0).found }
                .sorted { inbox.isNewer($0, than: $1) }
            tags.removeAll()
        }
        return targets
    }

    /// Enter: shows the preview and, if configured, marks the cursor row read. The row
    /// stays in view (pinned) while the cursor is on it, so the preview does not jump.
    mutating func open() -> [ModelEffect] {
        guard let n = cursorNotification else { return [] }
        previewShown = true
        previewScroll = 0
        guard markReadOnOpen, inbox.state(of: n.id) == .unread else { return [] }
        releasePin(force: true)
        pinned = (n.id, rows[cursor])
        return setStates([rows[cursor]], to: .read)
    }

    /// Sets the state of each storage index whose state differs; records one undo level
    /// and returns the receipts to send (none when nothing changed).
    mutating func setStates(_ targets: some Sequence<Int>, to type: ReceiptType, untilMs: Int64? = nil) -> [ModelEffect] {
        guard let state = type.state else { return [] }
        var requests: [ReceiptRequest] = []
        var items: [UndoItem] = []
        var changes: [Change] = []
        // By storage index: only the id, kind and source are read (a bulk action of 100,000
        // unpacked every notification and looked each id up twice before).
        for storage in targets {
            let old = inbox.state(at: storage)
            let oldUntil = inbox.snoozedUntil(at: storage)
            guard old != state || (state == .snoozed && oldUntil != untilMs) else { continue }
            let id = inbox.id(at: storage), kind = inbox.kind(at: storage), source = inbox.source(at: storage)
            inbox.setState(state, at: storage, untilMs: untilMs)
            items.append(UndoItem(id: id, kind: kind, source: source, previous: old, previousUntil: oldUntil,
                                  storageIndex: storage))
            requests.append(ReceiptRequest(notificationID: id, kind: kind, source: source, type: type, untilMs: untilMs))
            changes.append(Change(storage: storage, old: old, new: state))
        }
        guard !items.isEmpty else {
            message = "nothing to change"
            return []
        }
        undoStack.append(items)
        if undoStack.count > Self.undoLimit { undoStack.removeFirst(undoStack.count - Self.undoLimit) }
        applyLocal(changes)
        message = "\(items.count) marked \(type.rawValue)"
        return [.send(requests)]
    }

    /// `z`: restores the states before the last action and sends the opposite receipts.
    mutating func undo() -> [ModelEffect] {
        guard let items = undoStack.popLast() else {
            message = "nothing to undo"
            return []
        }
        var requests: [ReceiptRequest] = []
        var changes: [Change] = []
        for item in items {
            let now = inbox.state(of: item.id)
            let untilNow = inbox.index(ofID: item.id).flatMap { inbox.snoozedUntil(at: $0) }
            guard now != item.previous || (now == .snoozed && untilNow != item.previousUntil) else { continue }
            let until = item.previous == .snoozed ? item.previousUntil : nil
            inbox.setState(item.previous, for: item.id, untilMs: until)
            requests.append(ReceiptRequest(notificationID: item.id, kind: item.kind, source: item.source,
                                           type: ReceiptType(restoring: item.previous), untilMs: until))
            changes.append(Change(storage: item.storageIndex, old: now, new: item.previous))
        }
        applyLocal(changes)
        if let first = items.first, let n = inbox.notification(id: first.id), position(of: n).found {
            cursorID = first.id
            relocateCursor()
        }
        message = "undid \(requests.count) change\(requests.count == 1 ? "" : "s")"
        return requests.isEmpty ? [] : [.send(requests)]
    }

    /// Moves rows in or out of the view after local state changes (the inbox has already
    /// moved them between its sorted lists; the pinned row stays).
    private mutating func applyLocal(_ changes: [Change]) {
        refreshRows()
    }

    /// `R`: asks before marking every row in view read; remembers exactly those rows.
    mutating func askMarkAllRead() {
        let changing = rows.reduce(0) { $0 + (inbox.state(at: $1) == .read ? 0 : 1) }
        guard changing > 0 else {
            message = "nothing to mark read"
            return
        }
        prompt = .markAllRead(rows: rows, changing: changing)
    }

    /// `t`: tags or untags the cursor row and moves down.
    mutating func toggleTag() {
        guard let n = cursorNotification else { return }
        if tags.remove(n.id) == nil { tags.insert(n.id) }
        moveCursor(to: cursor + 1)
    }

    /// `T`: tags every row in view, or untags all when every row is tagged.
    mutating func toggleTagAll() {
        if !rows.isEmpty, tags.count == rows.count {
            tags.removeAll()
        } else {
            tags = Set(rows.map { inbox.id(at: $0) })
        }
    }
}
