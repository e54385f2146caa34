import Testing
@testable import InboxCore

/// A hook's argv and environment for one notification: placeholders, escapes, sanitising.
@Suite struct HookCommandTests {
    static let sample = InboxCore.Notification(
        id: "n-7", kind: .owner, title: "Review requested", body: "Please look\nat line 3",
        actor: "bob", url: "https://example.test/pr/7", createdAtMs: kafkaTimestamp,
        objectType: "pull_request", objectID: "7", source: testSource)

    @Test func placeholdersAreReplacedInArgumentsButNotTheProgram() {
        let hook = HookCommand(run: ["{title}", "--app-name=kafka-inbox", "{actor}", "{title}", "[{kind}] {id} {object}",
                                     "{url}", "{created_at}", "{topic}", "{body}"])
        let (argv, _) = hook.expand(for: Self.sample)
        #expect(argv == ["{title}", "--app-name=kafka-inbox", "bob", "Review requested", "[owner] n-7 pull_request:7",
                         "https://example.test/pr/7", "2025-11-25T14:00:00.000Z", "notify.alice.owner",
                         "Please look at line 3"])
    }

    @Test func unknownPlaceholdersStayAndDoubleBraceIsABrace() {
        let hook = HookCommand(run: ["echo", "{nope}", "{{title}", "{{", "{title", "a{b{id}c}", "}", "{}", "{{{id}"])
        let (argv, _) = hook.expand(for: Self.sample)
        #expect(argv == ["echo", "{nope}", "{title}", "{", "{title", "a{bn-7c}", "}", "{}", "{n-7"])
    }

    @Test func missingFieldsAreEmpty() {
        let bare = InboxCore.Notification(id: "n-1", kind: .group, title: "t", createdAtMs: 0, source: testSource)
        let (argv, env) = HookCommand(run: ["x", "<{actor}|{url}|{body}|{object}>"]).expand(for: bare)
        #expect(argv[1] == "<|||>")
        #expect(env["KAFKA_INBOX_ACTOR"] == "" && env["KAFKA_INBOX_OBJECT"] == "")
        #expect(env["KAFKA_INBOX_CREATED_AT"] == "1970-01-01T00:00:00.000Z")
    }

    @Test func theEnvironmentNamesEveryField() {
        let (_, env) = HookCommand(run: ["true"]).expand(for: Self.sample)
        #expect(env == [
            "KAFKA_INBOX_ID": "n-7",
            "KAFKA_INBOX_KIND": "owner",
            "KAFKA_INBOX_TITLE": "Review requested",
            "KAFKA_INBOX_URL": "https://example.test/pr/7",
            "KAFKA_INBOX_ACTOR": "bob",
            "KAFKA_INBOX_BODY": "Please look at line 3",
            "KAFKA_INBOX_OBJECT": "pull_request:7",
            "KAFKA_INBOX_CREATED_AT": "2025-11-25T14:00:00.000Z",
            "KAFKA_INBOX_TOPIC": "notify.alice.owner",
        ])
    }

    @Test func hostileValuesAreSanitisedInArgvAndEnvironment() {
        var n = Self.sample
        n.title = "\u{1B}]0;pwned\u{07}\u{1B}[2Jboom\nline2\r\u{0}end\u{202E}"
        n.actor = "\u{9B}31m"
        let (argv, env) = HookCommand(run: ["notify-send", "{actor}", "{title}"]).expand(for: n)
        let expected = "\\x1b]0;pwned\\x07\\x1b[2Jboom line2 \\x00end\\u202e"
        #expect(argv == ["notify-send", "\\x9b31m", expected])
        #expect(env["KAFKA_INBOX_TITLE"] == expected)
        for value in argv + Array(env.values) {
            #expect(isTerminalSafe(value), "\(value.debugDescription)")
            #expect(!value.utf8.contains(0))
        }
    }

    @Test func aLeadingDashIsPassedAsSent() {
        var n = Self.sample
        n.title = "--help"
        #expect(HookCommand(run: ["x", "{title}"]).expand(for: n).argv == ["x", "--help"])
    }

    @Test func longValuesAreCutAtACharacterBoundary() {
        var n = Self.sample
        n.title = "a" + String(repeating: "é", count: 600)  // 1 + 1200 bytes
        n.body = String(repeating: "\u{1B}", count: 300)    // 1200 bytes once escaped
        let (argv, env) = HookCommand(run: ["x", "{title}"]).expand(for: n)
        #expect(argv[1].utf8.count == 1023, "512 two-byte characters would not fit after the a")
        #expect(argv[1] == "a" + String(repeating: "é", count: 511))
        let body = env["KAFKA_INBOX_BODY"] ?? ""
        #expect(body.utf8.count == 1024 && body.hasPrefix("\\x1b"))
        #expect(HookCommand.sanitize(String(repeating: "👍🏽", count: 200)).utf8.count == 1024)
        #expect(HookCommand.sanitize(String(repeating: "👍🏽", count: 200)).allSatisfy { $0 == "👍🏽" })
    }
}
