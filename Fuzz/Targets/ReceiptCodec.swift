import InboxCore

/// Receipts and the other events on the receipts topic (read, unread, acknowledged,
/// snoozed, action, mute, unmute) on any message value: decoding never traps, and what
/// decodes re-encodes to a value that decodes to the same event and encodes to the same
/// bytes again (a fixed point), with a key for both topic layouts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let receipt = ReceiptCodec.decode(UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    let encoded = ReceiptCodec.encode(receipt)
    guard let again = ReceiptCodec.decode(encoded) else {
        fatalError("\(receipt) encodes to \(String(decoding: encoded, as: UTF8.self)), which does not decode")
    }
    require(again == receipt, "round trip changed \(receipt) into \(again)")
    require(ReceiptCodec.encode(again) == encoded, "encoding is not stable")
    var shared = TopicLayout()
    shared.receiptsTemplate = "inbox.receipts"
    _ = ReceiptCodec.key(receipt, layout: TopicLayout())
    _ = ReceiptCodec.key(receipt, layout: shared)
    return 0
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
