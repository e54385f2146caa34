import InboxCore
@testable import InboxFeed
import JQKit
import Testing

/// The `[schema]` mapping on its own: jq expressions over message values a producer we do
/// not control might publish.
@Suite struct MapperTests {
    let schema = SchemaConfig(
        expressions: ["for_me": #".to == $user or (.team | IN($groups[]))"#, "title": ".msg", "actor": ".by",
                      "id": ".ticket_event_id", "created_at": ".ts"],
        overrides: ["mentions": ["title": #""\(.by) mentioned you in #\(.ticket)""#]])

    func mapper(_ s: SchemaConfig? = nil) throws -> MessageMapper {
        try MessageMapper(schema: s ?? schema, user: "alice@corp.example", groups: ["sre", "42"])
    }

    func map(_ m: MessageMapper, _ json: String, topic: String = "assigned", offset: Int64 = 7, key: String? = nil,
             headers: [(String, String)] = []) -> MessageMapper.Outcome {
        let bytes = Array(json.utf8)
        return bytes.withUnsafeBytes {
            m.map($0, .init(topic: topic, partition: 1, offset: offset, timestampMs: 1_700_000_000_000, key: key.map { Array($0.utf8) },
                            topicKind: Kind(rawValue: topic), headers: { headers.map { (name: $0.0, value: $0.1) } }))
        }
    }

    func note(_ o: MessageMapper.Outcome) -> Notification? {
        if case .notification(let n) = o { return n } else { return nil }
    }

    @Test func aMessageForTheUserBecomesANotification() throws {
        let n = try #require(note(map(try mapper(), #"{"to":"alice@corp.example","msg":"Disk full","by":"bob","ticket_event_id":"t-1","ts":1764600000}"#)))
        #expect(n.id == "t-1")
        #expect(n.title == "Disk full")
        #expect(n.actor == "bob")
        #expect(n.kind == Kind(rawValue: "assigned"))
        #expect(n.createdAtMs == 1_764_600_000_000, "epoch seconds")
        #expect(!n.isMalformed)
    }

    @Test func otherPeoplesMessagesAreSkippedAndGroupsSelect() throws {
        let m = try mapper()
        guard case .skipped = map(m, #"{"to":"carol@corp.example","msg":"not yours"}"#) else { Issue.record("not skipped"); return }
        let team = try #require(note(map(m, #"{"team":"sre","msg":"Pager rotation","ts":1764600002000}"#)))
        #expect(team.createdAtMs == 1_764_600_002_000, "epoch milliseconds")
        #expect(team.id == "assigned/1/7", "no id: topic/partition/offset")
    }

    @Test func perKindOverridesAndInterpolation() throws {
        let n = try #require(note(map(try mapper(), #"{"to":"alice@corp.example","by":"dan","ticket":77}"#, topic: "mentions")))
        #expect(n.title == "dan mentioned you in #77")
    }

    @Test func variablesComeFromTheMessage() throws {
        let s = SchemaConfig(expressions: ["for_me": "$key == $user", "title": #""\($topic) \($partition) \($offset) \($kind) \($headers.h)""#,
                                           "id": "$timestamp"])
        let n = try #require(note(map(try mapper(s), "{}", topic: "mentions", key: "alice@corp.example", headers: [("h", "v")])))
        #expect(n.title == "mentions 1 7 mentions v")
        #expect(n.id == "1700000000000")
        guard case .skipped = map(try mapper(s), "{}", key: "bob") else { Issue.record("not skipped"); return }
    }

    @Test func failuresAndWrongTypesAreMalformedNeverFatal() throws {
        let m = try mapper(SchemaConfig(expressions: ["title": ".msg", "created_at": ".ts", "actor": "(.by // \"\") | ascii_downcase"]))
        for (json, why) in [("not json at all", "while parsing"), (#"{"msg":{"a":1}}"#, "title gave an object"),
                            (#"{"msg":"x","ts":"yesterday"}"#, "created_at"), (#"{"msg":"x","by":42}"#, "explode input must be a string"),
                            (#"{"nomsg":1}"#, "title and body gave nothing"), ("[1,2]", "Cannot index array")] {
            let n = try #require(note(map(m, json)), "\(json)")
            #expect(n.isMalformed, "\(json)")
            #expect((n.malformedReason ?? "").contains(why), "\(json): \(n.malformedReason ?? "")")
        }
    }

    @Test func hostileValuesStayDataAndNumbersBecomeText() throws {
        let m = try mapper(SchemaConfig(expressions: ["title": ".msg", "id": ".n", "actor": ".by"]))
        let n = try #require(note(map(m, #"{"msg":"\u001b]0;pwn\u0007 hi","n":12345,"by":"mallory\u202e"}"#)))
        #expect(n.id == "12345")
        #expect(n.title.contains("\u{1b}]0;pwn"), "kept as data; the screen sanitises it")
        #expect(TerminalText.sanitize(n.title).contains("\\x1b"))
    }

    @Test func aSyntaxErrorNamesItsKeyAndKind() {
        #expect { _ = try MessageMapper(schema: SchemaConfig(expressions: ["title": ".msg |||"]), user: "a", groups: []) } throws: { e in
            (e as? MapperError).map { $0.key == "title" && $0.kind == nil && !$0.message.isEmpty } ?? false
        }
        #expect { _ = try MessageMapper(schema: SchemaConfig(overrides: ["mentions": ["body": "{"]]), user: "a", groups: []) } throws: { e in
            (e as? MapperError).map { $0.key == "body" && $0.kind == "mentions" } ?? false
        }
    }

    @Test func identitiesHaveAnInjectiveTopicSafeForm() {
        let ids = ["alice", "alice@corp.example", "DOMAIN\\alice", "Zoë", "a_xb", "a_x5Fb", "a_x5F", "a b", "a.b-c_d", "_x", "李娜", "a@_x40"]
        let safe = ids.map(Identity.topicSafe)
        #expect(Set(safe).count == ids.count, "no two identities share a form")
        for (id, s) in zip(ids, safe) {
            #expect(Identity.decode(s) == id)
            #expect(s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D })
        }
        #expect(Identity.topicSafe("alice.b-c_d") == "alice.b-c_d", "plain names keep their topics")
        #expect(Identity.topicSafe("alice@corp.example") == "alice_x40corp.example")
    }
}

/// Selection comes first, on both paths (native plans and libjq).
@Suite struct SelectionFirstTests {
    @Test func aMessageForSomeoneElseIsSkippedWhateverItsOtherFieldsDo() throws {
        for title in [".msg", ".msg | ascii_downcase"] {  // a simple shape, and one only libjq runs
            let m = try MessageMapper(schema: SchemaConfig(expressions: ["for_me": ".to == $user", "title": title, "created_at": ".ts"]),
                                      user: "alice", groups: [])
            for json in [#"{"to":"carol","msg":{"an":"object"}}"#, #"{"to":"carol","msg":5,"ts":"no time"}"#] {
                let bytes = Array(json.utf8)
                let outcome = bytes.withUnsafeBytes {
                    m.map($0, .init(topic: "t", partition: 0, offset: 1, timestampMs: 0, key: nil, topicKind: nil))
                }
                guard case .skipped = outcome else { Issue.record("\(title) on \(json): not skipped"); continue }
            }
        }
    }
}
