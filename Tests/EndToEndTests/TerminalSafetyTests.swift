import Foundation
import Testing

/// Hostile messages produced with kcat never put a control character on a terminal.
@Suite(.serialized) struct TerminalSafetyTests {
    static let hostile: [String] = [
        #"{"id":"h1","title":"\u001b]0;pwned\u0007 title set","actor":"\u001b[2Jeve"}"#,
        #"{"id":"h2","title":"clear \u001b[2J\u001b[H screen \u009b31m c1 csi","body":"\u001bP+q\u001b\\ dcs"}"#,
        #"{"id":"h3","title":"bidi \u202eevil\u202c and zero\u200bwidth, bell \u0007, del \u007f"}"#,
        #"{"id":"h4","title":"osc52 \u001b]52;c;aGVsbG8=\u0007 clipboard"}"#,
        "raw \u{1b}[31m not json \u{1b}]0;x\u{07}",
        #"{"id":"h6","title":"wide 漢字 and emoji 🎉 fine"}"#,
    ]

    /// Bytes a terminal would act on: C0 except \n \r, DEL, C1 (as UTF-8), and ESC.
    func dangerous(_ text: String, allowSGR: Bool) -> [String] {
        var text = text
        if allowSGR { text = text.replacing(/\x{1b}\[[0-9;]*m/, with: "") }
        return text.unicodeScalars.compactMap { s in
            let v = s.value
            let bad = (v < 0x20 && v != 0x0A && v != 0x0D && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v)
                || v == 0x202E || v == 0x202C
            return bad ? String(format: "U+%04X", v) : nil
        }
    }

    @Test(arguments: [false, true])
    func watchOnATerminalShowsHostileMessagesInert(color: Bool) throws {
        let script = try #require(Harness.which("script"), "script (bsdutils) is needed to give watch a pty")
        let broker = try BrokerProcess(arguments: ["--user", "mallory"])
        for (i, value) in Self.hostile.enumerated() {
            _ = try Harness.kcat(broker.bootstrap, ["-P", "-t", "notify.mallory.owner", "-k", "k\(i)"], input: value)
        }
        let command = "\(Harness.binary) watch -b \(broker.bootstrap) --user mallory --from beginning --exit-at-end"
            + (color ? "" : " --no-color")
        let r = try Harness.run(script, ["-qfec", command, "/dev/null"], environment: ["TERM": "xterm-256color"],
                                holdInputOpen: true)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(whereSeparator: \.isNewline)
        #expect(lines.count == Self.hostile.count)
        #expect(dangerous(r.stdout, allowSGR: color).isEmpty, "terminal output had \(dangerous(r.stdout, allowSGR: color))")
        #expect(r.stdout.contains("\\x1b]0;pwned"))
        #expect(r.stdout.contains("\\u202e"))
        #expect(r.stdout.contains("漢字"))
        #expect(r.stdout.contains("malformed"))
    }

    @Test func pipedWatchIsValidJSONEvenForMalformedInput() throws {
        let broker = try BrokerProcess(arguments: ["--user", "mallory"])
        for (i, value) in Self.hostile.enumerated() {
            _ = try Harness.kcat(broker.bootstrap, ["-P", "-t", "notify.mallory.watching", "-k", "k\(i)"], input: value)
        }
        let r = try Harness.inbox(["watch", "-b", broker.bootstrap, "--user", "mallory", "--from", "beginning", "--exit-at-end"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.lines.count == Self.hostile.count)
        var malformed = 0
        for line in r.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["malformed"] as? Bool == true {
                malformed += 1
                #expect((object["raw"] as? String)?.contains("not json") == true)
            }
        }
        #expect(malformed == 1)
    }
}
