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
        var toMatch: [Int] = []
        for q in list.indices {
            if let known = restoredQueries[list[q].text], known.member.count == count, known.unreadMember.count == count {
                // The snapshot's membership for the same query over the same rows.
                queryMember[q] = known.member
                queryUnreadMember[q] = known.unreadMember
                queryUnread[q] = known.unread
            } else {
                queryMember[q].reserveCapacity(count)
                queryUnreadMember[q].reserveCapacity(count)
                toMatch.append(q)
            }
        }
        restoredQueries = [:]
        if !toMatch.isEmpty {
            for i in 0..<count { addQueryMembership(i, rowClass(at: i), only: toMatch) }
        }
        dropQueryLists(from: 0)
    }

    /// Forgets the sorted lists of query slots `from` and above (rebuilt when next asked for),
    /// so that no list outlives the membership it is kept by.
    mutating func dropQueryLists(from slot: Int) {
        guard lists.contains(where: { $0.key.query >= Int32(slot) }) else { return }
        lists.removeAll { $0.key.query >= Int32(slot) }
        listIndex = Dictionary(uniqueKeysWithValues: lists.enumerated().map { ($0.element.key, $0.offset) })
    }

    /// Sets query `slot` (an index up to `queryCount`): a new last slot, a replacement, or
    /// with nil the removal of the last slot. Only that slot's rows are matched (O(n) once).
    public mutating func setQuery(_ query: InboxQuery?, at slot: Int) {
        precondition(slot <= queries.count, "query slot out of range")
        dropQueryLists(from: slot)
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
        rows(of: ListKey(state: nil, kind: kind, query: Int32(q)))
    }

    func facts(_ index: Int, _ c: RowClass) -> InboxQuery.Facts {
        InboxQuery.Facts(rowClass: c, tagged: !labelsAt.isEmpty && labelsAt[Int32(truncatingIfNeeded: index)] != nil)
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
    /// (Called for every notification taken: no allocation, and a query naming no state is
    /// asked once.)
    mutating func addQueryMembership(_ index: Int, _ c: RowClass, only: [Int]? = nil) {
        // What `matches` reads, read here field by field: calling a method of self from this
        // mutating one copied the whole inbox (every array retained and released) per call.
        let tagged = !labelsAt.isEmpty && labelsAt[Int32(truncatingIfNeeded: index)] != nil
        let kind = kindTable[Int(kindOrdinals[index])]
        let key = keys[index]
        var n: Notification?
        for i in 0..<(only?.count ?? queries.count) {
            let q = only?[i] ?? i
            let query = queries[q]
            // Asked in the row's class, and as unread unless that is the same answer.
            let asks = c == .unread || query.isStateFree ? 1 : 2
            var member = false
            var unread = false
            for slot in 0..<asks {
                let f = InboxQuery.Facts(rowClass: slot == 0 ? c : .unread, tagged: tagged)
                var answer = storage.withSearchText(at: index) { title, actor, body in
                    query.matches(packed: InboxQuery.PackedRow(title: title, actor: actor, body: body, kind: kind, createdAtMs: key.ms), f)
                }
                if answer == nil {
                    if n == nil {
                        let source = SourcePosition(topic: topicNames[Int(key.topic)], partition: key.partition, offset: key.offset)
                        n = storage.notification(at: index, kind: kind, createdAtMs: key.ms, source: source)
                    }
                    answer = query.matches(n!, f)
                }
                if slot == 0 { member = answer! } else { unread = answer! }
            }
            if asks == 1 { unread = member }
            queryMember[q].append(member)
            queryUnreadMember[q].append(unread)
            if unread && c == .unread { queryUnread[q] += 1 }
        }
    }

    /// Matches a row again after a rule gave it a label (only queries that name `is:tagged`
    /// can change; their lists are rebuilt when next asked for).
    mutating func rematchTagged(_ index: Int) {
        var n: Notification?
        let c = rowClass(at: index)
        for q in queries.indices where queries[q].namesTags {
            let member = matches(queries[q], index, c, &n)
            let unread = matches(queries[q], index, .unread, &n)
            if unread != queryUnreadMember[q][index], c == .unread { queryUnread[q] += unread ? 1 : -1 }
            queryUnreadMember[q][index] = unread
            if member != queryMember[q][index] {
                queryMember[q][index] = member
                for l in lists.indices where lists[l].key.query == Int32(q) { lists[l].dirty = true; lists[l].pending = [] }
            }
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
