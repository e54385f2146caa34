import InboxEvents
import InboxSystem
import CNCurses
import Glibc
import InboxCore
import Testing
@testable import InboxTUI

@Suite struct EventQueueTests {
    /// Bytes waiting in the wake-up pipe (read without consuming the queue).
    func pipeBytes(_ queue: EventQueue) -> Int {
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = buffer.withUnsafeMutableBytes { read(queue.readFD, $0.baseAddress, $0.count) }
        return max(0, n)
    }

    @Test func wakesOnlyOnEmptyToNonEmptyAndDrainsInOrder() throws {
        let queue = try EventQueue()
        #expect(pipeBytes(queue) == 0)
        queue.push(.pendingReceipts(1))
        queue.push(contentsOf: [.pendingReceipts(2), .error("x")])
        queue.push(.pendingReceipts(3))
        #expect(pipeBytes(queue) == 1)
        #expect(queue.drain() == [.pendingReceipts(1), .pendingReceipts(2), .error("x"), .pendingReceipts(3)])
        #expect(queue.drain().isEmpty)
        queue.push(.pendingReceipts(4))
        #expect(pipeBytes(queue) == 1)
    }

    @Test func drainEmptiesThePipeSoPollSleeps() throws {
        let queue = try EventQueue()
        queue.push(.error("a"))
        _ = queue.drain()
        let ready = try Posix.poll([queue.readFD], timeoutMs: 0)
        #expect(ready == [0])
        queue.push(.error("b"))
        #expect(try Posix.poll([queue.readFD], timeoutMs: 0)[0] & Int16(POLLIN) != 0)
    }

    @Test func pushesFromManyThreadsAreAllDelivered() async throws {
        let queue = try EventQueue()
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<500 { queue.push(.pendingReceipts(t * 1000 + i)) }
                }
            }
        }
        let events = queue.drain()
        #expect(events.count == 4000)
        #expect(Set(events).count == 4000)
    }
}

@Suite struct CellGridTests {
    @Test func wideCharacterNeverStraddlesTheFieldEnd() {
        var grid = CellGrid(rows: 1, cols: 6)
        let used = grid.put("ab日本", row: 0, col: 0, maxWidth: 5, ellipsis: false)
        #expect(used == 5)
        #expect(grid.line(0) == "ab日")
        #expect(grid[0, 4].character == " ")
        grid.put("日本語", row: 0, col: 0)
        #expect(grid.line(0) == "日本語")
        #expect(grid.put("xyz", row: 0, col: 6) == 0)
    }

    @Test func aMegabyteTitleIsCutLikeAShortOne() {
        var grid = CellGrid(rows: 2, cols: 20)
        let huge = "\u{1b}[31mé" + String(repeating: "é", count: 1_000_000)
        grid.put(huge, row: 0, col: 0)
        grid.put(String(huge.prefix(60)), row: 1, col: 0)
        #expect(grid.line(0) == grid.line(1))
        #expect(grid.line(0) == "\\x1b[31m" + String(repeating: "é", count: 11) + "…")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var grid = CellGrid(rows: 1, cols: 6)
        grid.put("日本語", row: 0, col: 0)
        grid.put("x", row: 0, col: 3)
        #expect(grid.line(0) == "日 x語")
        #expect(grid[0, 2].width == 1)
    }

    @Test func ellipsisAndCombiningMarks() {
        var grid = CellGrid(rows: 1, cols: 10)
        grid.put("e\u{301}e\u{301}e\u{301} long text", row: 0, col: 0, maxWidth: 8)
        #expect(grid.line(0) == "\u{e9}\u{e9}\u{e9} lon…")
        #expect(CellGrid.width("👨‍👩‍👧") == 2)
    }
}

@Suite struct KeyTests {
    @Test func decodesCharactersControlsAndFunctionKeys() {
        let ok = CNCurses_ok()
        let yes = CNCurses_keyCodeYes()
        #expect(Terminal.decodeKey(status: ok, value: UInt32(UInt8(ascii: "j"))) == .char("j"))
        #expect(Terminal.decodeKey(status: ok, value: 4) == .ctrl("d"))
        #expect(Terminal.decodeKey(status: ok, value: 21) == .ctrl("u"))
        #expect(Terminal.decodeKey(status: ok, value: 13) == .enter)
        #expect(Terminal.decodeKey(status: ok, value: 27) == .escape)
        #expect(Terminal.decodeKey(status: ok, value: 127) == .backspace)
        #expect(Terminal.decodeKey(status: ok, value: 0x65E5) == .char("日"))
        #expect(Terminal.decodeKey(status: ok, value: 0x9B) == nil)
        #expect(Terminal.decodeKey(status: yes, value: UInt32(CNCurses_keyDown())) == .down)
        #expect(Terminal.decodeKey(status: yes, value: UInt32(CNCurses_keyNPage())) == .pageDown)
        #expect(Terminal.decodeKey(status: yes, value: UInt32(CNCurses_keyResize())) == .resize)
        #expect(Terminal.decodeKey(status: CNCurses_err(), value: 0) == nil)
    }

    @Test func everyActionHasAKeyAndNoKeyIsBoundTwice() {
        let map = KeyMap.standard
        let bound = Set(map.bindings.map(\.action))
        #expect(bound == Set(Action.allCases))
        let keys = map.bindings.flatMap(\.keys)
        #expect(keys.count == Set(keys).count)
        #expect(map.action(for: .char("e")) == .acknowledge)
        #expect(map.helpLines().last == "q        quit")
    }
}

@Suite struct FormattingTests {
    @Test func relativeAges() {
        let now = Fixture.now
        #expect(TextFormat.relativeAge(fromMs: now - 59_000, nowMs: now) == "now")
        // Extreme values (e.g. from an old snapshot) never trap.
        #expect(TextFormat.relativeAge(fromMs: Int64.min, nowMs: now) == "old")
        #expect(TextFormat.relativeAge(fromMs: Int64.max, nowMs: now) == "now")
        #expect(!TextFormat.utcTime(ms: Int64.min).isEmpty)
        #expect(TextFormat.relativeAge(fromMs: now - 5 * 60_000, nowMs: now) == "5m")
        #expect(TextFormat.relativeAge(fromMs: now - 3 * 3_600_000, nowMs: now) == "3h")
        #expect(TextFormat.relativeAge(fromMs: now - 2 * 86_400_000, nowMs: now) == "2d")
        #expect(TextFormat.relativeAge(fromMs: now - 15 * 86_400_000, nowMs: now) == "2w")
        #expect(TextFormat.relativeAge(fromMs: now - 800 * 86_400_000, nowMs: now) == "2y")
        #expect(TextFormat.relativeAge(fromMs: now + 60_000, nowMs: now) == "now")
    }

    @Test func utcTimes() {
        #expect(TextFormat.utcTime(ms: 0) == "1970-01-01 00:00:00Z")
        #expect(TextFormat.utcTime(ms: Fixture.now) == "2026-11-25 14:00:00Z")
        #expect(TextFormat.utcTime(ms: 951_782_400_000) == "2000-02-29 00:00:00Z")
        #expect(TextFormat.utcTime(ms: -1000) == "1969-12-31 23:59:59Z")
    }

    @Test func wrapsByDisplayWidth() {
        #expect(TextFormat.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextFormat.wrap("日本語日本語", width: 5) == ["日本", "語日", "本語"])
        #expect(TextFormat.wrap("a\nb", width: 5) == ["a", "b"])
        #expect(TextFormat.wrap("abcdefgh", width: 3) == ["abc", "def", "gh"])
    }

    @Test func browserArgumentsAreAnArgvNeverAShell() {
        #expect(URLOpener(browser: "firefox --new-tab %s:chromium").arguments(for: "https://a.test/?q=1;rm")
                == ["firefox", "--new-tab", "https://a.test/?q=1;rm"])
        #expect(URLOpener(browser: "xdg-open").arguments(for: "https://b.test") == ["xdg-open", "https://b.test"])
    }

    @Test func base64ForOSC52() {
        #expect(String(decoding: Base64.encode(Array("hello".utf8)), as: UTF8.self) == "aGVsbG8=")
        #expect(String(decoding: Base64.encode(Array("hi!".utf8)), as: UTF8.self) == "aGkh")
        #expect(InboxApp.msToNextMinute(120_001) == 59_999)
    }
}
