import InboxCore
@testable import InboxFeed
import Testing

/// `[schema] actions`: a mapped producer offers actions the way a native one does.
@Suite struct MappedActionsTests {
    let mapping = MapperTests()

    @Test func anArrayBecomesTheNotificationsActions() throws {
        let schema = SchemaConfig(expressions: ["title": ".msg", "actions": #"[.buttons[] | {id: .key, label: .text, url}]"#],
                                  overrides: [:])
        let m = try mapping.mapper(schema)
        let n = try #require(mapping.note(mapping.map(m, #"{"msg":"deploy?","buttons":[{"key":"ok","text":"Ship it"},{"key":"log","text":"Log","url":"https://ci/1"}]}"#)))
        #expect(NotificationAction.list(of: n) == [NotificationAction(id: "ok", label: "Ship it"),
                                                   NotificationAction(id: "log", label: "Log", url: "https://ci/1")])
        #expect(NotificationJSON.line(n, state: .unread).contains(#""actions":[{"id":"ok","label":"Ship it","url":null},"#))
    }

    @Test func somethingElseIsAMalformedEntryNamingTheKey() throws {
        let m = try mapping.mapper(SchemaConfig(expressions: ["title": ".msg", "actions": ".msg"], overrides: [:]))
        let n = try #require(mapping.note(mapping.map(m, #"{"msg":"hi"}"#)))
        #expect(n.isMalformed)
        #expect(n.malformedReason?.contains("actions") == true)
    }
}
