import InboxCore
import Testing
@testable import InboxTUI

/// `[theme]`: colour names, palette numbers and truecolour, drawn with what the terminal has.
@Suite struct ThemeTests {
    @Test func coloursReadAndFallBackToWhatTheTerminalHas() {
        #expect(ThemeColor(parsing: "Red") == .red)
        #expect(ThemeColor(parsing: "bright-blue") == .indexed(12))
        #expect(ThemeColor(parsing: "color208") == .indexed(208) && ThemeColor(parsing: "208") == .indexed(208))
        #expect(ThemeColor(parsing: "#ff8700") == .rgb(255, 135, 0))
        #expect(ThemeColor(parsing: "default") == .terminalDefault)
        for bad in ["pink", "256", "#ff87", "#gg0000", ""] { #expect(ThemeColor(parsing: bad) == nil, "\(bad)") }
        let orange = ThemeColor.rgb(255, 135, 0)
        #expect(orange.number(colors: 1 << 24) == 0xFF8700, "direct colour")
        #expect(orange.number(colors: 256) == 208, "the xterm cube")
        #expect(orange.number(colors: 8) == 3, "yellow, the nearest basic one")
        #expect(ThemeColor.indexed(208).number(colors: 8) == 0)
        #expect(ThemeColor.blue.number(colors: 8) == 4)
    }

    @Test func theThemeTakesElementsByNameAndNamesTheLineOfAMistake() throws {
        let t = try Theme.standard.applying([("header", "#5f87ff", "l1"), ("kind-owner", "bright-magenta", "l2")])
        #expect(t.color(for: .header) == .rgb(0x5F, 0x87, 0xFF))
        #expect(t.color(for: .kindOwner) == .indexed(13))
        #expect(t.color(for: .unread) == Theme.standard.color(for: .unread))
        #expect(throws: KeyMapError(message: "l3: 'pink' is not a colour; use a name (red, bright-blue, default), a palette number (0-255) or #rrggbb")) {
            try Theme.standard.applying([("header", "pink", "l3")])
        }
        do { _ = try Theme.standard.applying([("footer", "red", "l4")]) } catch {
            #expect(error.message.hasPrefix("l4: [theme] has no element 'footer'; elements: header, unread, kind-group"))
        }
    }
}
