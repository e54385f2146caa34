import Foundation
import InboxCore
import Testing
@testable import InboxService

/// `[[rules]]`, `[[hooks]]` and `alerts`: read, compiled and checked; each mistake names its line.
@Suite struct TriageConfigTests {
    let files = ConfigFileTests()

    func message(_ text: String) -> String {
        guard case .configuration(let m)? = files.failure(text) else { return "no configuration error" }
        return m
    }

    @Test func rulesAndHooksAreReadInFileOrder() throws {
        let s = try files.settings("""
            alerts = "bell"
            [[rules]]
            if = '.actor == "ci-bot"'
            then = ["read", "tag:ci"]
            [[rules]]
            if = '.kind == "watching"'
            then = ["snooze:2h", "mute-thread"]
            [[hooks]]
            run = ["sh", "-c", "true", "{title}"]
            """)
        #expect(s.triage.alerts == "bell")
        #expect(s.triage.rules.map(\.label) == ["rules[1]", "rules[2]"])
        #expect(s.triage.rules[0].actions == [.read, .tag("ci")])
        #expect(s.triage.rules[1].actions == [.snooze(ms: 7_200_000), .muteThread])
        #expect(s.triage.hooks.count == 1 && s.triage.hooks[0].predicate == nil)
    }

    @Test func eachMistakeNamesItsLine() {
        #expect(message("[[rules]]\nif = '.a'\nthen = [\"archive\"]\n").contains("line 3: rules[1]: unknown rule action \"archive\""))
        #expect(message("user = \"a\"\n[[rules]]\nif = '.a =='\nthen = [\"read\"]\n").contains("line 3: rules[1].if is not a valid jq expression"))
        #expect(message("[[hooks]]\nrun = [\"no-such-command-here\"]\n").contains("line 2: hooks[1]: command 'no-such-command-here' is not an executable file"))
        #expect(message("alerts = \"loud\"\n").contains("line 1: alerts must be one of"))
        #expect(message("[[rules]]\nif = '.a'\nthen = [\"read\"]\nelse = [\"done\"]\n").contains("line 4: rules[1] has no setting 'else'"))
        #expect(message("[[rules]]\nthen = [\"read\"]\n").contains("line 1: rules[1] needs if"))
    }

    @Test func filtersAnswerLikeJqOnBothPaths() throws {
        let n = Notification(id: "n", kind: .owner, title: "build passed", actor: "ci-bot", createdAtMs: 0,
                             objectType: "graph", objectID: "7", source: SourcePosition(topic: "t", partition: 0, offset: 0))
        let cases: [(String, Bool)] = [
            (#".actor == "ci-bot""#, true), (#".actor == "bob" or .kind == "owner""#, true),
            (#".object.type == "graph" and .object.id == "8""#, false), (#".title | test("pass")"#, true),  // libjq
            (#".state == "unread""#, true), (".muted", false), (".nothing", false),
        ]
        for (expression, expected) in cases {
            #expect(try NotificationFilter(expression).matches(n, state: .unread) == expected, "\(expression)")
        }
    }
}
