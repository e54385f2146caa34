@testable import InboxCore

/// The snapshot codec on any file contents: decoding never traps (damage is a
/// `SnapshotError`), the cheap header-only read agrees with the full read, and a snapshot
/// that decodes re-encodes to bytes that decode to the same header and inbox and encode to
/// the same bytes again. So that mutations get past the checksum, each input is also tried
/// with its header's length and checksum recomputed (when it is at least a header long).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    guard bytes.count >= SnapshotCodec.headerSize else { return 0 }
    let payload = bytes.count - SnapshotCodec.headerSize
    let sum = bytes.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[SnapshotCodec.headerSize...])) }
    for i in 0..<8 {
        bytes[16 + i] = UInt8(truncatingIfNeeded: UInt64(payload) >> (8 * UInt64(i)))
        bytes[24 + i] = UInt8(truncatingIfNeeded: sum >> (8 * UInt64(i)))
    }
    check(bytes)
    return 0
}

private func check(_ bytes: [UInt8]) {
    let header = try? bytes.withUnsafeBytes { b throws(SnapshotError) in try SnapshotCodec.decodeHeader(b) }
    guard let snapshot = try? SnapshotCodec.decode(bytes) else { return }
    require(header == snapshot.header, "the header-only read differs from the full read")
    let encoded = SnapshotCodec.encode(snapshot.header, inbox: snapshot.inbox)
    let again: InboxSnapshot
    do {
        again = try SnapshotCodec.decode(encoded)
    } catch {
        fatalError("a decoded snapshot re-encodes to bytes that do not decode: \(error)")
    }
    require(again.header == snapshot.header, "the header changed in a round trip")
    require(again.inbox.count == snapshot.inbox.count, "the inbox changed size in a round trip")
    for i in 0..<again.inbox.count {
        require(again.inbox.notification(at: i) == snapshot.inbox.notification(at: i)
                     && again.inbox.state(at: i) == snapshot.inbox.state(at: i), "row \(i) changed in a round trip")
    }
    require(SnapshotCodec.encode(again.header, inbox: again.inbox) == encoded, "encoding is not stable")
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
