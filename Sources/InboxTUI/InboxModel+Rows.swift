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
        var low = 0
        var high = rows.count
        while low < high {
            let mid = (low + high) / 2
            if Inbox.isNewer(inbox.notification(at: rows[mid]), than: n) { low = mid + 1 } else { high = mid }
        }
        let found = low < rows.count && inbox.notification(at: rows[low]).id == n.id
        return (low, found)
    }

    mutating func insert(_ list: [Notification], rebuild: inout Bool) {
        var added: [Int] = []
        for n in list where inbox.insert(n) {
            let index = inbox.count - 1
            if inbox.notification(at: index).id == n.id { added.append(index) } else { rebuild = true }
        }
        if added.count > Self.rebuildThreshold { rebuild = true }
        guard !rebuild else { return }
        for index in added {
            let n = inbox.notification(at: index)
            if passesFilter(n), view.contains(inbox.state(of: n.id)) { insertRow(index) }
        }
        searchHint = nil
    }

    /// Inserts a storage index at its sorted place (no-op if present).
    mutating func insertRow(_ storage: Int) {
        let (index, found) = position(of: inbox.notification(at: storage))
        if !found { rows.insert(storage, at: index) }
    }

    /// A notification's state changed from `old`: it may leave or enter the view.
    mutating func stateChanged(id: String, from old: ReadState, rebuild: inout Bool) {
        guard !rebuild, let n = inbox.notification(id: id), passesFilter(n) else { return }
        let wasIn = view.contains(old)
        let isIn = view.contains(inbox.state(of: id))
        if wasIn && !isIn {
            removeRows([n])
        } else if !wasIn && isIn {
            rebuild = true  // the storage index is not known here; rebuilds are rare
        }
        searchHint = nil
    }

    /// Removes these notifications' rows (except a pinned one), untags them, and moves the
    /// cursor to the next remaining row when its own row goes.
    mutating func removeRows(_ notes: [Notification]) {
        guard !notes.isEmpty, !rows.isEmpty else { return }
        let ids = Set(notes.map(\.id)).subtracting(pinned.map { [$0.id] } ?? [])
        guard !ids.isEmpty else { return }
        for id in ids { tags.remove(id) }
        if let id = cursorID, ids.contains(id), rows.indices.contains(cursor) {
            let after = rows[cursor...].first { !ids.contains(inbox.notification(at: $0).id) }
            let before = rows[..<cursor].last { !ids.contains(inbox.notification(at: $0).id) }
            cursorID = (after ?? before).map { inbox.notification(at: $0).id }
        }
        if ids.count == 1, let n = notes.first(where: { ids.contains($0.id) }) {
            let (index, found) = position(of: n)
            if found { rows.remove(at: index) }
        } else {
            rows.removeAll { ids.contains(inbox.notification(at: $0).id) }
        }
        relocateCursor()
    }

    /// Recomputes the rows from the inbox (view and filter changes, large batches).
    mutating func rebuildRows() {
        rows = inbox.indices(in: view, kinds: kindFilter.map { [$0] })
        if let pinned, passesFilter(inbox.notification(at: pinned.storage)) {
            insertRow(pinned.storage)
        }
        if !tags.isEmpty {
            tags = tags.filter { id in inbox.notification(id: id).map { position(of: $0).found } ?? false }
        }
        searchHint = nil
        relocateCursor()
    }

    /// Puts the cursor back on `cursorID` (or the row that took its place) and keeps it visible.
    mutating func relocateCursor() {
        guard !rows.isEmpty else {
            cursor = 0
            ensureVisible()
            return
        }
        if let id = cursorID, let n = inbox.notification(id: id) {
            let (index, found) = position(of: n)
            cursor = min(index, rows.count - 1)
            if !found { cursorID = inbox.notification(at: rows[cursor]).id }
        } else {
            cursor = min(max(0, cursor), rows.count - 1)
            cursorID = inbox.notification(at: rows[cursor]).id
        }
        ensureVisible()
    }

    /// Moves the cursor to row `index` (clamped); a pinned row it leaves may go.
    mutating func moveCursor(to index: Int) {
        guard !rows.isEmpty else { return }
        let target = inbox.notification(at: rows[min(max(0, index), rows.count - 1)]).id
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
        let n = inbox.notification(at: pin.storage)
        if !view.contains(inbox.state(of: pin.id)) { removeRows([n]) }
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

    mutating func setView(_ newView: InboxView) {
        releasePin(force: true)
        view = newView
        tags.removeAll()
        rebuildRows()
    }
}
