/// The sorted row lists of an inbox: every notification, and per view and kind as asked
/// for. Inserts are buffered and merged into a list when it is next asked for; a state
/// change moves one row between lists (binary search). Sorting compares a compact key per
/// notification, not the notifications themselves, so a view switch, a kind filter or a
/// mark never walks the whole inbox.
extension Inbox {
    /// Storage indices of every notification, newest first (by `createdAtMs`, then by
    /// source position, then arrival).
    public mutating func newestFirst() -> [Int] {
        Array(rows(in: .all, kind: nil))
    }

    /// Storage indices shown by `view`, limited to `kinds` (all kinds when nil), newest first.
    public mutating func indices(in view: InboxView, kinds: Set<Kind>? = nil) -> [Int] {
        guard let kinds else { return Array(rows(in: view, kind: nil)) }
        if kinds.count == 1, let kind = kinds.first { return Array(rows(in: view, kind: kind)) }
        return rows(in: view, kind: nil).filter { kinds.contains(kind(at: $0)) }
    }

    /// The rows of `view` limited to `kind` (every kind when nil), newest first. Cheap when
    /// the list is up to date (the list is shared, not copied); after inserts it merges them.
    public mutating func rows(in view: InboxView, kind: Kind?) -> RowList {
        rows(of: ListKey(state: view.rowClass, kind: kind))
    }

    /// The rows of the list of `key`, created (dirty, built on demand) when first asked for.
    mutating func rows(of key: ListKey) -> RowList {
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

    /// Whether the notification at storage index `a` sorts before the one at `b`, newest first
    /// (`isNewer(_:than:)` on the notifications, then the earlier arrival first).
    public func isNewer(_ a: Int, than b: Int) -> Bool {
        Self.newer(keys, topicNames, a, b)
    }

    /// Where storage index `index` is (or would be) in `rows`, a list of this inbox sorted newest first.
    public func position(of index: Int, in rows: RowList) -> (row: Int, found: Bool) {
        let keys = self.keys
        let names = topicNames
        let row = rows.partitionPoint { Self.newer(keys, names, $0, index) }
        return (row, row < rows.count && rows[row] == index)
    }

    /// Moves the row of storage index `index` (of `kind`) between the lists its state change
    /// takes it out of and into.
    mutating func moveRow(_ index: Int, kind: Kind, from old: RowClass, to state: RowClass) {
        guard old != state else { return }
        counts.add(old, kind: kind, -1)
        counts.add(state, kind: kind, 1)
        let oldMembers = queries.isEmpty ? [] : queryMember.map { $0[index] }
        if !queries.isEmpty { moveQueryMembership(index, from: old, to: state) }
        for l in lists.indices {
            let key = lists[l].key
            let wasIn = Self.holds(key, kind, old) && (key.query < 0 || oldMembers[Int(key.query)])
            let isIn = Self.holds(key, kind, state) && (key.query < 0 || queryMember[Int(key.query)][index])  // `holds`, without copying self
            guard wasIn != isIn, !lists[l].dirty else { continue }
            if lists[l].pending.count > Self.smallMerge {
                lists[l].dirty = true
                lists[l].pending = []
                continue
            }
            settle(l)
            let (row, found) = position(of: index, in: lists[l].rows)
            if wasIn {
                if found { lists[l].rows.remove(at: row) } else { lists[l].dirty = true }
            } else if !found {
                lists[l].rows.insert(index, at: row)
            }
        }
    }

    @inline(__always)
    static func newer(_ keys: [OrderKey], _ names: [String], _ a: Int, _ b: Int) -> Bool {
        let x = keys[a]
        let y = keys[b]
        if x.ms != y.ms { return x.ms > y.ms }
        if x.topic != y.topic { return names[Int(x.topic)] < names[Int(y.topic)] }
        if x.partition != y.partition { return x.partition < y.partition }
        if x.offset != y.offset { return x.offset > y.offset }
        return a < b
    }

    /// Whether the list of `key` holds the row at `index` (of `kind`, in class `state`).
    @inline(__always)
    func holds(_ key: ListKey, _ index: Int, _ kind: Kind, _ state: RowClass) -> Bool {
        Self.holds(key, kind, state) && (key.query < 0 || queryMember[Int(key.query)][index])
    }

    @inline(__always)
    static func holds(_ key: ListKey, _ kind: Kind, _ state: RowClass) -> Bool {
        (key.state == nil || key.state == state) && (key.kind == nil || key.kind == kind)
    }

    /// Brings list `l` up to date: rebuilds it from the full list when dirty, else merges
    /// its pending inserts.
    mutating func settle(_ l: Int) {
        if lists[l].dirty {
            if l != 0 { settle(0) }
            let key = lists[l].key
            var out: [Int32] = []
            if l == 0 {
                out = Array(0..<Int32(truncatingIfNeeded: count))
                sortNewestFirst(&out)
            } else {
                out = filtered(lists[0].rows, key)
            }
            lists[l].rows = RowList(int32: out)
            lists[l].pending = []
            lists[l].dirty = false
            return
        }
        guard !lists[l].pending.isEmpty else { return }
        var pending = lists[l].pending
        lists[l].pending = []
        sortNewestFirst(&pending)
        // Into the chunks they fall in: the cost of the batch, not of the list.
        let keys = self.keys
        let names = topicNames
        lists[l].rows.merge(sorted: pending) { Self.newer(keys, names, Int($0), Int($1)) }
    }

    /// The rows of `all` that list `key` holds, in order: kinds compared by their ordinal
    /// (not their text) and rows read a chunk at a time (at a million rows, what the first
    /// frame after opening a snapshot waits for).
    private func filtered(_ all: RowList, _ key: ListKey) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(key.state == nil ? all.count / 2 : all.count / 4)
        let kind: UInt32? = key.kind.map { kindIndex[$0] ?? UInt32.max }
        let member: [Bool]? = key.query >= 0 ? queryMember[Int(key.query)] : nil
        all.forEachChunk(from: 0) { _, chunk in
            for element in chunk {
                let index = Int(element)
                if let kind, kindOrdinals[index] != kind { continue }
                if let state = key.state, rowClass(at: index) != state { continue }
                if let member, !member[index] { continue }
                out.append(element)
            }
            return true
        }
        return out
    }

    private func sortNewestFirst(_ indices: inout [Int32]) {
        let keys = self.keys
        let names = topicNames
        indices.sort { Self.newer(keys, names, Int($0), Int($1)) }
    }
}
