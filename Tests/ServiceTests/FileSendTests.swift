import Foundation
import InboxCore
import InboxService
import InboxSystem
import KafkaKit
import Testing

/// `send --file` as a stream: lines read in chunks from a pipe, complete lines published as
/// they are, the rest normalised or reported, every delivery report checked.
@Suite(.serialized) struct FileSendTests {
    /// The notifications on alice's topics, read to the end.
    func onTopics(_ f: ServiceFixture) throws -> [InboxCore.Notification] {
        let reader = try f.settings.startReader(kinds: nil, notifications: true, receipts: false)
        defer { reader.close() }
        var all: [InboxCore.Notification] = []
        while !reader.caughtUp { all += reader.step(timeoutMs: 200).notifications.notifications }
        return all
    }

    /// A pipe whose write end a thread fills with `text`, then closes.
    func pipe(_ text: String) throws -> Int32 {
        var fds: [Int32] = [0, 0]
        #expect(Glibc.pipe(&fds) == 0)
        let bytes = Array(text.utf8)
        let writer = fds[1]
        Thread.detachNewThread {
            _ = try? Posix.writeAll(writer, bytes, call: "write")
            Posix.close(writer)
        }
        return fds[0]
    }

    @Test func aLongFileIsStreamedEveryLineDeliveredOnceAndBadLinesNamed() throws {
        let f = try ServiceFixture(partitions: 4)
        var lines: [String] = []
        for i in 0..<12_000 {
            let kind = ["group", "owner", "watching"][i % 3]
            lines.append(#"{"id":"v-\#(i)","kind":"\#(kind)","title":"title \#(i) — ünïcode","actor":"bob","created_at":"2026-11-30T10:00:00Z"}"#)
        }
        lines[10] = #"{"id":"epoch-1","kind":"owner","title":"epoch time","created_at":1764496800}"#   // normalised
        lines[20] = #"{"kind":"owner","title":"no id, no time"}"#                                         // filled in
        lines[30] = "not json"
        lines[40] = #"{"id":"b-1","kind":"owner"}"#                                                       // no title or body
        lines[50] = #"{"id":"crlf","kind":"owner","title":"windows"}"# + "\r"
        lines[60] = "   "
        let fd = try pipe(lines.joined(separator: "\n"))
        defer { Posix.close(fd) }
        let sender = try NotificationFileSender(settings: f.settings, defaultKind: nil)
        var bad: [Int] = []
        sender.onBadLine = { number, _ in bad.append(number) }
        let outcome = try sender.send(fd: fd, name: "stdin")
        #expect(bad == [31, 41], "line numbers count from 1, blank lines included")
        #expect(outcome.badLines == 2 && outcome.failed == 0 && outcome.delivered == 11_997)
        let got = try onTopics(f)
        #expect(got.count == 11_997 && Set(got.map(\.id)).count == 11_997, "each delivered once")
        let byID = Dictionary(got.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID["v-8"]?.title == "title 8 — ünïcode" && byID["v-8"]?.kind == .watching && byID["v-8"]?.actor == "bob")
        #expect(byID["epoch-1"]?.createdAtMs == 1_764_496_800_000, "an epoch time is read")
        #expect(byID["crlf"]?.title == "windows")
        let filled = got.first { $0.title == "no id, no time" }
        #expect(filled?.id.count == 26 && filled?.user == "alice" && (filled?.createdAtMs ?? 0) > 1_764_496_800_000)
    }

    @Test func aFatalProducerErrorMidStreamLosesAndDuplicatesNothing() throws {
        let f = try ServiceFixture(partitions: 2)
        let engine = try DeliveryEngine(settings: f.settings)
        let topic = f.settings.layout.topic(user: "alice", kind: .owner)
        var i = 0
        var results: [Int: String?] = [:]
        let count = engine.stream(window: 200, next: { () -> OutgoingMessage? in
            guard i < 3_000 else { return nil }
            if i == 1_500 { engine.raiseFatalErrorForTesting() }
            i += 1
            return OutgoingMessage(topic: topic, key: Array("s-\(i)".utf8), value: Array(#"{"id":"s-\#(i)","title":"t"}"#.utf8))
        }, done: { index, why, _ in
            #expect(results[index] == nil, "one report per message")
            results[index] = why
        })
        #expect(count == 3_000 && engine.restarts == 1)
        #expect(results.count == 3_000 && results.values.allSatisfy { $0 == nil })
        let got = try onTopics(f)
        #expect(got.count == 3_000 && Set(got.map(\.id)).count == 3_000)
    }

    @Test func anEmptyOrBlankFileSendsNothing() throws {
        let f = try ServiceFixture(partitions: 1)
        for text in ["", "\n\n  \r\n"] {
            let fd = try pipe(text)
            defer { Posix.close(fd) }
            let outcome = try NotificationFileSender(settings: f.settings, defaultKind: .owner).send(fd: fd, name: "stdin")
            #expect(outcome.sent == 0 && outcome.badLines == 0)
        }
        #expect(try DeliveryEngine(settings: f.settings).deliver([]).isEmpty)
    }

    @Test func linesAreSplitAcrossChunksWithCRLFAndAFinalLineWithoutNewline() throws {
        let text = "short\r\n\n" + String(repeating: "x", count: 50) + "\nlast"
        let fd = try pipe(text)
        defer { Posix.close(fd) }
        var reader = LineReader(fd: fd, name: "pipe", chunk: 16)
        defer { reader.close() }
        var got: [String] = []
        var numbers: [Int] = []
        try reader.forEachLine { (line, number) throws(Never) -> Bool in
            got.append(String(decoding: line, as: UTF8.self))
            numbers.append(number)
            return true
        }
        #expect(got == ["short", "", String(repeating: "x", count: 50), "last"])
        #expect(numbers == [1, 2, 3, 4])
    }
}
