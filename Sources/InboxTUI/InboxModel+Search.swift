import InboxCore

/// Incremental search: `/` query, `n` / `N`; case-insensitive substring of title, actor, body.
extension InboxModel {
    mutating func beginSearch() {
        search.editing = true
        search.query = ""
        search.origin = cursor
        searchHint = 0
        originID = cursorID
    }

    mutating func searchInput(_ key: Key) {
        switch key {
        case .enter:
            search.editing = false
            if !search.query.isEmpty { search.lastQuery = search.query }
        case .escape:
            search.editing = false
            search.query = ""
            if let id = originID, let n = inbox.notification(id: id), position(of: n).found {
                cursorID = id
                relocateCursor()
            }
        case .backspace:
            guard !search.query.isEmpty else {
                search.editing = false
                return
            }
            search.query.removeLast()
            searchHint = 0
            incremental()
        case .char(let c):
            search.query.append(c)
            incremental()
        default:
            break
        }
    }

    /// Finds the first match from the row where `/` was pressed, wrapping. A longer query
    /// only matches rows the shorter one matched, so the scan resumes at the last match.
    private mutating func incremental() {
        guard !search.query.isEmpty, !rows.isEmpty else { return }
        guard let start = searchHint else {
            message = "no match: " + search.query
            return
        }
        let needle = SearchNeedle(search.query)
        let count = rows.count
        let origin = min(search.origin, count - 1)
        // Steps start..<count from the origin, wrapping: rows origin+start… to the end, then
        // 0… up to the origin; walked chunk by chunk, matching the inbox's text in place.
        let inbox = self.inbox
        var hit: Int?
        if origin + start < count {
            hit = rows.scan(from: origin + start) { _, s in !needle.matches(inbox, s) }
        }
        if hit == nil {
            let first = max(start, count - origin) - (count - origin)
            if first < origin {
                var stopped = false
                let row = rows.scan(from: first) { row, s in
                    if row >= origin { stopped = true; return false }
                    return !needle.matches(inbox, s)
                }
                if let row, !stopped { hit = row }
            }
        }
        if let row = hit {
            searchHint = (row - origin + count) % count
            moveCursor(to: row)
            return
        }
        searchHint = nil
        message = "no match: " + search.query
    }

    /// `n` (forward) / `N` (backward) from the cursor, wrapping.
    mutating func searchAgain(forward: Bool) {
        let query = search.lastQuery
        guard !query.isEmpty else {
            message = "no search yet: press /"
            return
        }
        guard !rows.isEmpty else { return }
        let needle = SearchNeedle(query)
        for step in 1...rows.count {
            let row = ((cursor + (forward ? step : -step)) % rows.count + rows.count) % rows.count
            if needle.matches(inbox.notification(at: rows[row])) {
                let wrapped = step == rows.count || (forward ? row < cursor : row > cursor)
                moveCursor(to: row)
                if wrapped { message = "search wrapped" }
                return
            }
        }
        message = "no match: " + query
    }
}

/// A case-insensitive substring matcher with an ASCII fast path.
struct SearchNeedle {
    private let folded: String
    private let bytes: [UInt8]
    private let ascii: Bool

    init(_ query: String) {
        folded = query.lowercased()
        bytes = Array(folded.utf8)
        ascii = bytes.allSatisfy { $0 < 0x80 }
    }

    /// Whether the title, actor or body of the notification at `storage` contains the query.
    func matches(_ inbox: Inbox, _ storage: Int) -> Bool {
        inbox.withSearchText(at: storage) { title, actor, body in
            contains(title) || (actor.map(contains) ?? false) || (body.map(contains) ?? false)
        }
    }

    /// Whether the title, actor or body contains the query.
    func matches(_ n: Notification) -> Bool {
        contains(n.title) || (n.actor.map(contains) ?? false) || (n.body.map(contains) ?? false)
    }

    func contains(_ text: String) -> Bool {
        guard !bytes.isEmpty else { return true }
        if ascii {
            if let found = text.utf8.withContiguousStorageIfAvailable({ Self.asciiContains($0, bytes) }) { return found }
            var haystack = text
            return haystack.withUTF8 { Self.asciiContains($0, bytes) }
        }
        return text.lowercased().contains(folded)
    }

    private static func asciiContains(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(hay.count - needle.count) where lower(hay[start]) == first {
            var i = 1
            while i < needle.count, lower(hay[start + i]) == needle[i] { i += 1 }
            if i == needle.count { return true }
        }
        return false
    }

    private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
}
