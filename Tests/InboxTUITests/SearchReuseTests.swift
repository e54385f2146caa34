import InboxEvents
import InboxSystem
import InboxCore
import Testing
@testable import InboxTUI

/// Incremental search keeps the matches of each query and refines them; every result must
/// equal a fresh search (brute force over the rows, from the origin, wrapping).
@Suite struct SearchReuseTests {
    /// A deterministic generator (tests must not depend on the system's randomness).
    struct Rand {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
    }

    static let words = ["graph", "Path", "pathways", "ab", "ba", "abba", "x1", "x12", "Ünïcode", "GRACE", "race", "12"]

    static func notes(_ count: Int, seed: UInt64) -> [Notification] {
        var r = Rand(state: seed)
        return (0..<count).map { i in
            func phrase() -> String { (0..<(1 + r.next(4))).map { _ in words[r.next(words.count)] }.joined(separator: " ") }
            let body: String? = r.next(3) == 0 ? phrase() : nil
            let actor: String? = r.next(4) == 0 ? nil : words[r.next(words.count)]
            return Fixture.note("n\(i)", kind: [Kind.group, .owner, .watching][i % 3], minutesAgo: Int64(r.next(count * 2)),
                                title: phrase() + " \(i)", actor: actor, body: body, offset: Int64(i))
        }
    }

    /// The first row matching `query` from `origin`, wrapping, by reading every row.
    static func fresh(_ model: InboxModel, _ query: String, origin: Int) -> Int? {
        let q = query.lowercased()
        let count = model.rows.count
        for step in 0..<count {
            let row = (origin + step) % count
            let n = model.notification(atRow: row)
            if [n.title, n.actor, n.body].contains(where: { $0?.lowercased().contains(q) ?? false }) { return row }
        }
        return nil
    }

    /// Types `keys` after `/` (`<` is backspace), checking the cursor after each key.
    static func check(_ model: inout InboxModel, origin: Int, keys: String) {
        model.moveCursor(to: origin)
        let start = model.cursor
        _ = model.handle(.char("/"))
        var lastRow = model.cursor
        for k in keys {
            _ = model.handle(k == "<" ? .backspace : .char(k))
            let query = model.search.query
            guard !query.isEmpty else { continue }
            let expected = fresh(model, query, origin: start)
            if let expected {
                #expect(model.cursor == expected, "query '\(query)' from row \(start)")
                lastRow = expected
            } else {
                #expect(model.message == "no match: " + query)
                #expect(model.cursor == lastRow, "no match leaves the cursor: '\(query)'")
            }
            // The kept matches are exactly the matching steps among those scanned.
            if let m = model.searchMatches.last {
                let count = model.rows.count
                let brute = (0..<m.scanned).filter { step in
                    let n = model.notification(atRow: (start + step) % count)
                    let q = query.lowercased()
                    return [n.title, n.actor, n.body].contains { $0?.lowercased().contains(q) ?? false }
                }
                #expect(m.steps == brute, "kept matches of '\(query)'")
            }
        }
        _ = model.handle(.escape)
    }

    @Test func typedQueriesEqualFreshSearches() {
        var model = Fixture.model(Self.notes(400, seed: 7))
        for (origin, keys) in [(0, "pathways 1"), (123, "grace race"), (399, "x12<<<<1"), (57, "abba<<a q<<<ba"),
                               (200, "ÜNÏ"), (5, "zz<<path"), (300, "GR<<gr"), (17, "12 3"), (250, "a b<<<<<<a")] {
            Self.check(&model, origin: origin, keys: keys)
        }
    }

    /// Enough rows that a keystroke stops testing past its first match (partial match
    /// lists), so longer queries refine partial lists and then scan on.
    @Test func partialMatchListsAreRefinedCorrectly() {
        var model = Fixture.model(Self.notes(6000, seed: 11))
        model.apply([.receipts([Fixture.receipt(.read, "n5"), Fixture.receipt(.read, "n6")])])
        _ = model.type("/a")
        #expect(model.searchMatches.last.map { !$0.complete && $0.steps.count > 1 } == true, "a partial list")
        _ = model.handle(.escape)
        for (origin, keys) in [(0, "a"), (10, "pathways 5"), (2999, "ab 1"), (5900, "race 4<<3"), (42, "graph 59"), (3000, "x12 59")] {
            Self.check(&model, origin: origin, keys: keys)
        }
    }

    @Test func newRowsWhileTypingDropTheKeptMatches() {
        var model = Fixture.model(Self.notes(300, seed: 3))
        model.moveCursor(to: 150)
        _ = model.type("/pathway")
        #expect(!model.searchMatches.isEmpty)
        // A newer notification arrives at the top: rows shift, kept steps no longer apply.
        model.apply([.arrived([Fixture.note("new", minutesAgo: -10, title: "pathways newest")])])
        #expect(model.searchMatches.isEmpty)
        let origin = model.search.origin
        _ = model.type("s")
        if let expected = Self.fresh(model, "pathways", origin: min(origin, model.rows.count - 1)) {
            #expect(model.cursor == expected)
        }
    }

    @Test func aQueryThatMatchedNothingStaysNothing() {
        var model = Fixture.model(Self.notes(500, seed: 5))
        _ = model.type("/qq")
        #expect(model.message == "no match: qq")
        #expect(model.searchMatches.last?.complete == true)
        #expect(model.searchMatches.last?.steps.isEmpty == true)
        _ = model.type("q")
        #expect(model.message == "no match: qqq")
        // Refined from the empty, complete list: nothing scanned again.
        #expect(model.searchMatches.last?.steps.isEmpty == true)
        #expect(model.searchMatches.count == 3)
    }

    @Test func signatureNeverRulesOutAMatch() {
        var r = Rand(state: 99)
        let alphabet = Array("aAbB 1é-Zz\u{301}")
        for _ in 0..<2000 {
            let text = String((0..<r.next(12)).map { _ in alphabet[r.next(alphabet.count)] })
            let query = String((0..<(1 + r.next(3))).map { _ in alphabet[r.next(alphabet.count)] })
            let sig = SearchSignature.of(title: text, actor: nil, body: nil)
            let mask = SearchSignature.mask(query: query.lowercased())
            let folded = query.lowercased()
            if Array(folded.utf8).allSatisfy({ $0 < 0x80 }),
               SearchNeedle(query).contains(text) {
                #expect(sig.covers(mask), "'\(text)' contains '\(query)'")
            }
        }
    }
}

/// The wide scan (two threads a block) finds exactly what a scan on one thread finds.
@Suite struct WideSearchTests {
    @Test func wideScanKeepsEveryMatchInOrder() {
        let model = Fixture.model(SearchReuseTests.notes(3000, seed: 13))
        let count = model.rows.count
        for (origin, query) in [(0, "pathways 1"), (2999, "ab"), (1500, "12 3"), (700, "zzz"), (10, "graph"), (2000, "Ünï")] {
            var wide = SearchMatches(needle: SearchNeedle(query), origin: origin, count: count, serialRows: 7, blockRows: 50)
            wide.extend(from: nil, rows: model.rows, inbox: model.inbox)
            var narrow = SearchMatches(needle: SearchNeedle(query), origin: origin, count: count, serialRows: count, blockRows: count)
            narrow.extend(from: nil, rows: model.rows, inbox: model.inbox)
            let q = query.lowercased()
            let brute = (0..<wide.scanned).filter { step in
                let n = model.notification(atRow: (origin + step) % count)
                return [n.title, n.actor, n.body].contains { $0?.lowercased().contains(q) ?? false }
            }
            #expect(wide.steps == brute, "matches of '\(query)' from \(origin)")
            #expect(wide.steps.first == narrow.steps.first, "first match of '\(query)'")
            #expect(wide.steps.isEmpty == wide.complete || !wide.steps.isEmpty, "an empty list only after every row")
            // A longer query refined from the wide list agrees with a fresh one.
            var refined = SearchMatches(needle: SearchNeedle(query + "4"), origin: origin, count: count, serialRows: 5, blockRows: 30)
            refined.extend(from: wide, rows: model.rows, inbox: model.inbox)
            let brute4 = (0..<refined.scanned).filter { step in
                let n = model.notification(atRow: (origin + step) % count)
                return [n.title, n.actor, n.body].contains { $0?.lowercased().contains(q + "4") ?? false }
            }
            #expect(refined.steps == brute4, "refined matches of '\(query)4'")
        }
    }
}
