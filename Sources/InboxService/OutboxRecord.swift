import Foundation
import InboxCore

/// One line of the outbox journal (JSON lines, written by `Outbox` only):
///
///     {"op":"add","receipt":{…the receipt exactly as it goes on the receipts topic…}}
///     {"op":"done","ids":["<receipt_id>",…]}
///
/// Anything else (a line torn by `kill -9` or a full disk, garbage) is damaged.
public enum OutboxRecord: Equatable, Sendable {
    /// A receipt to deliver.
    case add(Receipt)
    /// Receipts confirmed by a delivery report (or found on the receipts topic).
    case done([String])

    private static let addPrefix = Array(#"{"op":"add","receipt":"#.utf8)
    private static let donePrefix = Array(#"{"op":"done","ids":"#.utf8)

    /// The line for this record, newline included.
    var line: [UInt8] {
        switch self {
        case .add(let r):
            var bytes: [UInt8] = []
            Self.appendAddLine(value: ReceiptCodec.encode(r), to: &bytes)
            return bytes
        case .done(let ids):
            var w = JSONWriter(capacity: 32 + ids.count * 30)
            w.beginArray()
            for id in ids { w.string(id) }
            w.endArray()
            return Self.donePrefix + w.bytes + Array("}\n".utf8)
        }
    }

    /// Appends the add line of a receipt whose encoding (`ReceiptCodec.encode`, what goes
    /// on the receipts topic) is `value`, newline included.
    static func appendAddLine(value: [UInt8], to bytes: inout [UInt8]) {
        bytes += addPrefix
        bytes += value
        bytes.append(UInt8(ascii: "}"))
        bytes.append(0x0A)
    }

    /// Parses one line (without its newline); nil when the line is damaged.
    static func parse(_ line: ArraySlice<UInt8>) -> OutboxRecord? {
        guard line.last == UInt8(ascii: "}") else { return nil }
        if line.starts(with: addPrefix) {
            let inner = Array(line[(line.startIndex + addPrefix.count)..<(line.endIndex - 1)])
            guard let r = ReceiptCodec.decode(inner), !r.receiptID.isEmpty, !r.user.isEmpty else { return nil }
            return .add(r)
        }
        if line.starts(with: donePrefix) {
            let inner = Data(line[(line.startIndex + donePrefix.count)..<(line.endIndex - 1)])
            guard let ids = (try? JSONSerialization.jsonObject(with: inner)) as? [String], !ids.isEmpty else { return nil }
            return .done(ids)
        }
        return nil
    }
}

/// What a journal holds once read: the pending receipts in the order they were added,
/// and how many lines were damaged.
public struct OutboxContents: Sendable {
    /// Receipts still to deliver, oldest first: per notification only the latest added
    /// one (an older one is superseded, since the latest receipt of an id is its state),
    /// and only when no done record names it.
    var pending: [Receipt] {
        latest.values.filter { !done.contains($0.receipt.receiptID) }.sorted { $0.seq < $1.seq }.map(\.receipt)
    }
    /// Lines that could not be parsed.
    var damaged: [ArraySlice<UInt8>] = []
    /// Records read (valid lines).
    var records = 0
    /// How many receipts are pending (kept as records are folded: no walk per question).
    private(set) var pendingCount = 0
    private var latest: [String: (seq: Int, receipt: Receipt)] = [:]
    /// How many latest receipts carry each receipt id: one, unless the journal repeats an id
    /// for another notification (damage, or a hand edit), and a done record then clears all.
    private var latestCount: [String: Int] = [:]
    private var done = Set<String>()
    private var seq = 0

    /// Nothing read yet.
    init() {}

    /// Folds a whole journal (a last line without its newline counts).
    init(bytes: [UInt8]) {
        _ = fold(bytes[...], final: true)
    }

    /// Folds more of the journal, appended after what was folded before; returns how many
    /// bytes it used. Unless `final`, a last line without its newline is left for later (a
    /// writer may be in the middle of it).
    mutating func fold(_ bytes: ArraySlice<UInt8>, final: Bool) -> Int {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            guard let newline = bytes[start...].firstIndex(of: 0x0A) else {
                if final { take(bytes[start...]) }
                return (final ? bytes.endIndex : start) - bytes.startIndex
            }
            take(bytes[start..<newline])
            start = newline + 1
        }
        return bytes.count
    }

    private mutating func take(_ line: ArraySlice<UInt8>) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return }
        guard let record = OutboxRecord.parse(line) else { return damaged.append(line) }
        apply(record)
    }

    /// Makes room for `count` more receipts (a bulk action appends thousands at once).
    mutating func reserve(_ count: Int) {
        latest.reserveCapacity(latest.count + count)
        latestCount.reserveCapacity(latestCount.count + count)
    }

    /// Folds a record this process has just appended (no need to read it back).
    mutating func apply(_ record: OutboxRecord) {
        switch record {
        case .add(let r):
            // One lookup for the subject (the old receipt comes back), none in an empty done set.
            if let old = latest.updateValue((seq, r), forKey: r.subject) {
                let id = old.receipt.receiptID
                latestCount[id] = latestCount[id].flatMap { $0 > 1 ? $0 - 1 : nil }
                if done.isEmpty || !done.contains(id) { pendingCount -= 1 }  // superseded
            }
            latestCount[r.receiptID, default: 0] += 1
            if done.isEmpty || !done.contains(r.receiptID) { pendingCount += 1 }
            seq += 1
            records += 1
        case .done(let ids):
            done.reserveCapacity(done.count + ids.count)
            for id in ids where done.insert(id).inserted { pendingCount -= latestCount[id] ?? 0 }
            records += 1
        }
    }

    /// Whether rewriting the journal as only its pending adds would drop anything.
    var needsCompaction: Bool { records != pendingCount || !damaged.isEmpty }

    /// Whether most of the journal is obsolete (done or superseded): compacting then costs
    /// at most about as much as has been appended since the last compaction, so the work
    /// stays linear in the receipts made however many there are.
    var mostlyObsolete: Bool { !damaged.isEmpty || pendingCount * 2 < records }
}
