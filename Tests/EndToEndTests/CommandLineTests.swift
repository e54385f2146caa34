import Foundation
import Testing

/// The real binary against the real embedded broker, cross-checked with kcat.
@Suite(.serialized) struct CommandLineTests {
    func json(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func sendWatchReadListCountRoundTrip() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice", "--partitions", "2"])
        let b = broker.bootstrap
        #expect(b.hasPrefix("127.0.0.1:"))

        let sent = try Harness.inbox(["send", "-b", b, "--user", "alice", "--kind", "owner",
                                      "--title", "bob commented on graph 'pathways'", "--actor", "bob", "--id", "n-1"])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(sent.stdout.contains("delivered 1 of 1"))
        let jsonl = """
        {"id":"n-2","kind":"group","title":"carol shared 'yeast' with lab","actor":"carol"}
        {"id":"n-3","kind":"watching","title":"'p53' was updated","created_at":"2026-11-25T10:00:00Z"}
        """
        let sentFile = try Harness.inbox(["send", "-b", b, "--user", "alice", "--file", "-"], input: jsonl)
        #expect(sentFile.status == 0, "\(sentFile.stderr)")
        #expect(sentFile.stdout.contains("delivered 2 of 2"))

        // kcat, an independent client, reads what send wrote.
        let k = try Harness.kcat(b, ["-C", "-t", "notify.alice.owner", "-e", "-o", "beginning", "-q", "-f", "%k %s\n"])
        #expect(k.stdout.contains("n-1 {"))
        #expect(k.stdout.contains("bob commented on graph 'pathways'"))

        // A notification produced by kcat shows up in watch.
        _ = try Harness.kcat(b, ["-P", "-t", "notify.alice.group", "-k", "n-4"], input: #"{"id":"n-4","title":"from kcat","actor":"kcat"}"#)
        let watched = try Harness.inbox(["watch", "-b", b, "--user", "alice", "--from", "beginning", "--exit-at-end", "--format", "json"])
        #expect(watched.status == 0, "\(watched.stderr)")
        let objects = try watched.lines.map(json)
        #expect(Set(objects.compactMap { $0["id"] as? String }) == ["n-1", "n-2", "n-3", "n-4"])
        let fromKcat = try #require(objects.first { $0["id"] as? String == "n-4" })
        #expect(fromKcat["kind"] as? String == "group")
        #expect(fromKcat["state"] as? String == "unread")
        #expect(fromKcat["topic"] as? String == "notify.alice.group")

        let read = try Harness.inbox(["read", "-b", b, "--user", "alice", "n-1", "n-2"])
        #expect(read.status == 0, "\(read.stderr)")
        let ack = try Harness.inbox(["ack", "-b", b, "--user", "alice", "n-3"])
        #expect(ack.status == 0, "\(ack.stderr)")

        // The receipts are on the receipts topic, keyed by notification id (kcat checks).
        let receipts = try Harness.kcat(b, ["-C", "-t", "notify.alice.receipts", "-e", "-o", "beginning", "-q", "-f", "%k\t%s\n"])
        let receiptLines = receipts.lines
        #expect(receiptLines.count == 3)
        for line in receiptLines {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            let r = try json(parts[1])
            #expect(r["notification_id"] as? String == parts[0])
            #expect(r["user"] as? String == "alice")
            #expect((r["receipt_id"] as? String)?.isEmpty == false)
        }

        let listed = try Harness.inbox(["list", "-b", b, "--user", "alice", "--all", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let states = Dictionary(uniqueKeysWithValues: try listed.lines.map(json).map { ($0["id"] as! String, $0["state"] as! String) })
        #expect(states == ["n-1": "read", "n-2": "read", "n-3": "acknowledged", "n-4": "unread"])

        let unreadOnly = try Harness.inbox(["list", "-b", b, "--user", "alice", "--json"])
        #expect(try unreadOnly.lines.map(json).compactMap { $0["id"] as? String } == ["n-4"])

        let count = try Harness.inbox(["count", "-b", b, "--user", "alice"])
        #expect(count.stdout == "1\n")
        let countOwner = try Harness.inbox(["count", "-b", b, "--user", "alice", "--kinds", "owner"])
        #expect(countOwner.stdout == "0\n")

        let unread = try Harness.inbox(["unread", "-b", b, "--user", "alice", "n-1"])
        #expect(unread.status == 0)
        let count2 = try Harness.inbox(["count", "-b", b, "--user", "alice"])
        #expect(count2.stdout == "2\n")

        let watchUnread = try Harness.inbox(["watch", "-b", b, "--user", "alice", "--from", "beginning", "--exit-at-end",
                                             "--unread-only", "--format", "{id}"])
        #expect(Set(watchUnread.lines) == ["n-1", "n-4"])
    }

    @Test func badLinesAreReportedAndGoodOnesStillGo() throws {
        let broker = try BrokerProcess(arguments: ["--user", "bob"])
        let input = """
        {"kind":"owner","title":"good one"}
        this is not json
        {"kind":"owner","body":"no title but a body is enough"}
        {"kind":"owner","actor":"nobody"}
        [1,2,3]
        """
        let r = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "bob", "--file", "-"], input: input)
        #expect(r.status == 65)
        #expect(r.stdout.contains("delivered 2 of 5"))
        #expect(r.stderr.contains("line 2"))
        #expect(r.stderr.contains("line 4"))
        #expect(r.stderr.contains("line 5"))
        let k = try Harness.kcat(broker.bootstrap, ["-C", "-t", "notify.bob.owner", "-e", "-o", "beginning", "-q"])
        #expect(k.lines.count == 2)
    }

    @Test func crlfJSONLFileSendsEveryLine() throws {
        let broker = try BrokerProcess(arguments: ["--user", "bob"])
        let input = "{\"kind\":\"owner\",\"title\":\"one\"}\r\n{\"kind\":\"owner\",\"title\":\"two\"}\r\nnot json\r\n"
        let r = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "bob", "--file", "-"], input: input)
        #expect(r.status == 65)
        #expect(r.stdout.contains("delivered 2 of 3"))
        #expect(r.stderr.contains("line 3"))
        let k = try Harness.kcat(broker.bootstrap, ["-C", "-t", "notify.bob.owner", "-e", "-o", "beginning", "-q"])
        #expect(k.lines.count == 2)
    }

    @Test func unknownIDIsAClearErrorAndMarksNothing() throws {
        let broker = try BrokerProcess(arguments: ["--user", "carol"])
        _ = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "carol", "--kind", "group", "--title", "x", "--id", "real"])
        let r = try Harness.inbox(["read", "-b", broker.bootstrap, "--user", "carol", "real", "missing-id"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("missing-id"))
        let receipts = try Harness.kcat(broker.bootstrap, ["-C", "-t", "notify.carol.receipts", "-e", "-o", "beginning", "-q"])
        #expect(receipts.stdout.isEmpty)
    }

    @Test func unreachableBrokerIsAStatusNotAHang() throws {
        let started = Date()
        let r = try Harness.inbox(["list", "-b", "127.0.0.1:1", "--user", "dave", "--timeout", "2"], timeout: 30)
        #expect(r.status == 69)
        #expect(r.stderr.contains("127.0.0.1:1"))
        #expect(Date().timeIntervalSince(started) < 15)
        let send = try Harness.inbox(["send", "-b", "127.0.0.1:1", "--user", "dave", "--kind", "owner", "--title", "x", "--timeout", "2"], timeout: 30)
        #expect(send.status == 69)
    }

    @Test func badConfigurationNamesTheProblemAndTheFix() throws {
        let r = try Harness.inbox(["list", "-b", "127.0.0.1:1", "-X", "no.such.property=1"])
        #expect(r.status == 78)
        #expect(r.stderr.contains("no.such.property"))
        #expect(r.stderr.contains("-X"))
        let dir = NSTemporaryDirectory() + "kafka-inbox-cfg-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/config.toml"
        try "brokers = \"127.0.0.1:1\"\n[kafka]\n\"socket.timeout.ms\" = \"soon\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r2 = try Harness.inbox(["count", "--config", file])
        #expect(r2.status == 78)
        #expect(r2.stderr.contains("socket.timeout.ms"))
        #expect(r2.stderr.contains(file))
        try "brokrs = \"x\"\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r3 = try Harness.inbox(["count", "--config", file])
        #expect(r3.status == 78)
        #expect(r3.stderr.contains("brokrs"))
        let r4 = try Harness.inbox(["watch", "--from", "yesterday-ish", "-b", "127.0.0.1:1"])
        #expect(r4.status == 64)
        #expect(r4.stderr.contains("--from"))
    }

    @Test func aUserThatIsNoIdentityExits78FromEverySource() throws {
        for args in [["count", "-b", "127.0.0.1:1", "--user", "a\u{1b}[2Jb"], ["list", "-b", "127.0.0.1:1", "-u", ""],
                     ["broker", "--user", String(repeating: "x", count: 201)]] {
            let r = try Harness.inbox(args, timeout: 30)
            #expect(r.status == 78, "\(args)")
            #expect(r.stderr.contains("is not a usable identity"), "\(args)")
            #expect(!r.stderr.contains("\u{1b}"), "the name is shown escaped")
        }
        let env = try Harness.inbox(["count", "-b", "127.0.0.1:1"], environment: ["KAFKA_INBOX_USER": "a\u{7}b"], timeout: 30)
        #expect(env.status == 78)
    }

    @Test func sendRefusesWhatReadersCouldNotShow() throws {
        let empty = try Harness.inbox(["send", "-b", "127.0.0.1:1", "--kind", "owner", "--title", " "])
        #expect(empty.status == 64)
        #expect(empty.stderr.contains("--title"))
        let missing = try Harness.inbox(["send", "-b", "127.0.0.1:1", "--file", "/nonexistent/notes.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no such file"))
        let odd = try Harness.inbox(["send", "-b", "127.0.0.1:1", "--timeout", "1", "--kind", "billing", "--title", "x"])
        #expect(odd.stderr.contains("kind billing is not one of the configured kinds"))
    }

    @Test func prettyWatchInAPipeHasNoColourAndBadPatternsAreConfigErrors() throws {
        let broker = try BrokerProcess(arguments: ["--user", "erin"])
        _ = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "erin", "--kind", "owner", "--title", "plain"])
        let r = try Harness.inbox(["watch", "-b", broker.bootstrap, "--user", "erin", "--from", "beginning",
                                   "--exit-at-end", "--format", "pretty"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("plain"))
        #expect(!r.stdout.contains("\u{1b}"), "a pipe gets no escape sequences")
        let dir = NSTemporaryDirectory() + "kafka-inbox-regex-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/config.toml"
        try "[topics]\npatterns = ['^notify\\.{user}\\.((']\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try Harness.inbox(["count", "--config", file, "-b", broker.bootstrap])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("not a valid regular expression"))
    }

    @Test func failedAuthenticationIsReportedInWordsNamingTheBroker() throws {
        // The embedded broker speaks no SASL: a SASL client fails to authenticate against it.
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        let r = try Harness.inbox(["count", "-b", broker.bootstrap, "--user", "alice", "--timeout", "3",
                                   "-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=PLAIN",
                                   "-X", "sasl.username=alice", "-X", "sasl.password=wrong"])
        #expect(r.status == 77)
        #expect(r.stderr.contains("authentication failed at \(broker.bootstrap)"))
        #expect(r.stdout.isEmpty)
    }

    @Test func listingAnEmptyOutboxCreatesNothing() throws {
        let state = NSTemporaryDirectory() + "kafka-inbox-empty-outbox-\(getpid())"
        let r = try Harness.inbox(["outbox", "-b", "127.0.0.1:1", "--user", "zed"], environment: ["XDG_STATE_HOME": state])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("0 receipt(s) pending"))
        #expect(!FileManager.default.fileExists(atPath: state + "/kafka-inbox"), "nothing written for a listing")
    }

    @Test func brokerOnAFixedPortServesKcat() throws {
        let port = 20_000 + Int(getpid() % 20_000)
        let broker = try BrokerProcess(arguments: ["--port", String(port), "--topics", "plain.topic"])
        #expect(broker.bootstrap == "127.0.0.1:\(port)")
        _ = try Harness.kcat(broker.bootstrap, ["-P", "-t", "plain.topic", "-k", "k"], input: "hello")
        let k = try Harness.kcat(broker.bootstrap, ["-C", "-t", "plain.topic", "-e", "-o", "beginning", "-q"])
        #expect(k.stdout == "hello\n")
    }
}
