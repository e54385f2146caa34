@testable import InboxCore

/// The notification decoder on any message value: it never traps, gives exactly one
/// notification, and its two forms agree. Decoding into a `Notification` and decoding
/// straight into the packed form the inbox stores (`PackedNotifications`) must give the
/// same notification field for field, the same id (and its hash), kind and malformed flag in the packed
/// item and the same search signature; an inbox that stores the packed entry gives it back
/// unchanged. The first byte picks the topic kind (none, owner, group, a custom one).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let topicKinds: [Kind?] = [nil, .owner, .group, Kind(rawValue: "review")]
    let topicKind = size > 0 ? topicKinds[Int(data[0]) % topicKinds.count] : nil
    let value = UnsafeRawBufferPointer(start: data, count: size)
    let source = SourcePosition(topic: "notify.alice.owner", partition: 2, offset: 41)
    let full = NotificationDecoder.decode(value, source: source, timestampMs: 1_700_000_000_000, topicKind: topicKind)
    var batch = PackedNotifications()
    NotificationDecoder.decode(value, source: source, timestampMs: 1_700_000_000_000, topicKind: topicKind, into: &batch)
    require(batch.count == 1, "one value gave \(batch.count) packed entries")
    let packed = batch.notification(at: 0)
    require(packed == full, "packed \(packed) != full \(full)")
    let item = batch.items[0]
    let id = batch.withID(0) { String(decoding: $0, as: UTF8.self) }
    require(id == full.id && item.hash == IDIndex.hash(full.id, seed: IDIndex.processSeed)
                 && item.kind == full.kind && item.isMalformed == full.isMalformed
                 && item.createdAtMs == full.createdAtMs && item.source == full.source, "packed item differs")
    require(batch.signature(0) == SearchSignature.of(title: full.title, actor: full.actor, body: full.body),
                 "search signature differs")
    require(!full.id.isEmpty, "empty id")
    // The inbox holds it: the stored copy unpacks to the same notification.
    var inbox = Inbox()
    require(inbox.insert(contentsOf: batch) == 1 && inbox.count == 1 && inbox.notification(at: 0) == full, "stored copy differs")
    return 0
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
