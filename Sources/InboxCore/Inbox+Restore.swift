/// An inbox rebuilt from its parts as a snapshot holds them (`SnapshotCodec`): the packed
/// text and the per-row arrays taken as they are, only the id table and the counts made
/// again, the sorted lists left to be built when first asked for.
extension Inbox {
    /// The per-row parts of an inbox, by storage index.
    struct Rows {
        /// The packed text, its entries checked (`PackedEntry.check`).
        var store: NotificationStore
        var states: [ReadState]
        var kindOrdinals: [UInt32]
        var kindTable: [Kind]
        var keys: [OrderKey]
        var topicNames: [String]
        var signatures: [SearchSignature.Bits]
        var malformedCount: Int
    }

    /// The inbox of `rows` (checked by the caller: ordinals within their tables, as many
    /// of every array as of notifications, no name twice in a table). Every row that is not
    /// unread counts as decided. Throws when two rows have the same id.
    init(restoring rows: Rows) throws(SnapshotError) {
        self.init()
        let n = rows.keys.count
        storage = rows.store
        let store = storage
        let hashes = (0..<n).map { i in store.withID(at: i) { IDIndex.hash($0) } }
        let built = IDIndex.build(hashes: hashes) { j, i in
            store.withID(at: j) { held in store.withID(at: i) { IDIndex.matches(held, String(decoding: $0, as: UTF8.self)) } }
        }
        guard let built else { throw .malformed("duplicate id") }
        ids = built
        stateAt = rows.states
        // As a snoozed row's receipt gives it before its end is known (the triage section's).
        for i in 0..<n where stateAt[i] == .snoozed { snoozeUntil[Int32(truncatingIfNeeded: i)] = 0 }
        flags = rows.states.map { $0 == .unread ? 0 : Flag.decided }
        kindOrdinals = rows.kindOrdinals
        kindTable = rows.kindTable
        for (o, k) in kindTable.enumerated() { kindIndex[k] = UInt32(o) }
        keys = rows.keys
        topicNames = rows.topicNames
        for (o, t) in topicNames.enumerated() { topicOrdinals[t] = Int32(o) }
        signatures = rows.signatures
        // Counted per kind ordinal and class, then added per kind (no hashing per row).
        var perKind = [[Int]](repeating: [Int](repeating: 0, count: RowClass.allCases.count), count: kindTable.count)
        for i in 0..<n { perKind[Int(kindOrdinals[i])][RowClass(stateAt[i], muted: false).rawValue] += 1 }
        for (o, classes) in perKind.enumerated() {
            for c in RowClass.allCases where classes[c.rawValue] > 0 { counts.add(c, kind: kindTable[o], classes[c.rawValue]) }
        }
        malformedCount = rows.malformedCount
        lists[0].dirty = true
    }
}
