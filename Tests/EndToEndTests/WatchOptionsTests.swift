import Foundation
import Testing

/// `watch` flags a kcat user would reach for, against the real binary and broker.
@Suite(.serialized) struct WatchOptionsTests {
    /// A one-partition broker with three notifications for alice, oldest first.
    func seeded() throws -> BrokerProcess {
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "1"])
        let lines = """
        {"id":"w1","kind":"owner","title":"first owner","actor":"bob","created_at":"2026-11-25T10:00:00Z"}
        {"id":"w2","kind":"group","title":"second group","actor":"carol","created_at":"2026-11-25T10:00:01Z"}
        {"id":"w3","kind":"owner","title":"third owner","actor":"dmitri","created_at":"2026-11-25T10:00:02Z"}
        """
        let r = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "alice", "--file", "-"], input: lines)
        try #require(r.status == 0, "\(r.stderr)")
        return broker
    }

    func watch(_ broker: BrokerProcess, _ extra: [String]) throws -> [String] {
        let r = try Harness.inbox(["watch", "-b", broker.bootstrap, "--user", "alice", "--exit-at-end"] + extra, timeout: 60)
        #expect(r.status == 0, "\(r.stderr)")
        return r.lines
    }

    @Test func fromCountKindsAndTemplate() throws {
        let broker = try seeded()
        #expect(try watch(broker, ["--from", "beginning", "--format", "{kind}:{title}"])
                == ["owner:first owner", "group:second group", "owner:third owner"])
        #expect(try watch(broker, ["--from", "1", "--format", "{id}"]) == ["w3"])
        #expect(try watch(broker, ["--from", "end", "--format", "{id}"]).isEmpty)
        #expect(try watch(broker, ["--from", "beginning", "--count", "2", "--format", "{id}"]).count == 2)
        #expect(try watch(broker, ["--from", "beginning", "--kinds", "group", "--format", "{id} {actor}"]) == ["w2 carol"])
        #expect(try watch(broker, ["--from", "2099-01-01T00:00:00Z", "--format", "{id}"]).isEmpty)
        #expect(try watch(broker, ["--from=-1h", "--format", "{id}"]).count == 3)
        #expect(try watch(broker, ["--from", "1h", "--format", "{id}"]).count == 3)
        let bad = try Harness.inbox(["watch", "-b", broker.bootstrap, "--user", "alice", "--format", "{nope}"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("{nope}"))
    }

    @Test func groupModeCommitsAfterPrinting() throws {
        let broker = try seeded()
        // The embedded broker (librdkafka 2.0.2) holds a rejoin until the previous member's
        // session times out, so keep that short here.
        let fast = ["-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=1000"]
        let first = try watch(broker, fast + ["--group", "g1", "--from", "beginning", "--format", "{id}"])
        #expect(Set(first) == ["w1", "w2", "w3"])
        let again = try watch(broker, fast + ["--group", "g1", "--from", "beginning", "--format", "{id}"])
        #expect(again.isEmpty, "the group's committed offsets should skip what was printed")
    }

    @Test func patternsPickUpKindsCreatedLater() throws {
        let broker = try seeded()
        _ = try Harness.kcat(broker.bootstrap, ["-P", "-t", "notify.alice.billing", "-k", "b1"],
                             input: #"{"id":"b1","title":"invoice ready"}"#)
        let dir = NSTemporaryDirectory() + "kafka-inbox-pattern-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/config.toml"
        try "[topics]\npatterns = ['^notify\\.{user}\\..*']\n".write(toFile: file, atomically: true, encoding: .utf8)
        let lines = try watch(broker, ["--config", file, "--from", "beginning", "--format", "{kind}:{id}"])
        #expect(Set(lines) == ["owner:w1", "group:w2", "owner:w3", "billing:b1"])
    }
}
