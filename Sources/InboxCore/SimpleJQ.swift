/// The common shapes of `[schema]` jq expressions, parsed once and evaluated natively over
/// our own JSON scanner (libjq costs about 15 µs a message; this, about 1 µs). Supported:
/// paths (`.a.b`), variables (`$user`, `$headers.x`), string, number, `true`/`false`/`null`
/// literals, string interpolation (`"\(.by) …"`), `==`, `!=`, `and`, `or`, `//`, parentheses,
/// and `X | IN($var[])`. Anything else is not parsed (nil), and a value this evaluator does
/// not handle in jq's exact way (an object compared or shown, a non-integer number shown,
/// input that is not an object) makes the evaluation give up (`SimpleJQ.GiveUp`): the
/// caller then runs the real libjq for that message, so results never differ.
public indirect enum SimpleJQ: Sendable, Hashable {
    case path([String])
    case variable(String, [String])
    case literal(SimpleValue)
    case interpolation([Part])
    case equals(SimpleJQ, SimpleJQ, negated: Bool)
    case and(SimpleJQ, SimpleJQ)
    case or(SimpleJQ, SimpleJQ)
    case alternative(SimpleJQ, SimpleJQ)
    case member(SimpleJQ, variable: String)

    /// A piece of an interpolated string.
    public enum Part: Sendable, Hashable {
        case text(String)
        case value(SimpleJQ)
    }

    /// The evaluation left jq's simple cases: run libjq instead.
    public struct GiveUp: Error {}

    /// The expression, if it has one of the shapes above.
    public static func parse(_ text: String) -> SimpleJQ? {
        var p = SimpleJQParser(Array(text.utf8))
        guard let e = p.pipe(), p.atEnd else { return nil }
        return e
    }

    /// The expressions directly inside this one.
    var children: [SimpleJQ] {
        switch self {
        case .path, .variable, .literal: return []
        case .interpolation(let parts): return parts.compactMap { if case .value(let e) = $0 { return e } else { return nil } }
        case .equals(let a, let b, _), .and(let a, let b), .or(let a, let b), .alternative(let a, let b): return [a, b]
        case .member(let a, _): return [a]
        }
    }

    /// The variables the expression reads.
    public var variables: Set<String> {
        var own: Set<String> = []
        if case .variable(let name, _) = self { own.insert(name) }
        if case .member(_, let name) = self { own.insert(name) }
        return children.reduce(into: own) { $0.formUnion($1.variables) }
    }

    /// The first-level message keys the expression reads.
    public var keys: Set<String> {
        var own: Set<String> = []
        if case .path(let p) = self, let first = p.first { own.insert(first) }
        return children.reduce(into: own) { $0.formUnion($1.keys) }
    }
}

/// A value as the simple evaluator sees it.
public enum SimpleValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An object or array: only its truthiness is known here.
    case complex

    /// Whether jq would take this as true (everything but `null` and `false`).
    public var isTruthy: Bool {
        switch self {
        case .null, .bool(false): return false
        default: return true
        }
    }
}

/// A recursive-descent parser of the supported shapes (jq's precedence: `|` < `//` < `or` <
/// `and` < `==`/`!=`).
struct SimpleJQParser {
    let b: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { b = bytes }

    var atEnd: Bool { mutating get { skipSpace(); return i >= b.count } }

    mutating func skipSpace() {
        while i < b.count {
            if b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1; continue }
            if b[i] == 0x23 { while i < b.count && b[i] != 0x0A { i += 1 }; continue }  // # comment
            return
        }
    }

    mutating func word(_ w: String) -> Bool {
        skipSpace()
        let u = Array(w.utf8)
        guard i + u.count <= b.count, Array(b[i..<(i + u.count)]) == u else { return false }
        let after = i + u.count
        if let c = u.last, Self.isIdent(c), after < b.count, Self.isIdent(b[after]) { return false }
        i = after
        return true
    }

    static func isIdent(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F
    }

    mutating func ident() -> String? {
        let start = i
        guard i < b.count, Self.isIdent(b[i]), !(b[i] >= 0x30 && b[i] <= 0x39) else { return nil }
        while i < b.count && Self.isIdent(b[i]) { i += 1 }
        return String(decoding: b[start..<i], as: UTF8.self)
    }

    /// `alt ('|' 'IN' '(' '$' ident '[' ']' ')')?`
    mutating func pipe() -> SimpleJQ? {
        guard let left = alternative() else { return nil }
        let save = i
        if word("|") {
            guard word("IN"), word("("), word("$"), let v = ident(), word("["), word("]"), word(")") else { i = save; return nil }
            return .member(left, variable: v)
        }
        return left
    }

    mutating func alternative() -> SimpleJQ? { leftAssociative("//", SimpleJQ.alternative) { $0.or() } }
    mutating func or() -> SimpleJQ? { leftAssociative("or", SimpleJQ.or) { $0.and() } }
    mutating func and() -> SimpleJQ? { leftAssociative("and", SimpleJQ.and) { $0.comparison() } }

    /// `operand (op operand)*`, grouped to the left.
    private mutating func leftAssociative(_ op: String, _ make: (SimpleJQ, SimpleJQ) -> SimpleJQ,
                                          _ operand: (inout SimpleJQParser) -> SimpleJQ?) -> SimpleJQ? {
        guard var left = operand(&self) else { return nil }
        while word(op) {
            guard let right = operand(&self) else { return nil }
            left = make(left, right)
        }
        return left
    }

    mutating func comparison() -> SimpleJQ? {
        guard let left = primary() else { return nil }
        if word("==") { return primary().map { .equals(left, $0, negated: false) } }
        if word("!=") { return primary().map { .equals(left, $0, negated: true) } }
        return left
    }

    mutating func path() -> [String]? {
        var parts: [String] = []
        while i < b.count && b[i] == 0x2E {
            i += 1
            guard let name = ident() else { return nil }
            parts.append(name)
        }
        return parts
    }

    mutating func primary() -> SimpleJQ? {
        skipSpace()
        guard i < b.count else { return nil }
        switch b[i] {
        case 0x2E:  // .a.b
            guard let p = path(), !p.isEmpty else { return nil }
            return .path(p)
        case 0x24:  // $name.a
            i += 1
            guard let name = ident(), let p = path() else { return nil }
            return .variable(name, p)
        case 0x22:
            return string()
        case 0x28:
            i += 1
            guard let e = pipe(), word(")") else { return nil }
            return e
        case 0x2D, 0x30...0x39:
            let start = i
            i += 1
            while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == 0x2E || b[i] == 0x65 || b[i] == 0x45 { i += 1 }
            return Double(String(decoding: b[start..<i], as: UTF8.self)).map { .literal(.number($0)) }
        default:
            if word("true") { return .literal(.bool(true)) }
            if word("false") { return .literal(.bool(false)) }
            if word("null") { return .literal(.null) }
            return nil
        }
    }

    /// A string literal, with `\(…)` interpolations.
    mutating func string() -> SimpleJQ? {
        i += 1
        var parts: [SimpleJQ.Part] = []
        var text: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                i += 1
                if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))) }
                if parts.isEmpty { return .literal(.string("")) }
                if parts.count == 1, case .text(let t) = parts[0] { return .literal(.string(t)) }
                return .interpolation(parts)
            }
            guard c == 0x5C else { text.append(c); i += 1; continue }
            guard i + 1 < b.count else { return nil }
            let e = b[i + 1]
            i += 2
            switch e {
            case 0x28:
                if !text.isEmpty { parts.append(.text(String(decoding: text, as: UTF8.self))); text = [] }
                guard let inner = pipe(), word(")") else { return nil }
                parts.append(.value(inner))
            case 0x22, 0x5C, 0x2F: text.append(e)
            case 0x6E: text.append(0x0A)
            case 0x74: text.append(0x09)
            case 0x72: text.append(0x0D)
            case 0x62: text.append(0x08)
            case 0x66: text.append(0x0C)
            default: return nil  // \uXXXX and others: left to libjq
            }
        }
        return nil
    }
}
