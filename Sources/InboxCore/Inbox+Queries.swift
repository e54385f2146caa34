/// Saved queries (the inbox's tabs): each keeps its rows sorted and its unread count up to
/// date as notifications arrive and change state, like the built-in views, so switching to
/// a tab or drawing its count never walks the inbox.
extension Inbox {
    /// Replaces the saved queries; every held row is matched once (O(n)), later ones as they
    /// arrive or change state.
    public mutating func setQueries(_ list: [InboxQuery]) {
        queries = list
        queryMember = list.map { _ in [] }
        queryUnreadMember = list.map { _ in [] }
        queryUnread = list.map { _ in 0 }
        for q in list.indices {
            queryMember[q].reserveCapacity(count)
            queryUnreadMember[q].reserveCapacity(count)
        }
        for i in 0..<count { addQueryMembership(i, rowClass(at: i)) }
        for l in lists.indices where lists[l].key.query >= 0 {
            lists[l].dirty = true
            lists[l].pending = []
        }
    }

    /// Sets query `slot` (an index up to `queryCount`): a new last slot, a replacement, or
    /// with nil the removal of the last slot. Only that slot's rows are matched (O(n) once).
    public mutating func setQuery(_ query: InboxQuery?, at slot: Int) {
        precondition(slot <= queries.count, "query slot out of range")
        for l in lists.indices where lists[l].key.query >= Int32(slot) {
            lists[l].dirty = true
            lists[l].pending = []
        }
        guard let query else {
            guard slot == queries.count - 1 else { return }
            queries.removeLast()
            queryMember.removeLast()
            queryUnreadMember.removeLast()
            queryUnread.removeLast()
            return
        }
        if slot == queries.count {
            queries.append(query)
            queryMember.append([])
            queryUnreadMember.append([])
            queryUnread.append(0)
        } else {
            queries[slot] = query
        }
        var member = [Bool](repeating: false, count: count)
        var unreadMember = [Bool](repeating: false, count: count)
        var unread = 0
        for i in 0..<count {
            var n: Notification?
            let c = rowClass(at: i)
            member[i] = matches(query, i, c, &n)
            unreadMember[i] = c == .unread ? member[i] : matches(query, i, .unread, &n)
            if c == .unread && unreadMember[i] { unread += 1 }
        }
        queryMember[slot] = member
        queryUnreadMember[slot] = unreadMember
        queryUnread[slot] = unread
    }

    /// How many query slots are set.
    public var queryCount: Int { queries.count }

    /// How many unread rows saved query `q` holds.
    public func unreadCount(query q: Int) -> Int { queryUnread[q] }

    /// The rows of saved query `q`, limited to `kind`, newest first (kept sorted like the views').
    public mutating func rows(query q: Int, kind: Kind?) -> RowList {
        let key = ListKey(state: nil, kind: kind, query: Int32(q))
        let l: Int
        if let existing = listIndex[key] {
            l = existing
        } else {
            l = lists.count
            lists.append(SortedList(key: key, dirty: true))
            listIndex[key] = l
        }
        settle(l)
        return lists[l].rows
    }

    func facts(_ index: Int, _ c: RowClass) -> InboxQuery.Facts {
        InboxQuery.Facts(rowClass: c, tagged: labelsAt[Int32(truncatingIfNeeded: index)] != nil)
    }

    /// Whether `query` selects the row at `index` in class `c`: from the stored bytes when
    /// they decide, else from the unpacked notification (unpacked once, into `n`).
    func matches(_ query: InboxQuery, _ index: Int, _ c: RowClass, _ n: inout Notification?) -> Bool {
        let f = facts(index, c)
        let key = keys[index]
        let kind = self.kind(at: index)
        let packed = withSearchText(at: index) { title, actor, body in
            query.matches(packed: InboxQuery.PackedRow(title: title, actor: actor, body: body, kind: kind, createdAtMs: key.ms), f)
        }
        if let packed { return packed }
        if n == nil { n = notification(at: index) }
        return query.matches(n!, f)
    }

    /// Matches a new row (storage index `index`, class `c`) against every saved query.
    mutating func addQueryMembership(_ index: Int, _ c: RowClass) {
        var n: Notification?
        for q in queries.indices {
            let member = matches(queries[q], index, c, &n)
            let unread = c == .unread ? member : matches(queries[q], index, .unread, &n)
            queryMember[q].append(member)
            queryUnreadMember[q].append(unread)
            if unread && c == .unread { queryUnread[q] += 1 }
        }
    }

    /// Matches a row again after its class changed (a query naming no state keeps its answer).
    mutating func moveQueryMembership(_ index: Int, from old: RowClass, to new: RowClass) {
        var n: Notification?
        for q in queries.indices {
            if queryUnreadMember[q][index] {
                if old == .unread { queryUnread[q] -= 1 }
                if new == .unread { queryUnread[q] += 1 }
            }
            guard !queries[q].isStateFree else { continue }
            queryMember[q][index] = matches(queries[q], index, new, &n)
        }
    }
}
