import InboxCore

/// Incremental search: `/` query, `n` / `N`; case-insensitive substring of title, actor, body.
extension InboxModel {
    mutating func beginSearch() {
        search.editing = true
        search.query = ""
        search.origin = cursor
        searchMatches = []
        originID = cursorID
    }

    mutating func searchInput(_ key: Key) {
        switch key {
        case .enter:
            search.editing = false
            if !search.query.isEmpty { search.lastQuery = search.query }
            if !search.query.isEmpty, searchMatches.last?.steps.isEmpty ?? true { message = "no match: " + search.query }
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
            incremental()
        case .char(let c):
            search.query.append(c)
            incremental()
        default:
            break
        }
    }

    /// Finds the first match from the row where `/` was pressed, wrapping.
    ///
    /// The matches of each query typed are kept (`searchMatches`, dropped when the rows
    /// change): a query that contains an earlier one only matches rows that one matched, so
    /// it tests the earlier matches and scans only rows the earlier query never reached; a
    /// query whose prefix matched nothing costs nothing; backspace returns to a kept result.
    /// Rows are tested by their `SearchSignature` first and read only when it passes.
    private mutating func incremental() {
        guard !search.query.isEmpty, !rows.isEmpty else {
            searchMatches = []
            return
        }
        let needle = SearchNeedle(search.query)
        let count = rows.count
        let origin = min(search.origin, count - 1)
        // Keep the results of queries this one contains (its prefixes while typing).
        while let last = searchMatches.last, !(last.count == count && last.origin == origin && needle.refines(last.needle)) {
            searchMatches.removeLast()
        }
        var matches: SearchMatches
        if let last = searchMatches.last, last.needle.folded == needle.folded {
            matches = searchMatches.removeLast()
        } else {
            matches = SearchMatches(needle: needle, origin: origin, count: count)
            matches.extend(from: searchMatches.last, rows: rows, inbox: inbox)
        }
        searchMatches.append(matches)
        if let step = matches.steps.first {
            moveCursor(to: (origin + step) % count)
            return
        }
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
            if needle.matches(inbox, rows[row]) {
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
struct SearchNeedle: Sendable {
    let folded: String
    private let bytes: [UInt8]
    private let ascii: Bool
    /// Signature bits a row must have to contain the query (`SearchSignature`).
    let mask: SearchSignature.Bits

    init(_ query: String) {
        folded = query.lowercased()
        bytes = Array(folded.utf8)
        ascii = bytes.allSatisfy { $0 < 0x80 }
        mask = SearchSignature.mask(query: folded)
    }

    /// Whether every row this needle matches is matched by `other` too: both are ASCII
    /// (compared byte-wise, case-folded) and this one contains the other.
    func refines(_ other: SearchNeedle) -> Bool {
        guard ascii, other.ascii, other.bytes.count <= bytes.count else { return false }
        if other.bytes.isEmpty { return true }
        return bytes.withUnsafeBufferPointer { Self.asciiContains($0, other.bytes) }
    }

    /// Whether the title, actor or body of the notification at `storage` contains the query.
    /// ASCII queries are matched on the stored bytes in place; others on unpacked text.
    func matches(_ inbox: Inbox, _ storage: Int) -> Bool {
        guard inbox.searchSignature(at: storage).covers(mask) else { return false }
        guard !bytes.isEmpty else { return true }
        return inbox.withSearchText(at: storage) { title, actor, body in
            if ascii {
                return Self.asciiContains(title, bytes) || (actor.map { Self.asciiContains($0, bytes) } ?? false)
                    || (body.map { Self.asciiContains($0, bytes) } ?? false)
            }
            return contains(String(decoding: title, as: UTF8.self))
                || (actor.map { contains(String(decoding: $0, as: UTF8.self)) } ?? false)
                || (body.map { contains(String(decoding: $0, as: UTF8.self)) } ?? false)
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
