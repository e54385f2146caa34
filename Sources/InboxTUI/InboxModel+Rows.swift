import InboxCore

/// The visible row list: incremental updates, rebuilds, cursor and scroll.
extension InboxModel {
    /// Above this many new notifications in one batch the row list is rebuilt instead of
    /// inserting one by one.
    static let rebuildThreshold = 64

    /// Whether the notification at `storage` passes the kind filter.
    func passesFilter(_ n: Notification) -> Bool {
        kindFilter.map { $0 == n.kind } ?? true
    }

    /// Where `n` is (or would be) in `rows`, by newest-first order; binary search.
    func position(of n: Notification) -> (index: Int, found: Bool) {
        if let storage = inbox.index(ofID: n.id) { return position(storage: storage) }
        var low = 0
        var high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if Inbox.isNewer(inbox.notification(at: rows[mid]), than: n) { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// Where storage index `storage` is (or would be) in `rows`; binary search on sort keys.
    func position(storage: Int) -> (index: Int, found: Bool) {
        let (row, found) = inbox.position(of: storage, in: rows)
        return (row, found)
    }

    /// Adds notifications to the inbox; the rows follow on the next `refreshRows()`.
    /// Recomputes the rows: the inbox keeps every view's rows sorted, so this shares its
    /// list (no copy, no walk of the inbox) and adds the pinned row if it left the view.
    mutating func refreshRows() {
        if filterQuery != nil {
            rows = inbox.rows(query: savedViews.count, kind: kindFilter)
        } else {
            rows = tab.map { inbox.rows(query: $0, kind: kindFilter) } ?? inbox.rows(in: view, kind: kindFilter)
        }
        if threaded {
            if let open = openThread {
                rows = RowList(rows.filter { Self.threadKey(inbox.notification(at: $0)) == open })
            } else {
                rows = threadRows(from: rows)
            }
        }
        if let pinned, passesFilter(inbox.notification(at: pinned.storage)) {
            let (index, found) = position(storage: pinned.storage)
            if !found { rows.insert(pinned.storage, at: index) }
        }
        if !tags.isEmpty {
            tags = tags.filter { id in inbox.index(ofID: id).map { position(storage: $0).found } ?? false }
        }
        searchMatches = []
        relocateCursor()
    }

    /// Recomputes the rows from the inbox (view and filter changes, large batches).
    mutating func rebuildRows() {
        refreshRows()
    }

    /// Puts the cursor back on `cursorID` (or the row that took its place) and keeps it visible.
    mutating func relocateCursor() {
        guard !rows.isEmpty else {
            cursor = 0
            ensureVisible()
            return
        }
        if let id = cursorID, let storage = inbox.index(ofID: id) {
            let (index, found) = position(storage: storage)
            cursor = min(index, rows.count - 1)
            if !found { cursorID = inbox.id(at: rows[cursor]) }
        } else {
            cursor = min(max(0, cursor), rows.count - 1)
            cursorID = inbox.id(at: rows[cursor])
        }
        ensureVisible()
    }

    /// Moves the cursor to row `index` (clamped); a pinned row it leaves may go.
    mutating func moveCursor(to index: Int) {
        guard !rows.isEmpty else { return }
        let target = inbox.id(at: rows[min(max(0, index), rows.count - 1)])
        if target != cursorID {
            cursorID = target
            previewScroll = 0
            releasePin(force: false)
        }
        relocateCursor()
    }

    /// Lets go of the row kept in view while its preview is open; it leaves the view if its
    /// state no longer belongs there. Unless `force`, only when the cursor is elsewhere.
    mutating func releasePin(force: Bool) {
        guard let pin = pinned, force || pin.id != cursorID else { return }
        pinned = nil
        if tab != nil || !view.contains(inbox.rowClass(at: pin.storage)) { refreshRows() }
    }

    /// Adjusts `scroll` so the cursor row is on screen and no space is wasted at the end.
    mutating func ensureVisible() {
        let height = max(1, listHeight)
        if cursor < scroll { scroll = cursor }
        if cursor >= scroll + height { scroll = cursor - height + 1 }
        scroll = max(0, min(scroll, rows.count - height))
    }

    mutating func setFilter(_ kind: Kind?) {
        releasePin(force: true)
        kindFilter = kind
        tags.removeAll()
        rebuildRows()
    }

    /// `Tab` / `]` and `⇧Tab` / `[`: the next or previous saved view; past the last, the built-in view.
    mutating func switchTab(forward: Bool) {
        guard !savedViews.isEmpty else {
            message = "no saved views: add [[views]] name = \"…\" query = \"…\" to the config"
            return
        }
        let n = savedViews.count
        if let t = tab {
            let next = forward ? t + 1 : t - 1
            tab = next >= 0 && next < n ? next : nil
        } else {
            tab = forward ? 0 : n - 1
        }
        releasePin(force: true)
        tags.removeAll()
        rebuildRows()
    }

    mutating func setView(_ newView: InboxView) {
        releasePin(force: true)
        view = newView
        if filterQuery != nil { applyFilterQuery() }
        tags.removeAll()
        rebuildRows()
    }
}
