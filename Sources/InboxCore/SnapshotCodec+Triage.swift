/// Section 5 of a snapshot, triage: the rows that are muted, back from a snooze or snoozed
/// (storage index, flag bits: muted, back from a snooze, decided; snooze end or 0), the snooze ends of ids not held, and the
/// mutes (id, scope name and value, end or -1).
extension SnapshotCodec {
    /// What section 5 holds, applied after the notifications are restored.
    struct TriageSection {
        var rows: [(index: Int, flags: UInt8, untilMs: Int64)] = []
        var orphanSnoozes: [(String, Int64)] = []
        var mutes: [Mute] = []

        func apply(to inbox: inout Inbox) throws(SnapshotError) {
            for row in rows {
                guard row.index < inbox.count else { throw .malformed("triage row \(row.index) of \(inbox.count)") }
                inbox.setMuted(row.flags & Inbox.Flag.muted != 0, at: row.index)
                inbox.flags[row.index] |= row.flags & (Inbox.Flag.wasSnoozed | Inbox.Flag.decided)
                if inbox.state(at: row.index) == .snoozed {
                    inbox.snoozeUntil[Int32(truncatingIfNeeded: row.index)] = row.untilMs
                }
            }
            for (id, until) in orphanSnoozes { inbox.setState(.snoozed, for: id, untilMs: until) }
            for m in mutes { inbox.mutes.add(m) }
        }
    }

    static func encodeTriage(_ inbox: Inbox, into w: inout ByteWriter) {
        let keep = Inbox.Flag.muted | Inbox.Flag.wasSnoozed | Inbox.Flag.decided
        let rows = (0..<inbox.count).filter { inbox.flags[$0] & keep != 0 || inbox.state(at: $0) == .snoozed }
        let orphans = inbox.orphanSnoozes.sorted { $0.key < $1.key }
        let mutes = inbox.mutes.byID.values.sorted { $0.id < $1.id }
        guard !rows.isEmpty || !orphans.isEmpty || !mutes.isEmpty else { return }
        w.section(.triage) { w in
            w.varint(UInt64(rows.count))
            for i in rows {
                w.varint(UInt64(i))
                w.byte(inbox.flags[i] & keep)
                w.signed(inbox.snoozedUntil(at: i) ?? 0)
            }
            w.varint(UInt64(orphans.count))
            for (id, until) in orphans {
                w.string(id)
                w.signed(until)
            }
            w.varint(UInt64(mutes.count))
            for m in mutes {
                w.string(m.id)
                w.string(m.scope?.name ?? "")
                w.string(m.scope?.value ?? "")
                w.signed(m.untilMs ?? -1)
            }
        }
    }

    static func decodeTriage(_ r: inout ByteReader) throws(SnapshotError) -> TriageSection {
        var t = TriageSection()
        let rowCount = try r.count(minBytes: 3)
        // Sized once: grown by doubling, 300,000 rows were copied (and faulted in) four times over.
        t.rows.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            let index = try r.varint()
            guard index < UInt64(Int32.max) else { throw .malformed("triage row \(index)") }
            t.rows.append((Int(index), try r.byte(), try r.signed()))
        }
        for _ in 0..<(try r.count(minBytes: 2)) { t.orphanSnoozes.append((try r.string(), try r.signed())) }
        for _ in 0..<(try r.count(minBytes: 4)) {
            let id = try r.string()
            let name = try r.string()
            let value = try r.string()
            let until = try r.signed()
            // A scope this version cannot read is left out, not a reason to drop the snapshot.
            if let scope = MuteScope(name: name, value: value) { t.mutes.append(Mute(id: id, scope: scope, untilMs: until < 0 ? nil : until)) }
        }
        return t
    }
}
