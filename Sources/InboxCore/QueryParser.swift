import Foundation

/// Reads the text of an `InboxQuery` (see there for the language).
struct QueryParser {
    private enum Token: Equatable {
        case word(String)
        case quoted(String)
        case open, close, or
    }

    private var tokens: [(token: Token, text: String, column: Int)] = []
    private var i = 0
    private let nowMs: Int64
    private let source: String

    init(_ text: String, nowMs: Int64) {
        self.nowMs = nowMs
        source = text
    }

    mutating func parse() throws(QueryError) -> InboxQuery.Node {
        try tokenize()
        let node = try orExpr()
        if i < tokens.count {
            let t = tokens[i]
            throw QueryError(token: t.text, column: t.column, reason: t.token == .close ? "a ) without its (" : "unexpected here")
        }
        return node
    }

    private mutating func tokenize() throws(QueryError) {
        let chars = Array(source)
        var k = 0
        while k < chars.count {
            let c = chars[k]
            if c.isWhitespace { k += 1; continue }
            let start = k
            if c == "(" { tokens.append((.open, "(", k + 1)); k += 1; continue }
            if c == ")" { tokens.append((.close, ")", k + 1)); k += 1; continue }
            if c == "\"" {
                k += 1
                var text = ""
                while k < chars.count, chars[k] != "\"" { text.append(chars[k]); k += 1 }
                guard k < chars.count else { throw QueryError(token: String(chars[start...]), column: start + 1, reason: "a quote without its closing \"") }
                k += 1
                tokens.append((.quoted(text), String(chars[start..<k]), start + 1))
                continue
            }
            // A word runs to whitespace or a parenthesis; a quoted value may follow `key:`.
            var text = ""
            while k < chars.count, !chars[k].isWhitespace, chars[k] != "(", chars[k] != ")" {
                if chars[k] == "\"" {
                    k += 1
                    while k < chars.count, chars[k] != "\"" { text.append(chars[k]); k += 1 }
                    guard k < chars.count else { throw QueryError(token: String(chars[start...]), column: start + 1, reason: "a quote without its closing \"") }
                    k += 1
                    continue
                }
                text.append(chars[k])
                k += 1
            }
            tokens.append((text == "OR" ? .or : .word(text), String(chars[start..<k]), start + 1))
        }
    }

    private mutating func orExpr() throws(QueryError) -> InboxQuery.Node {
        var parts = [try andExpr()]
        while i < tokens.count, tokens[i].token == .or {
            let orToken = tokens[i]
            i += 1
            guard i < tokens.count, tokens[i].token != .close, tokens[i].token != .or else {
                throw QueryError(token: "OR", column: orToken.column, reason: "OR needs a term on each side")
            }
            parts.append(try andExpr())
        }
        return parts.count == 1 ? parts[0] : .any(parts)
    }

    private mutating func andExpr() throws(QueryError) -> InboxQuery.Node {
        var parts: [InboxQuery.Node] = []
        while i < tokens.count, tokens[i].token != .or, tokens[i].token != .close {
            parts.append(try unary())
        }
        if parts.isEmpty, i < tokens.count, tokens[i].token == .or {
            throw QueryError(token: "OR", column: tokens[i].column, reason: "OR needs a term on each side")
        }
        return parts.count == 1 ? parts[0] : .all(parts)
    }

    private mutating func unary() throws(QueryError) -> InboxQuery.Node {
        let t = tokens[i]
        i += 1
        switch t.token {
        case .open:
            let inner = try orExpr()
            guard i < tokens.count, tokens[i].token == .close else {
                throw QueryError(token: "(", column: t.column, reason: "a ( without its )")
            }
            i += 1
            return inner
        case .quoted(let text):
            return .text(text.lowercased())
        case .word("-") where i < tokens.count && tokens[i].token == .open:
            return .not(try unary())  // -( … )
        case .word(let w) where w.hasPrefix("-") && w.count > 1:
            // Negation applies to the rest of the word as a term of its own.
            var sub = QueryParser(String(t.text.dropFirst()), nowMs: nowMs)  // as typed: quotes kept
            do throws(QueryError) { return .not(try sub.parse()) } catch {
                throw QueryError(token: t.text, column: t.column + error.column, reason: error.reason)
            }
        case .word(let w):
            return try term(w, t.text, t.column)
        case .close, .or:
            throw QueryError(token: t.text, column: t.column, reason: "unexpected here")
        }
    }

    private func term(_ w: String, _ shown: String, _ column: Int) throws(QueryError) -> InboxQuery.Node {
        guard let colon = w.firstIndex(of: ":"), colon != w.startIndex else { return .text(w.lowercased()) }
        let key = w[..<colon].lowercased()
        let value = String(w[w.index(after: colon)...])
        func fail(_ reason: String) -> QueryError { QueryError(token: shown, column: column, reason: reason) }
        guard !value.isEmpty || !["is", "kind", "from", "thread", "after", "before", "has"].contains(key) else {
            throw fail("\(key): needs a value")
        }
        switch key {
        case "is":
            guard let s = InboxQuery.StateTerm(rawValue: value.lowercased()) else {
                throw fail("unknown state \"\(value)\"; use is:" + InboxQuery.StateTerm.allCases.map(\.rawValue).joined(separator: ", is:"))
            }
            return .state(s)
        case "kind": return .kind(value.lowercased())
        case "from": return .from(value.lowercased())
        case "thread":
            guard let c = value.firstIndex(of: ":"), c != value.startIndex, value.index(after: c) != value.endIndex else {
                throw fail("thread: takes TYPE:ID, e.g. thread:graph:123")
            }
            return .thread(type: String(value[..<c]), id: String(value[value.index(after: c)...]))
        case "after", "before":
            guard let ms = time(value) else {
                throw fail("\(key): takes a duration back from now (2d, 12h) or a date (2026-11-01, 2026-11-01T10:00Z)")
            }
            return key == "after" ? .after(ms) : .before(ms)
        case "has":
            guard let h = InboxQuery.HasTerm(rawValue: value.lowercased()) else {
                throw fail("unknown has:\(value); use has:url, has:actions or has:body")
            }
            return .has(h)
        default:
            return .text(w.lowercased())  // "re: deploy" and URLs stay text
        }
    }

    private func time(_ value: String) -> Int64? {
        if let d = Timestamps.parseDuration(value) { return nowMs - d }
        if value.count == 10, Timestamps.parseISO8601(value + "T00:00:00Z") != nil {
            // A date alone is local midnight, as snooze times are local.
            let parts = value.split(separator: "-").compactMap { Int($0) }
            var c = DateComponents()
            (c.year, c.month, c.day) = (parts[0], parts[1], parts[2])
            if let d = Calendar(identifier: .gregorian).date(from: c) { return Int64(d.timeIntervalSince1970 * 1000) }
        }
        return Timestamps.parseISO8601(value)
    }
}
