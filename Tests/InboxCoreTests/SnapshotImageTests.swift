import Testing
@testable import InboxCore

/// Section 6 (`image`): the inbox's arrays copied, not re-inserted. The earlier format
/// still opens; damage inside the image is an error or a usable inbox, never a crash.
struct SnapshotImageTests {
    let codec = SnapshotCodecTests()

    @Test func aSnapshotOfTheEarlierFormatStillOpensTheSame() throws {
        var inbox = SnapshotCodecTests.sampleInbox()
        inbox.setMuted(true, at: 1)
        let old = try SnapshotCodec.decode(LegacySnapshotWriter.encodeLegacy(SnapshotCodecTests.header, inbox: inbox))
        let new = try SnapshotCodec.decode(SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox))
        codec.expectSame(old.inbox, inbox)
        codec.expectSame(new.inbox, inbox)
        #expect(new.inbox.counts == inbox.counts, "mutes come back through the triage section")
    }

    @Test func aRestoredInboxTakesNewNotificationsAndReceiptsInOrder() throws {
        var inbox = Inbox()
        for i in 0..<3_000 {
            inbox.insert(Notification(id: "n-\(i)", kind: i % 2 == 0 ? .owner : .group, title: "t \(i)", actor: "bob",
                                      createdAtMs: Int64(i % 1000) * 1000,
                                      source: SourcePosition(topic: "notify.alice.owner", partition: Int32(i % 3), offset: Int64(i))))
            if i % 7 == 0 { inbox.setState(.read, for: "n-\(i)") }
        }
        var back = try SnapshotCodec.decode(SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)).inbox
        #expect(back.newestFirst() == inbox.newestFirst())
        #expect(back.index(ofID: "n-2999") == inbox.index(ofID: "n-2999"), "the id table is rebuilt")
        back.insert(Notification(id: "later", kind: .owner, title: "new", createdAtMs: 999_500,
                                 source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 5_000)))
        let duplicate = back.insert(Notification(id: "n-5", kind: .owner, title: "dup", createdAtMs: 0,
                                                 source: SourcePosition(topic: "t", partition: 0, offset: 1)))
        #expect(!duplicate, "ids held are known")
        back.setState(.read, for: "later")
        #expect(back.state(of: "later") == .read && back.count == 3_001)
        #expect(back.counts.count(.unread) == inbox.counts.count(.unread))
        #expect(back.newestFirst().first == back.index(ofID: "later"))
    }

    @Test func damageInsideTheImageIsAnErrorOrAUsableInboxNeverACrash() throws {
        var inbox = SnapshotCodecTests.sampleInbox()
        for i in 0..<40 {
            inbox.insert(Notification(id: "x\(i)", kind: .owner, title: "title \(i)", body: i % 2 == 0 ? "b" : nil,
                                      createdAtMs: Int64(i), extra: i % 3 == 0 ? [ExtraField(key: "k", value: "v")] : [],
                                      source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: Int64(100 + i))))
        }
        let good = SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)
        var outcomes = (errors: 0, opened: 0)
        for position in stride(from: SnapshotCodec.headerSize, to: good.count, by: 3) {
            for value: UInt8 in [0x00, 0xFF, 0x7F, good[position] ^ 0x10] {
                var bad = good
                bad[position] = value
                // The checksum made to match, as a bug (not a bit flip on disk) would leave it.
                let sum = bad.withUnsafeBytes { XXHash64.hash(UnsafeRawBufferPointer(rebasing: $0[SnapshotCodec.headerSize...])) }
                withUnsafeBytes(of: sum.littleEndian) { for k in 0..<8 { bad[24 + k] = $0[k] } }
                do {
                    var opened = try SnapshotCodec.decode(bad).inbox
                    for i in 0..<opened.count { _ = opened.notification(at: i); _ = opened.state(at: i) }
                    _ = opened.newestFirst()
                    _ = opened.indices(in: .unread)
                    outcomes.opened += 1
                } catch {
                    outcomes.errors += 1
                }
            }
        }
        #expect(outcomes.errors > 0 && outcomes.opened > 0)
    }

    @Test func canonicallyEquivalentIdsAreOneIdBeforeAndAfterARestore() throws {
        var inbox = Inbox()
        inbox.insert(Notification(id: "caf\u{E9}", kind: .owner, title: "t", createdAtMs: 1,
                                  source: SourcePosition(topic: "t", partition: 0, offset: 0)))
        inbox.insert(Notification(id: "K-1", kind: .owner, title: "t", createdAtMs: 2,
                                  source: SourcePosition(topic: "t", partition: 0, offset: 1)))
        let back = try SnapshotCodec.decode(SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)).inbox
        for held in [inbox, back] {
            #expect(held.index(ofID: "cafe\u{301}") == 0, "a decomposed é is the same id")
            #expect(held.index(ofID: "\u{212A}-1") == 1, "the Kelvin sign is K")
            #expect(held.index(ofID: "cafe") == nil)
        }
    }

    @Test func savedViewsMembershipComesBackWithTheSnapshot() throws {
        var inbox = Inbox()
        for i in 0..<500 {
            inbox.insert(Notification(id: "n-\(i)", kind: i % 3 == 0 ? .watching : .owner, title: "t \(i)",
                                      actor: i % 4 == 0 ? "grace" : "bob", createdAtMs: Int64(i),
                                      source: SourcePosition(topic: "t", partition: 0, offset: Int64(i))))
            if i % 5 == 0 { inbox.setState(.read, for: "n-\(i)") }
        }
        let views = [try InboxQuery("from:grace -kind:watching"), try InboxQuery("is:unread")]
        inbox.setQueries(views)
        var back = try SnapshotCodec.decode(SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)).inbox
        #expect(back.restoredQueries.count == 2)
        back.setQueries(views)
        #expect(back.restoredQueries.isEmpty)
        #expect(back.queryMember == inbox.queryMember && back.queryUnreadMember == inbox.queryUnreadMember)
        #expect(back.queryUnread == inbox.queryUnread)
        var other = try SnapshotCodec.decode(SnapshotCodec.encode(SnapshotCodecTests.header, inbox: inbox)).inbox
        other.setQueries([try InboxQuery("from:bob")])  // another view: matched again
        #expect(other.queryUnread[0] == (0..<500).filter { $0 % 4 != 0 && $0 % 5 != 0 }.count)
    }
}
