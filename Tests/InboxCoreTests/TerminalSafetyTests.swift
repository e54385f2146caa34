import Testing
@testable import InboxCore

/// Hostile but well-formed notifications decode, and sanitise into inert text.
@Suite struct TerminalSafetyTests {
    static let hostile: [String] = [
        "\u{1B}[2J\u{1B}[H cleared",                         // CSI
        "\u{1B}]0;pwned\u{07}title",                          // OSC set title (BEL)
        "\u{1B}]8;;https://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\", // OSC 8 hyperlink (ST)
        "\u{1B}P+q544e\u{1B}\\ dcs",                          // DCS
        "\u{1B}_apc\u{1B}\\ and \u{1B}^pm\u{1B}\\",           // APC, PM
        "\u{9B}31m c1 csi \u{9D}0;x\u{9C} \u{85}nel",         // C1 forms
        "nul\u{0}bell\u{7}bs\u{8}del\u{7F}vt\u{B}ff\u{C}",     // C0 and DEL
        "user \u{202E}gpj.exe\u{202C} \u{2066}iso\u{2069} \u{200F}", // bidi
        "zero\u{200B}width\u{2060}joiner\u{FEFF}bom\u{AD}shy\u{3164}filler\u{E0041}tag",
        "\u{301}leading mark",
        "Z" + String(repeating: "\u{336}\u{337}", count: 40) + "algo",
    ]

    @Test(arguments: hostile)
    func hostileTitlesDecodeAndSanitise(_ text: String) throws {
        let json = "{\"title\": \(JSONWriter.quoted(text)), \"body\": \(JSONWriter.quoted(text + "\n2nd")), "
            + "\(JSONWriter.quoted("k" + text)): \(JSONWriter.quoted(text))}"
        let n = decode(json)
        #expect(!n.isMalformed)
        #expect(n.title == text)
        for shown in displayedStrings(n) {
            #expect(isTerminalSafe(shown), "\(shown.debugDescription)")
            #expect(!shown.unicodeScalars.contains { $0.value == 0x1B })
        }
        let preview = TerminalText.sanitize(n.body!, keepNewlines: true)
        #expect(preview.split(separator: "\n").allSatisfy { isTerminalSafe(String($0)) })
    }

    @Test func escapesAreVisible() {
        #expect(TerminalText.sanitize("a\u{1B}[31mb") == "a\\x1b[31mb")
        #expect(TerminalText.sanitize("x\u{9B}y\u{7F}") == "x\\x9by\\x7f")
        #expect(TerminalText.sanitize("\u{202E}abc") == "\\u202eabc")
        #expect(TerminalText.sanitize("a\tb\nc") == "a b c")
        #expect(TerminalText.sanitize("a\nb", keepNewlines: true) == "a\nb")
    }

    @Test func zeroWidthTricksRemoved() {
        #expect(TerminalText.sanitize("pay\u{200B}pal\u{2060}\u{FEFF}\u{AD}") == "paypal")
        #expect(TerminalText.sanitize("a\u{3164}b\u{FFA0}c\u{2064}d\u{206F}e") == "abcde")
        #expect(TerminalText.sanitize("\u{301}e\u{301}") == "e\u{301}")
    }

    @Test func emojiSequencesSurvive() {
        let family = "👨\u{200D}👩\u{200D}👧"
        #expect(TerminalText.sanitize(family) == family)
        #expect(TerminalText.sanitize("❤\u{FE0F}") == "❤\u{FE0F}")
    }

    @Test func combiningStacksAreCapped() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 50) + "b"
        let clean = TerminalText.sanitize(zalgo)
        #expect(clean.unicodeScalars.count == 2 + TerminalText.maxCombiningMarks)
        #expect(TerminalText.width(clean) == 2)
        let vietnamese = "Nguyễn Việt"
        #expect(TerminalText.sanitize(vietnamese) == vietnamese)
    }

    @Test func wideTextDecodesAndFits() {
        let title = "图表 'pathways' 已更新 🎉 by 山田"
        let n = decode("{\"title\": \(JSONWriter.quoted(title))}")
        #expect(n.title == title)
        #expect(TerminalText.width(n.title) == 33)
        let cut = TerminalText.line(n.title, width: 10)
        #expect(cut == "图表 'pat…")
        #expect(TerminalText.width(cut) == 10)
        #expect(TerminalText.width(TerminalText.fit(n.title, width: 40)) == 40)
    }
}
