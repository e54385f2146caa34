import Foundation
import Testing

/// A producer we do not control: shared topics, the recipient inside the message, its own
/// field names, no ids, epoch times, e-mail identities. Messages are produced by kcat.
@Suite(.serialized) struct SchemaMappingTests {
    struct World {
        let broker: BrokerProcess
        let dir: String
        var env: [String: String] { ["XDG_STATE_HOME": dir + "/state"] }

        init() throws {
            broker = try BrokerProcess(arguments: ["--topics", "assigned,mentions", "--partitions", "2"])
            dir = NSTemporaryDirectory() + "kafka-inbox-schema-\(getpid())-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let assigned = [
                #"{"to":"alice@corp.example","msg":"Disk full on db-3","by":"bob","ticket_event_id":"t-1","ts":1764600000}"#,
                #"{"to":"carol@corp.example","msg":"NOT-FOR-ALICE","by":"bob","ticket_event_id":"t-2","ts":1764600001}"#,
                #"{"team":"sre","msg":"Pager rotation changed","by":"eve","ts":1764600002000}"#,
                #"{"to":"alice@corp.example","msg":"bad time","by":"x","ts":{"when":"later"}}"#,
                "this is not JSON",
            ]
            let mentions = [
                #"{"to":"alice@corp.example","by":"dan","ticket":77}"#,
                #"{"to":"alice@corp.example","by":"mallory\u001b]0;pwn\u0007\u202e","ticket":78}"#,
                #"{"to":"alice@corp.example","by":42,"ticket":79}"#,
            ]
            for (topic, lines) in [("assigned", assigned), ("mentions", mentions)] {
                let r = try Harness.kcat(broker.bootstrap, ["-P", "-t", topic], input: lines.joined(separator: "\n") + "\n")
                try #require(r.status == 0, "\(r.stderr)")
            }
            // Recipient in a header only.
            let h = try Harness.kcat(broker.bootstrap, ["-P", "-t", "assigned", "-H", "recipient=alice@corp.example"],
                                     input: #"{"msg":"addressed by header"}"# + "\n")
            try #require(h.status == 0, "\(h.stderr)")
        }

        func config(user: String = "alice@corp.example", receipts: String = "inbox.{user}.receipts", extra: String = "") throws -> String {
            let text = """
            brokers = "\(broker.bootstrap)"
            user = "\(user)"
            groups = ["sre", "42"]
            [topics]
            notifications = "{kind}"
            kinds = ["assigned", "mentions"]
            receipts = "\(receipts)"
            [schema]
            for_me = '.to == $user or (.team | IN($groups[])) or $headers.recipient == $user'
            title  = '.msg'
            actor  = '.by'
            id     = '.ticket_event_id'
            created_at = '.ts'
            [schema.mentions]
            title = '"\\(.by | ascii_downcase) mentioned you in #\\(.ticket)"'
            \(extra)
            """
            let path = dir + "/\(UUID().uuidString).toml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func inbox(_ args: [String]) throws -> RunResult { try Harness.inbox(args, environment: env, timeout: 60) }

        func listJSON(_ config: String, _ extra: [String] = []) throws -> [[String: Any]] {
            let r = try inbox(["list", "--all", "--json", "--config", config] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    @Test func aForeignShapeIsMappedSelectedAndShownSafely() throws {
        let w = try World()
        let config = try w.config()
        let items = try w.listJSON(config)
        let kept = items.filter { ($0["malformed"] as? Bool) == false }
        let titles = Set(kept.compactMap { $0["title"] as? String })
        #expect(titles == ["Disk full on db-3", "Pager rotation changed", "addressed by header", "dan mentioned you in #77",
                           "mallory\u{1b}]0;pwn\u{7}\u{202e} mentioned you in #78"])
        let t1 = try #require(kept.first { $0["id"] as? String == "t-1" })
        #expect(t1["actor"] as? String == "bob")
        #expect((t1["created_at"] as? String)?.hasPrefix("2025-12-01T14:40:00") == true, "epoch seconds")
        #expect(!items.contains { ($0["title"] as? String)?.contains("NOT-FOR-ALICE") == true }, "other people's are skipped")
        // Wrong types and run-time failures are malformed entries with the reason; not JSON too.
        let reasons = items.filter { ($0["malformed"] as? Bool) == true }.compactMap { $0["malformed_reason"] as? String }
        #expect(reasons.count == 3, "\(reasons)")
        #expect(reasons.contains { $0.contains("created_at") })
        #expect(reasons.contains { $0.contains("ascii_downcase") || $0.contains("explode") })
        #expect(reasons.contains { $0.contains("parsing") || $0.contains("Invalid") })
        // On a terminal the hostile actor is escaped.
        let text = try w.inbox(["list", "--all", "--config", config])
        #expect(!text.stdout.contains("\u{1b}") && !text.stdout.contains("\u{202e}"))
        #expect(text.stdout.contains("\\x1b]0;pwn\\x07"))
    }

    @Test func derivedIdsAreMarkedAndReadBackFromTheUsersReceiptsTopic() throws {
        let w = try World()
        let config = try w.config()
        let pager = try #require(try w.listJSON(config).first { $0["title"] as? String == "Pager rotation changed" })
        let derived = try #require(pager["id"] as? String)
        #expect(derived.hasPrefix("assigned/"), "no id in the message: topic/partition/offset")
        let read = try w.inbox(["read", "t-1", derived, "--config", config])
        #expect(read.status == 0, "\(read.stderr)")
        try FileManager.default.removeItem(atPath: w.dir + "/state")
        let states = Dictionary(try w.listJSON(config, ["--no-snapshot"]).map { ($0["id"] as? String ?? "", $0["state"] as? String ?? "") },
                                uniquingKeysWith: { a, _ in a })
        #expect(states["t-1"] == "read")
        #expect(states[derived] == "read")
        let topics = try Harness.kcat(w.broker.bootstrap, ["-L"])
        #expect(topics.stdout.contains(#"topic "inbox.alice_x40corp.example.receipts""#), "{user} is the identity's topic-safe form")
    }

    @Test func aSharedReceiptsTopicKeepsEachUsersStateApart() throws {
        let w = try World()
        let alice = try w.config(receipts: "inbox.receipts")
        let bob = try w.config(user: "bob@corp.example", receipts: "inbox.receipts")
        let shared = try #require(try w.listJSON(alice).first { $0["title"] as? String == "Pager rotation changed" }?["id"] as? String)
        #expect(try w.inbox(["read", shared, "--config", alice]).status == 0)
        let bobs = try w.listJSON(bob, ["--no-snapshot"])
        #expect(bobs.first { $0["id"] as? String == shared }?["state"] as? String == "unread", "bob's state is his own")
        let alices = try w.listJSON(alice, ["--no-snapshot"])
        #expect(alices.first { $0["id"] as? String == shared }?["state"] as? String == "read")
    }

    @Test func filtersSchemaTestAndConfigurationErrors() throws {
        let w = try World()
        let config = try w.config()
        let dan = try w.listJSON(config, ["--filter", #".actor == "dan""#])
        #expect(dan.map { $0["title"] as? String } == ["dan mentioned you in #77"])
        let count = try w.inbox(["count", "--config", config, "--filter", #".kind == "mentions" and (.title | test("MENTIONED"; "i"))"#])
        #expect(count.stdout == "2\n", "\(count.stderr)")
        let badFilter = try w.inbox(["list", "--config", config, "--filter", ".a |||"])
        #expect(badFilter.status == 64 && badFilter.stderr.contains("--filter"))

        let test = try w.inbox(["schema", "test", "--config", config, "--last", "10"])
        #expect(test.status == 0, "\(test.stderr)")
        #expect(test.lines.contains { $0.contains("skipped") })
        #expect(test.lines.contains { $0.contains("kept  t-1  assigned  bob") })
        #expect(test.lines.contains { $0.contains("malformed") })
        #expect(test.stderr.contains("1 skipped"))

        let syntax = try w.config(extra: "[schema.assigned]\nbody = '.x |||'")
        let bad = try w.inbox(["list", "--config", syntax])
        #expect(bad.status == 78 && bad.stderr.contains("[schema.assigned] body"), "\(bad.stderr)")
        let noForMe = try w.config().replacingOccurrences(of: "", with: "")
        let text = try String(contentsOfFile: noForMe, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("for_me") }
        try text.joined(separator: "\n").write(toFile: noForMe, atomically: true, encoding: .utf8)
        let missing = try w.inbox(["list", "--config", noForMe])
        #expect(missing.status == 78 && missing.stderr.contains("for_me"), "\(missing.stderr)")
    }
}
