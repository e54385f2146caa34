import Foundation
import InboxCore
import Testing
@testable import InboxService

/// Config files as editors write them (CRLF, BOM) and settings of the wrong type or range.
@Suite struct ConfigFileTests {
    func settings(_ text: String) throws -> Settings {
        let dir = NSTemporaryDirectory() + "config-unit-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/config.toml"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try Settings.resolve(SettingsInput(configPath: path), environment: ["USER": "fallback"])
    }

    func failure(_ text: String) -> ServiceError? {
        do { _ = try settings(text); return nil } catch let e as ServiceError { return e } catch { return nil }
    }

    @Test func crlfLineEndingsReadEveryLine() throws {
        let toml = TOMLSubset.self
        let t = try toml.init("brokers = \"127.0.0.1:1\"\r\nuser = \"alice\"\r\n[topics]\r\nkinds = [\"owner\"]\r\n")
        #expect(t["user"] == .string("alice"))
        #expect(t["topics", "kinds"] == .array([.string("owner")]))
        let s = try settings("brokers = \"127.0.0.1:1\"\r\nuser = \"alice\"\r\n")
        #expect(s.user == "alice")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let s = try settings("\u{FEFF}user = \"alice\"\n")
        #expect(s.user == "alice")
    }

    @Test func aStrayCarriageReturnInsideALineIsAnError() {
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset("user = \"alice\"\r # \r\nx = 1\rjunk\n") }
    }

    @Test func hugeTimeoutIsAConfigErrorNotACrash() {
        let f = failure("timeout = 3000000\n")
        #expect(f == .configuration(f?.message ?? ""))
        #expect(f?.message.contains("3600") == true)
    }

    @Test func wrongTypesAreConfigErrors() {
        for text in ["brokers = 9092\n", "user = 42\n", "[topics]\nkinds = \"owner\"\n", "[topics]\nkinds = []\n",
                     "[topics]\npatterns = '^notify'\n", "[topics]\nreceipts = true\n"] {
            let f = failure(text)
            #expect(f == .configuration(f?.message ?? ""), "\(text.debugDescription)")
        }
        #expect(failure("brokers = [\"a:1\", \"b:2\"]\n") == nil)
    }

    @Test func kindNamesFollowTheSameRuleAsMessagesAndFlags() {
        for bad in ["ow ner", "a/b", String(repeating: "k", count: 65)] {
            #expect(!Kind.isValidName(bad))
            let f = failure("[topics]\nkinds = [\"\(bad)\"]\n")
            #expect(f?.message.contains("is not a kind name") == true, "\(bad)")
        }
        #expect(failure("[topics]\nkinds = [\"billing.v2\", \"on-call\"]\n") == nil)
    }

    @Test func schemaMistakesAreConfigErrorsNamingTheFix() {
        let shared = "[topics]\nnotifications = \"{kind}\"\nkinds = [\"assigned\"]\n"
        #expect(failure(shared + "[schema]\ntitle = '.msg'\n")?.message.contains("for_me") == true, "shared topics need for_me")
        #expect(failure(shared + "[schema]\nfor_me = 'true'\nactor = '.by'\n")?.message.contains("neither title nor body") == true)
        #expect(failure(shared + "[schema]\nfor_me = 'true'\ntitle = '.msg'\n[schema.asigned]\ntitle = '.x'\n")?.message
                .contains("[schema.asigned]") == true, "a per-kind table for a kind that is not read: a typo")
        #expect(failure("[topics]\npatterns = ['^events\\..*']\n")?.message.contains("for_me") == true,
                "a pattern without {user} reads everyone's topics")
        #expect(failure(shared + "[schema]\nfor_me = '.to == $user'\ntitle = '.msg'\n[schema.assigned]\nbody = '.b'\n") == nil)
    }

    @Test func plainNamesKeepTheirTopicsUnderTheSafeForm() {
        for name in ["alice", "alex_xiao", "a.b-c_d", "_x"] { #expect(Identity.topicSafe(name) == name, "\(name)") }
        #expect(Identity.topicSafe("a_x41") == "a_x5Fx41", "an escape-like run is escaped itself")
        #expect(Identity.decode("a_x5Fx41") == "a_x41")
    }
}
