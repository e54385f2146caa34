import Foundation
import Testing

/// Fast restart: `list` and `count` resume from the local snapshot, see what was added
/// since, and rebuild (saying so in one line) when the snapshot does not match Kafka or
/// is damaged. The signal: `--verbose` says "resumed from snapshot: N notifications, read
/// M new messages".
@Suite(.serialized) struct SnapshotTests {
    /// A private state directory (snapshots, outbox) for one test.
    struct World {
        let env = ["XDG_STATE_HOME": NSTemporaryDirectory() + "kafka-inbox-snap-\(getpid())-\(UUID().uuidString)"]
        var b: String

        func inbox(_ arguments: [String], input: String? = nil) throws -> RunResult {
            var args = arguments
            args.insert(contentsOf: ["-b", b, "--user", "alice"], at: 1)
            let r = try Harness.inbox(args, input: input, environment: env)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            return r
        }

        func send(_ ids: [String], kind: String = "owner") throws {
            let lines = ids.map { #"{"id":"\#($0)","kind":"\#(kind)","title":"title of \#($0) ✓ 日本","actor":"bob"}"# }
            _ = try inbox(["send", "--file", "-"], input: lines.joined(separator: "\n"))
        }

        /// `list --all --json` as id → state, with the run.
        func list(_ extra: [String] = ["-v"]) throws -> (states: [String: String], run: RunResult) {
            let r = try inbox(["list", "--all", "--json"] + extra)
            var states: [String: String] = [:]
            for line in r.lines {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                states[o["id"] as! String] = o["state"] as? String
            }
            return (states, r)
        }

        func snapshotFile() throws -> String {
            let dir = env["XDG_STATE_HOME"]! + "/kafka-inbox"
            let name = try #require(try FileManager.default.contentsOfDirectory(atPath: dir)
                .first { $0.hasPrefix("snapshot-alice-") && $0.hasSuffix(".bin") }, "no snapshot in \(dir)")
            return dir + "/" + name
        }
    }

    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }

    @Test func listResumesFromTheSnapshotAndSeesWhatIsNew() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "2"])
        let w = World(b: broker.bootstrap)
        try w.send(["n-1", "n-2", "n-3"])
        _ = try w.inbox(["read", "n-1"])

        let first = try w.list()
        #expect(first.states == ["n-1": "read", "n-2": "unread", "n-3": "unread"])
        #expect(first.run.stderr.contains("read 4 messages from Kafka (no snapshot used)"), "\(first.run.stderr)")
        #expect(first.run.stderr.contains("snapshot written: 3 notifications"), "\(first.run.stderr)")

        let second = try w.list()
        #expect(second.states == first.states)
        #expect(second.run.stdout == first.run.stdout)
        #expect(second.run.stderr.contains("resumed from snapshot: 3 notifications, read 0 new messages"), "\(second.run.stderr)")

        // Added between runs: a notification, receipts for an old and the new one.
        try w.send(["n-4"], kind: "group")
        _ = try w.inbox(["ack", "n-2"])
        _ = try w.inbox(["read", "n-4"])
        _ = try w.inbox(["unread", "n-1"])
        let third = try w.list()
        #expect(third.states == ["n-1": "unread", "n-2": "acknowledged", "n-3": "unread", "n-4": "read"])
        #expect(third.run.stderr.contains("resumed from snapshot: 3 notifications, read 4 new messages"), "\(third.run.stderr)")
        // The same as reading everything.
        let full = try w.list(["--no-snapshot"])
        #expect(full.run.stdout == third.run.stdout)
        #expect(!full.run.stderr.contains("snapshot"), "\(full.run.stderr)")
        // count uses it too.
        let count = try w.inbox(["count", "-v"])
        #expect(count.stdout == "2\n")
        #expect(count.stderr.contains("resumed from snapshot: 4 notifications, read 0 new messages"), "\(count.stderr)")
    }

    @Test func aSnapshotFromAnotherBrokerIsRebuilt() throws {
        let port = Self.freePort()
        let w: World
        do {
            let old = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "1", "--port", "\(port)"])
            w = World(b: old.bootstrap)
            try w.send(["old-1", "old-2", "old-3"])
            _ = try w.inbox(["read", "old-1"])
            #expect(try w.list().states.count == 3)
        }
        // The same address, a new broker: topics recreated, high watermarks lower.
        let new = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "1", "--port", "\(port)"])
        #expect(new.bootstrap == w.b)
        try w.send(["new-1"])
        let rebuilt = try w.list()
        #expect(rebuilt.states == ["new-1": "unread"])
        let lines = rebuilt.run.stderr.split(separator: "\n").filter { $0.contains("does not match Kafka") }
        #expect(lines.count == 1 && lines[0].contains("rebuilding from Kafka"), "\(rebuilt.run.stderr)")
        #expect(rebuilt.run.stderr.contains("(topic recreated or truncated)") || rebuilt.run.stderr.contains("cluster id changed"))
        // The rebuilt snapshot is then used.
        let again = try w.list()
        #expect(again.states == ["new-1": "unread"])
        #expect(again.run.stderr.contains("resumed from snapshot: 1 notifications, read 0 new messages"), "\(again.run.stderr)")
    }

    @Test func aDamagedSnapshotIsReportedAndRebuilt() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "1"])
        let w = World(b: broker.bootstrap)
        try w.send(["n-1", "n-2"])
        _ = try w.inbox(["ack", "n-2"])
        let expected = ["n-1": "unread", "n-2": "acknowledged"]
        #expect(try w.list().states == expected)
        let path = try w.snapshotFile()
        let good = try Data(contentsOf: URL(fileURLWithPath: path))

        var flipped = good
        flipped[flipped.count / 2] ^= 0x01
        let damages: [(Data, String)] = [
            (flipped, "damaged (bad checksum)"),
            (good.prefix(good.count - 7), "truncated (short read)"),
            (Data("not a snapshot".utf8), "bad magic"),
            (Data(), "truncated"),
        ]
        for (bytes, why) in damages {
            try bytes.write(to: URL(fileURLWithPath: path))
            // Without --verbose: exactly one line, and the right answer.
            let r = try w.inbox(["list", "--all", "--json"])
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("is unusable: ") && lines[0].contains(why)
                    && lines[0].hasSuffix("rebuilding from Kafka"), "\(r.stderr)")
            #expect(r.lines.count == 2)
            // Rewritten: the next run resumes.
            let next = try w.list()
            #expect(next.states == expected)
            #expect(next.run.stderr.contains("resumed from snapshot: 2 notifications"), "\(next.run.stderr)")
        }
    }
    /// `list` writes the snapshot while it prints: a reader that stops reading (`| head`)
    /// ends the command quietly (exit 0) once the snapshot is written, with no temporary
    /// file left behind, and the next run resumes from it.
    @Test func listPipedIntoHeadStillWritesTheWholeSnapshot() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "2"])
        let w = World(b: broker.bootstrap)
        // About 1 MB of JSON lines: well past what a pipe holds, so writes fail after head ends.
        try w.send((0..<2500).map { "n-\($0)" })
        let bash = try #require(Harness.which("bash"))
        let script = "'\(Harness.binary)' list -b \(w.b) --user alice --all --json | head -c 10; exit ${PIPESTATUS[0]}"
        let r = try Harness.run(bash, ["-c", script], environment: w.env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix(#"{"id":"n-"#) && r.stdout.utf8.count == 10, "\(r.stdout)")
        let dir = w.env["XDG_STATE_HOME"]! + "/kafka-inbox"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(!files.contains { $0.contains(".tmp-") }, "\(files)")
        let next = try w.list()
        #expect(next.states.count == 2500)
        #expect(next.run.stderr.contains("resumed from snapshot: 2500 notifications, read 0 new messages"), "\(next.run.stderr)")
    }
}
