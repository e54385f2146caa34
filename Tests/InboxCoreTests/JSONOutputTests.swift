import Foundation
import Testing
@testable import InboxCore

@Suite struct JSONOutputTests {
    @Test func writerEscapesEverythingNeeded() throws {
        var all = ""
        for v in 0..<0x20 { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        all += "\"\\/\u{7F}\u{85}\u{9B}\u{2028}\u{2029}\u{202E}é中😀"
        let quoted = JSONWriter.quoted(all)
        #expect(!quoted.utf8.contains { $0 < 0x20 || $0 == 0x7F })
        #expect(quoted.hasPrefix(#""\u0000\u0001"#))
        #expect(quoted.contains(#"\b\t\n\u000b\f\r"#))
        #expect(quoted.contains(#"\"\\/\u007f\u0085\u009b\u2028\u2029\u202eé中😀""#))
        let back = try JSONSerialization.jsonObject(with: Data(quoted.utf8), options: [.fragmentsAllowed])
        #expect(back as? String == all)
    }

    @Test func writerStructureAndCommas() throws {
        var w = JSONWriter()
        w.beginObject()
        w.field("a", "x")
        w.field("skip", nil as String?)
        w.key("list"); w.beginArray(); w.int(1); w.int(-42); w.bool(true); w.null(); w.beginObject(); w.endObject(); w.endArray()
        w.field("n", Int64.min)
        w.key("raw"); w.raw(#"{"k":[1]}"#)
        w.endObject()
        #expect(w.text == #"{"a":"x","list":[1,-42,true,null,{}],"n":-9223372036854775808,"raw":{"k":[1]}}"#)
        _ = try parseJSONObject(w.text)
    }

    func sample(malformed: Bool = false) -> InboxCore.Notification {
        if malformed { return decode(bytes: Array("\u{1B}[2J not json \u{FF}".utf8) + [0xFF]) }
        return decode(#"{"id":"01J","kind":"owner","user":"alice","title":"t \u001b[31m \u2028 \"q\"","# +
                      #""actor":"bob","created_at":"2026-11-25T14:00:00.5Z","object":{"type":"graph","id":"123"},"# +
                      #""n":12,"s":"str","o":{"a":[true,null]},"s":"dup"}"#)
    }

    @Test func notificationLineParsesWithFoundation() throws {
        let line = NotificationJSON.line(sample(), state: .read)
        #expect(!line.contains("\n"))
        let obj = try parseJSONObject(line)
        #expect(obj["id"] as? String == "01J")
        #expect(obj["kind"] as? String == "owner")
        #expect(obj["title"] as? String == "t \u{1B}[31m \u{2028} \"q\"")
        #expect(obj["body"] is NSNull)
        #expect(obj["created_at"] as? String == "2026-11-25T14:00:00.500Z")
        #expect((obj["object"] as? [String: Any])?["id"] as? String == "123")
        let extra = try #require(obj["extra"] as? [String: Any])
        #expect((extra["n"] as? NSNumber)?.intValue == 12)
        #expect(extra["s"] as? String == "str")
        #expect(((extra["o"] as? [String: Any])?["a"] as? [Any])?.count == 2)
        #expect(obj["topic"] as? String == testSource.topic)
        #expect((obj["partition"] as? NSNumber)?.intValue == 2)
        #expect((obj["offset"] as? NSNumber)?.intValue == 41)
        #expect(obj["state"] as? String == "read")
        #expect((obj["malformed"] as? NSNumber)?.boolValue == false)
        #expect(obj["raw"] == nil)
    }

    @Test func keyOrderIsStable() {
        let line = NotificationJSON.line(sample(), state: .unread)
        let keys = ["\"id\"", "\"kind\"", "\"user\"", "\"title\"", "\"body\"", "\"actor\"", "\"url\"",
                    "\"created_at\"", "\"object\"", "\"extra\"", "\"topic\"", "\"partition\"", "\"offset\"",
                    "\"state\"", "\"malformed\""]
        let positions = keys.map { line.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test func malformedLine() throws {
        let obj = try parseJSONObject(NotificationJSON.line(sample(malformed: true), state: .unread))
        #expect((obj["malformed"] as? NSNumber)?.boolValue == true)
        #expect((obj["malformed_reason"] as? String)?.hasPrefix("not JSON") == true)
        #expect(obj["raw"] as? String == #"\x1b[2J not json ÿ\xff"#)
        #expect(obj["object"] is NSNull)
    }

    @Test func invalidJSONExtraIsWrittenAsString() throws {
        var n = sample()
        n.extra = [ExtraField(key: "bad", value: "{not json", isJSON: true), ExtraField(key: "bad", value: "2")]
        let extra = try #require(try parseJSONObject(NotificationJSON.line(n, state: .read))["extra"] as? [String: Any])
        #expect(extra["bad"] as? String == "{not json")
        #expect(extra.count == 1)
    }

    /// Whatever the decoder produces, from whatever bytes, the JSON line is valid.
    @Test func everyDecodedValueGivesValidJSON() throws {
        var rng = SplitMix64(state: 42)
        let pieces: [String] = ["{", "}", "\"title\":", "\"x\":", "\"", "\\u", "d83d", "\\", ",", "[", "]", "1e5",
                                "\u{1B}", "\u{0}", "\u{2028}", "中", "😀", "null", " "]
        for _ in 0..<400 {
            var bytes = Array("{\"title\":\"".utf8)
            for _ in 0..<Int.random(in: 0...12, using: &rng) {
                if Bool.random(using: &rng) {
                    bytes += Array(pieces.randomElement(using: &rng)!.utf8)
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &rng))
                }
            }
            bytes += Array("\",\"e\":[\"\\ud800\", 1.5]}".utf8)
            let n = decode(bytes: bytes)
            let line = NotificationJSON.line(n, state: .acknowledged)
            let obj = try parseJSONObject(line)
            #expect(obj["title"] as? String == n.title)
        }
    }
    /// The escaping rules, one scalar at a time: what the writer's word-at-a-time escaper
    /// must agree with.
    static func referenceQuoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    @Test func escapingAgreesWithTheRulesAtEveryPositionOfAWord() {
        let specials = ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2027}",
                        "\u{202E}", "\u{2066}", "é", "中", "😀", " ", "~"]
        for length in 0...26 {
            let plain = String((0..<length).map { Character(UnicodeScalar(UInt8(0x61 + $0 % 26))) })
            #expect(JSONWriter.quoted(plain) == "\"" + plain + "\"")
            for special in specials {
                for at in 0...length {
                    var text = plain
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: at))
                    #expect(JSONWriter.quoted(text) == Self.referenceQuoted(text), "\(length) \(at) \(special.unicodeScalars.first!.value)")
                }
            }
        }
    }

    /// A line written from the inbox's packed text in place is byte for byte the line of
    /// the notification unpacked, for every kind of field, state and triage fact.
    @Test func packedLinesAreTheLinesOfTheNotifications() throws {
        var inbox = Inbox()
        var rng = SplitMix64(state: 9)
        let pieces = ["a", "é", "\u{1B}[31m", "\\\"", "\u{2028}", "中文", "😀", "\u{85}", " ", "12345678"]
        func text() -> String { (0..<Int(rng.next() % 12)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined() }
        inbox.insert(sample())
        inbox.insert(sample(malformed: true))
        for i in 0..<300 {
            var n = InboxCore.Notification(id: "n\(i)\(text())", kind: Kind.standard[i % 3], user: i % 2 == 0 ? text() : nil,
                                           title: text(), body: i % 3 == 0 ? text() : nil, actor: i % 5 == 0 ? nil : text(),
                                           url: i % 4 == 0 ? "https://e.org/\(i)" : nil, createdAtMs: Int64(rng.next() % 4_000_000_000_000),
                                           objectType: i % 6 == 0 ? "graph" : nil, objectID: i % 7 == 0 ? "\(i)" : nil,
                                           source: SourcePosition(topic: "notify.alice.owner", partition: Int32(i % 3), offset: Int64(i)))
            if i % 9 == 0 { n.extra = [ExtraField(key: "n", value: "\(i)", isJSON: true), ExtraField(key: "s", value: text())] }
            if i % 11 == 0 {
                n.extra.append(ExtraField(key: "actions", value: #"[{"id":"approve","label":"OK"},{"id":"open","url":"https://e.org"}]"#, isJSON: true))
            }
            inbox.insert(n)
            if i % 4 == 1 { inbox.setState(.read, for: n.id) }
            if i % 8 == 3 { inbox.setState(.snoozed, for: n.id, untilMs: 1_800_000_000_000) }
        }
        inbox.setMuted(true, at: 5)
        var all = JSONWriter()
        var expected = ""
        let rows = inbox.newestFirst()
        for i in rows {
            let n = inbox.notification(at: i)
            let line = NotificationJSON.line(n, state: inbox.state(at: i), triage: NotificationJSON.Triage(inbox, at: i))
            var w = JSONWriter()
            NotificationJSON.append(inbox, at: i, to: &w)
            #expect(w.text == line)
            _ = try parseJSONObject(w.text)
            expected += line + "\n"
        }
        NotificationJSON.appendLines(inbox, rows: rows[...], to: &all)
        #expect(all.text == expected)
        #expect(all.count == expected.utf8.count)
    }
}
