import InboxCore

/// `=`: the threaded view. One row per thread (notifications about the same `object` type
/// and id; one without an object is a thread of its own), drawn as its newest notification
/// with the thread's count and unread count. Enter or `l` opens a thread; Esc goes back.
/// `r`, `a`, `s`, `m` on a thread row act on exactly the notifications it stood for.
extension InboxModel {
    /// The thread a notification belongs to.
    static func threadKey(_ n: Notification) -> String {
        if let type = n.objectType, let id = n.objectID { return "o\u{0}" + type + "\u{0}" + id }
        return "n\u{0}" + n.id
    }

    /// Groups `base` (newest first) into threads: the rows (each thread's newest) and the members.
    mutating func threadRows(from base: RowList) -> RowList {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for i in base {
            let key = Self.threadKey(inbox.notification(at: i))
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(i)
        }
        threadMembers = members
        return RowList(order.map { members[$0]![0] })
    }

    /// The members of the thread drawn at storage index `storage` (itself when not threaded).
    func threadMembers(of storage: Int) -> [Int] {
        guard threaded, openThread == nil else { return [storage] }
        return threadMembers[Self.threadKey(inbox.notification(at: storage))] ?? [storage]
    }

    /// `(3 · 2 unread) ` for a thread row of more than one notification, else nothing.
    public func threadLabel(row: Int) -> String? {
        guard threaded, openThread == nil, rows.indices.contains(row) else { return nil }
        let members = threadMembers(of: rows[row])
        guard members.count > 1 else { return nil }
        let unread = members.reduce(0) { $0 + (inbox.rowClass(at: $1) == .unread ? 1 : 0) }
        return "(\(members.count) · \(unread) unread) "
    }

    /// `=`: threads on or off.
    mutating func toggleThreads() {
        threaded.toggle()
        openThread = nil
        releasePin(force: true)
        tags.removeAll()
        rebuildRows()
        message = threaded ? "threads: Enter or l opens one, Esc goes back" : "threads off"
    }

    /// Enter or `l` on a thread row: shows that thread's notifications. Returns false when
    /// the cursor is not on a thread row of several (Enter then opens the preview).
    mutating func openThreadRow() -> Bool {
        guard threaded, openThread == nil, let n = cursorNotification, threadMembers(of: rows[cursor]).count > 1 else { return false }
        openThread = Self.threadKey(n)
        rebuildRows()
        return true
    }

    /// Esc in an open thread: back to the thread list, the cursor on that thread.
    mutating func closeThread() -> Bool {
        guard openThread != nil else { return false }
        openThread = nil
        rebuildRows()
        return true
    }
}
