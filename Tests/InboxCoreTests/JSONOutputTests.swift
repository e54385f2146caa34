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
}
