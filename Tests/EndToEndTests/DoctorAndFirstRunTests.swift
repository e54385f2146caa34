import Foundation
import Testing

/// `kafka-inbox doctor` and the first run's empty states, as a new user meets them.
@Suite(.serialized) struct DoctorAndFirstRunTests {
    let state = NSTemporaryDirectory() + "kafka-inbox-doctor-\(getpid())-\(UUID().uuidString)"
    var env: [String: String] { ["XDG_STATE_HOME": state] }

    @Test func doctorSaysTheBrokerIsUnreachableAndExitsNonZero() throws {
        let r = try Harness.inbox(["doctor", "-b", "127.0.0.1:1", "--user", "alice"], environment: env, timeout: 30)
        #expect(r.status == 1)
        #expect(r.stdout.contains("✗ broker 127.0.0.1:1: connection refused"), "\(r.stdout)")
        #expect(r.stdout.contains("fix:"))
        #expect(r.stdout.contains("librdkafka "), "the library version is reported")
    }

    @Test func doctorFindsAMissingReceiptsTopicAndADamagedOutbox() throws {
        let broker = try BrokerProcess(arguments: ["--topics", "notify.alice.group,notify.alice.owner,notify.alice.watching"])
        // A damaged outbox: one good line and one torn one.
        let path = try Harness.inbox(["outbox", "--path", "-b", broker.bootstrap, "--user", "alice"], environment: env).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "{\"op\":\"add\",\"receipt\":{\"type\":\"rea".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try Harness.inbox(["doctor", "-b", broker.bootstrap, "--user", "alice"], environment: env, timeout: 60)
        #expect(r.status == 1)
        #expect(r.stdout.contains("✓ notification topic notify.alice.owner"), "\(r.stdout)")
        #expect(r.stdout.contains("✗ receipts topic notify.alice.receipts does not exist"), "\(r.stdout)")
        #expect(r.stdout.contains("cleanup.policy=compact"), "the fix says how to create it")
        #expect(r.stdout.contains("✗ outbox") && r.stdout.contains("1 damaged line"), "\(r.stdout)")
    }

    @Test func doctorIsHappyWithACompleteSetUp() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let r = try Harness.inbox(["doctor", "-b", broker.bootstrap, "--user", "alice"], environment: env, timeout: 60)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(!r.stdout.contains("✗"))
        #expect(r.stdout.contains("embedded broker never does"), "says plainly what that broker cannot answer")
    }

    @Test func theFirstRunSaysAtOnceThatTheConnectionIsRefused() throws {
        let tui = try TmuxSession(["-b", "127.0.0.1:1", "--user", "alice"], environment: env)
        // Well before the 10 s timeout.
        let screen = tui.waitFor(text: "Connection refused at 127.0.0.1:1", timeout: 4)
        #expect(screen.contains { $0.contains("--brokers") }, "and says how to fix it")
        #expect(screen.contains { $0.contains("broker unreachable") }, "the status line says so too")
    }

    @Test func missingTopicsAreNamedWithTheFlagThatFixesThem() throws {
        let broker = try BrokerProcess(arguments: ["--user", "bob"])
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: env)
        let screen = tui.waitFor(text: "No topics for user alice", timeout: 10)
        #expect(screen.joined().contains("notify.alice.group"), "\(screen)")
        #expect(screen.joined().contains("--user"))
    }
}
