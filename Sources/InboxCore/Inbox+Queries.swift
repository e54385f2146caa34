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

    /// Matches a new row (storage index `index`, class `c`) against every saved query.
    mutating func addQueryMembership(_ index: Int, _ c: RowClass) {
        let n = notification(at: index)
        for q in queries.indices {
            let member = queries[q].matches(n, facts(index, c))
            let unread = c == .unread ? member : queries[q].matches(n, facts(index, .unread))
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
            if n == nil { n = notification(at: index) }
            queryMember[q][index] = queries[q].matches(n!, facts(index, new))
        }
    }
}
