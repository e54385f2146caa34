import Testing
@testable import InboxCore

/// A snapshot's entries are checked even when its checksum holds (a file written by a bug, or
/// by someone else): an all-ASCII chunk by its structure, any other by every string's UTF-8.
struct SnapshotEntryCheckTests {
    private func snapshot(title: String) -> [UInt8] {
        var inbox = Inbox()
        for i in 0..<50 {
            inbox.insert(Notification(id: "n-\(i)", kind: .owner, title: i == 7 ? title : "plain \(i)", createdAtMs: Int64(i),
                                      source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: Int64(i))))
        }
        return SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)
    }

    /// `bytes` with every occurrence of `old` replaced by `new` (same length), the checksum made valid again.
    private func patched(_ bytes: [UInt8], _ old: [UInt8], _ new: [UInt8]) -> [UInt8] {
        var payload = Array(bytes[SnapshotCodec.headerSize...])
        var found = 0
        var i = 0
        while i + old.count <= payload.count {
            if Array(payload[i..<i + old.count]) == old {
                payload.replaceSubrange(i..<i + old.count, with: new)
                found += 1
            }
            i += 1
        }
        #expect(found > 0)
        return SnapshotCodecTests().sealed(payload)
    }

    @Test func aChunkWithBytesThatAreNotUTF8IsRefused() {
        let bytes = patched(snapshot(title: "marker-XY-title"), Array("XY".utf8), [0xFF, 0xC0])
        #expect(throws: SnapshotError.self) { try SnapshotCodec.decode(bytes) }
    }

    @Test func aChunkWithOtherUTF8ReadsBackAsWritten() throws {
        let bytes = patched(snapshot(title: "marker-XY-title"), Array("XY".utf8), Array("é".utf8))
        let restored = try SnapshotCodec.decode(bytes).inbox
        #expect(restored.count == 50)
        #expect(restored.notification(id: "n-7")?.title == "marker-é-title")
    }
}
