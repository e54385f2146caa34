import Testing
@testable import InboxCore

@Suite struct TerminalWidthTests {
    @Test(arguments: [
        ("abc", 3), ("中文字", 6), ("한국어", 6), ("日本語テキスト", 14), ("😀", 2), ("👍🏽", 4),
        ("e\u{301}", 1), ("a\u{20DD}", 1), ("ｆｕｌｌ", 8), ("ｶﾅ", 2), ("", 0), ("\u{1100}\u{1161}\u{11A8}", 2),
        ("zero\u{200D}joiner", 10),
    ])
    func widths(text: String, columns: Int) {
        #expect(TerminalText.width(text) == columns)
    }

    @Test func truncateRespectsWideCharacters() {
        #expect(TerminalText.truncate("中文字符串", toWidth: 6) == "中文…")
        #expect(TerminalText.width(TerminalText.truncate("中文字符串", toWidth: 6)) == 5)
        #expect(TerminalText.truncate("😀😀😀", toWidth: 4) == "😀…")
        #expect(TerminalText.truncate("abcdef", toWidth: 4) == "abc…")
        #expect(TerminalText.truncate("abcd", toWidth: 4) == "abcd")
        #expect(TerminalText.truncate("abc", toWidth: 0) == "")
        #expect(TerminalText.truncate("e\u{301}e\u{301}e\u{301}", toWidth: 3) == "e\u{301}e\u{301}e\u{301}")
    }

    @Test(arguments: 1...12)
    func fitIsExact(columns: Int) {
        for text in ["中文字符串", "a😀b😀c", "e\u{301}\u{302}xyz", "plain ascii text", "ｶﾅ"] {
            let fitted = TerminalText.fit(text, width: columns)
            #expect(TerminalText.width(fitted) == columns || (TerminalText.width(fitted) == columns - 1 && columns >= 2),
                    "\(fitted.debugDescription) at \(columns)")
            #expect(TerminalText.width(fitted) <= columns)
        }
    }

    @Test func lineSanitisesThenCuts() {
        let line = TerminalText.line("\u{1B}[31m中文", width: 8)
        #expect(line == "\\x1b[31…")
        #expect(TerminalText.width(line) <= 8)
        #expect(isTerminalSafe(line))
    }
}
