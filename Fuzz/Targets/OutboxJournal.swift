// fuzz-sources: Sources/InboxService/OutboxRecord.swift
import InboxCore

/// The outbox journal reader on any journal file: folding never traps; every line that
/// parses as a record writes back to a line that parses to the same record; and folding
/// the journal in two pieces (as a reader following a writer does, the first piece not
/// final) gives the same pending receipts, record count and damaged lines as folding it
/// whole. The first byte picks where the journal is cut.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = OutboxContents(bytes: bytes)
    require(whole.pendingCount == whole.pending.count, "pendingCount \(whole.pendingCount) != \(whole.pending.count)")
    for line in bytes.split(separator: 0x0A) {
        guard let record = OutboxRecord.parse(line) else { continue }
        let written = record.line
        require(written.last == 0x0A, "a record line without its newline")
        require(OutboxRecord.parse(written.dropLast()) == record, "\(record) does not read back")
    }
    let cut = size == 0 ? 0 : Int(bytes[0]) * size / 256
    var pieces = OutboxContents()
    let used = pieces.fold(bytes[..<cut], final: false)
    require(used <= cut, "fold used more than it was given")
    _ = pieces.fold(bytes[used...], final: true)
    require(pieces.pending == whole.pending && pieces.records == whole.records
                 && pieces.damaged.map(Array.init) == whole.damaged.map(Array.init)
                 && pieces.pendingCount == whole.pendingCount, "folding in pieces differs from folding whole")
    return 0
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
