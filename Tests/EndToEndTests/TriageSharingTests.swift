import Foundation
import Testing

/// Issue 11 end to end: two terminals of one user under tmux, on the embedded broker,
/// agree on a mute, a snooze and a rule; a hook runs once per live arrival, never for the
/// backlog; an action run from the keyboard lands on the receipts topic.
@Suite(.serialized) struct TriageSharingTests {
    /// A state and config directory with `config` as config.toml; returns the environment.
    static func home(_ config: String) throws -> [String: String] {
        let dir = NSTemporaryDirectory() + "kafka-inbox-triage-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/config/kafka-inbox", withIntermediateDirectories: true)
        try config.write(toFile: dir + "/config/kafka-inbox/config.toml", atomically: true, encoding: .utf8)
        return ["XDG_STATE_HOME": dir + "/state", "XDG_CONFIG_HOME": dir + "/config", "HOOK_OUT": dir + "/hook.out"]
    }

    /// Starts kafka-inbox with `arguments` in `environment` (added to ours), its output read line by line.
    static func follow(_ arguments: [String], environment: [String: String], stderr: String? = nil) throws -> (Process, LineCollector) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.binary)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        p.standardOutput = out
        if let stderr { try? FileManager.default.createDirectory(atPath: (stderr as NSString).deletingLastPathComponent, withIntermediateDirectories: true) }
        if let stderr, FileManager.default.createFile(atPath: stderr, contents: nil), let handle = FileHandle(forWritingAtPath: stderr) {
            p.standardError = handle
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        let lines = LineCollector()
        lines.start(out.fileHandleForReading)
        return (p, lines)
    }

    static func send(_ broker: String, _ lines: [String]) throws {
        let r = try Harness.inbox(["send", "-b", broker, "--user", "alice", "--file", "-"], input: lines.joined(separator: "\n"))
        try #require(r.status == 0, "send failed: \(r.stderr)")
    }

    @Test func twoTerminalsShareMuteSnoozeAndRuleAndHooksRunForLiveArrivalsOnly() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let config = """
            [[rules]]
            if = '.actor == "ci-bot"'
            then = ["read"]
            [[hooks]]
            if = '.kind == "owner"'
            run = ["sh", "-c", "printf '%s\\\\n' \\"$KAFKA_INBOX_TITLE\\" >> \\"$HOOK_OUT\\""]
            """
        let homeA = try Self.home(config)
        let homeB = try Self.home(config)
        try Self.send(broker.bootstrap, [#"{"id":"old","kind":"owner","actor":"bob","title":"backlog one"}"#,
                                         #"{"id":"c1","kind":"group","actor":"carol","title":"from carol"}"#])
        let a = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: homeA)
        let b = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: homeB)
        for t in [a, b] { t.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 2 } }

        // A live arrival: each terminal runs its hook once; the backlog ran none.
        try Self.send(broker.bootstrap, [#"{"id":"live","kind":"owner","actor":"dan","title":"live one"}"#])
        for t in [a, b] { t.waitFor("live row") { $0.listRows.count == 3 } }
        for home in [homeA, homeB] {
            let deadline = Date().addingTimeInterval(5)
            var out = ""
            while Date() < deadline {
                out = (try? String(contentsOfFile: home["HOOK_OUT"]!, encoding: .utf8)) ?? ""
                if out.contains("live one") { break }
                usleep(100_000)
            }
            #expect(out == "live one\n")
        }

        // A rule: both terminals decide "read" for the ci-bot arrival, with one receipt id.
        try Self.send(broker.bootstrap, [#"{"id":"ci","kind":"group","actor":"ci-bot","title":"build passed"}"#])
        for t in [a, b] { t.waitFor("rule applied") { $0.statusBar.contains("up to date") && !$0.listRows.joined().contains("build passed") } }
        let ruled = try Harness.waitForReceipts(broker.bootstrap, count: 1).filter { $0.notificationID == "ci" }
        #expect(!ruled.isEmpty && Set(ruled.map(\.receiptID)).count == 1 && ruled.allSatisfy { $0.type == "read" })

        // A mute made in A (actor of the cursor row: carol) takes her row out of B's Unread too.
        a.press("/")
        a.type("carol")
        a.press("Enter")
        a.waitFor("cursor on carol") { $0.listRows.contains { $0.contains("carol") && $0.contains("from carol") } }
        a.press("m")
        a.waitFor(text: "Mute:")
        a.press("a")
        for t in [a, b] { t.waitFor("carol muted") { !$0.listRows.joined().contains("carol") && $0.listRows.count == 2 } }

        // A snooze from a script reaches both, and the clock alone brings it back.
        let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(4))
        let r = try Harness.inbox(["snooze", "-b", broker.bootstrap, "--user", "alice", "live", "--until", until], environment: homeA)
        #expect(r.status == 0, "\(r.stderr)")
        for t in [a, b] { t.waitFor("snoozed away") { !$0.listRows.joined().contains("live one") } }
        for t in [a, b] { t.waitFor("back from snooze", timeout: 12) { $0.listRows.contains { $0.hasPrefix("↻") && $0.contains("[was snoozed] live one") } } }
    }

    @Test func anActionFromTheKeyboardLandsOnTheReceiptsTopicAndMarksDone() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let home = try Self.home("")
        try Self.send(broker.bootstrap, [#"{"id":"pr","kind":"owner","actor":"dan","title":"approve me","actions":[{"id":"approve","label":"Approve"}]}"#])
        let t = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: home)
        t.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 1 }
        t.press("A")
        t.waitFor(text: "Action: 1 Approve")
        t.press("1")
        t.waitFor("done") { $0.listRows.joined().contains("No notifications in Unread") }
        let seen = try Harness.waitForReceipts(broker.bootstrap, count: 2)
        #expect(Set(seen.map(\.description)) == ["action:pr", "acknowledged:pr"])
        let list = try Harness.inbox(["list", "--all", "--json", "-b", broker.bootstrap, "--user", "alice", "--no-snapshot"], environment: home)
        #expect(list.stdout.contains(#""state":"acknowledged""#))
        #expect(list.stdout.contains(#""actions":[{"id":"approve","label":"Approve","url":null}]"#))
    }

    @Test func watchUnreadOnlyPrintsASnoozedNotificationWhenItsTimeComes() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let home = try Self.home("")
        try Self.send(broker.bootstrap, [#"{"id":"later","kind":"owner","actor":"bob","title":"snoozed"}"#,
                                         #"{"id":"now","kind":"owner","actor":"bob","title":"unread"}"#])
        let until = ISO8601DateFormatter().string(from: Date().addingTimeInterval(4))
        let r = try Harness.inbox(["snooze", "-b", broker.bootstrap, "--user", "alice", "later", "--until", until], environment: home)
        try #require(r.status == 0, "\(r.stderr)")
        let (p, lines) = try Self.follow(["watch", "-b", broker.bootstrap, "--user", "alice", "--unread-only", "--from", "beginning",
                                          "--format", "{id}"], environment: home)
        defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }  // SIGTERM may be blocked in a child of the test runner
        #expect(lines.next(timeout: 10) == "now", "the snoozed one must wait")
        #expect(lines.next(timeout: 12) == "later")
    }
}
