#if canImport(Glibc)
import Glibc
#endif
/// A message value prepared for `SimpleJQ`: one pass over its top-level object records
/// where the members the expressions read start; nested paths are read from there.
public struct SimpleMessage {
    private let buf: UnsafeBufferPointer<UInt8>
    private let keys: SimpleKeys
    /// Where each of `keys` starts in `buf` (-1: absent).
    private var positions: [Int]

    /// Scans `buf`; nil when it is not one JSON object (libjq then gives jq's own error).
    /// Only `keys` are noted (few: compared in place, no string made per member).
    public init?(_ buf: UnsafeBufferPointer<UInt8>, keys: SimpleKeys) {
        self.buf = buf
        self.keys = keys
        // jq rejects a message with a raw control byte in a string or a lone surrogate escape;
        // this scanner is more tolerant, so any control byte or \uD… escape leaves it to jq.
        guard !Self.hasControlByte(buf), !Self.hasSurrogateEscape(buf) else { return nil }
        var found = [Int](repeating: -1, count: keys.names.count)
        var s = JSONScanner(buf)
        s.skipBOMAndWhitespace()
        guard s.peek == 0x7B else { return nil }
        do throws(JSONScanError) {
            try JSONScanner.members(&s) { s, key throws(JSONScanError) in
                // A repeated key: the last wins, as in jq.
                if let k = keys.index(of: key, in: s) { found[k] = s.pos }
                try s.skipValue(depth: 2)
            }
            s.skipWhitespace()
            guard s.atEnd else { return nil }
        } catch {
            return nil
        }
        positions = found
    }

    /// Whether any byte is below 0x20, eight bytes at a time.
    static func hasControlByte(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = buf.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i + 8 <= buf.count {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // A byte below 0x20 (and below 0x80) leaves its top bit set here.
            if (x &- 0x2020_2020_2020_2020) & ~x & 0x8080_8080_8080_8080 != 0 { return true }
            i += 8
        }
        while i < buf.count {
            if buf[i] < 0x20 { return true }
            i += 1
        }
        return false
    }

    /// Whether the text holds a `\uD…` escape (half of a surrogate pair, or a lone one).
    static func hasSurrogateEscape(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        var at = 0
        while at < buf.count, let i = buf[at...].firstIndex(of: 0x5C) {
            if i + 2 < buf.count, buf[i + 1] == 0x75, buf[i + 2] == 0x44 || buf[i + 2] == 0x64 { return true }
            at = i + 2
        }
        return false
    }

    /// The value at `path` (first key at the top level): null when a key is missing.
    func value(at path: [String]) throws(SimpleJQ.GiveUp) -> SimpleValue {
        guard let first = path.first, let k = keys.index(ofName: first) else { throw SimpleJQ.GiveUp() }
        var at = positions[k]
        guard at >= 0 else { return .null }
        var s = JSONScanner(buf)
        for key in path.dropFirst() {
            s.pos = at
            guard let kind = try? s.valueKind() else { throw SimpleJQ.GiveUp() }
            if kind == .null { return .null }
            guard kind == .object else { throw SimpleJQ.GiveUp() }  // jq: cannot index that
            var next: Int?
            do throws(JSONScanError) {
                try JSONScanner.members(&s) { s, k throws(JSONScanError) in
                    if s.equals(k, text: key) { next = s.pos }
                    try s.skipValue(depth: 3)
                }
            } catch { throw SimpleJQ.GiveUp() }
            guard let n = next else { return .null }
            at = n
        }
        s.pos = at
        return try Self.scalar(&s)
    }

    private static func scalar(_ s: inout JSONScanner) throws(SimpleJQ.GiveUp) -> SimpleValue {
        do throws(JSONScanError) {
            switch try s.valueKind() {
            case .string:
                let span = try s.scanString()
                let text = s.string(span)
                // jq replaces invalid UTF-8 its own way: such strings are left to it.
                if span.hasNonASCII && text.unicodeScalars.contains("\u{FFFD}") { return .complex }
                return .string(text)
            case .number:
                guard let n = Double(s.text(try s.scanNumber())) else { return .complex }  // not a double: jq decides
                return .number(n)
            case .bool:
                let isTrue = s.buf[s.pos] == 0x74  // t
                _ = try s.scanLiteral()
                return .bool(isTrue)
            case .null: return .null
            case .object, .array: return .complex
            }
        } catch { throw SimpleJQ.GiveUp() }
    }
}

/// The top-level keys a set of expressions reads, ready for comparing in place.
public struct SimpleKeys: Sendable {
    /// The names, in order.
    public let names: [String]
    private let bytes: [[UInt8]]

    /// Keys `names`.
    public init(_ names: [String]) {
        self.names = names
        bytes = names.map { Array($0.utf8) }
    }

    /// The index of `name` (bytes compared: asked for every path of every message).
    func index(ofName name: String) -> Int? {
        var n = name
        return n.withUTF8 { index(ofBytes: $0) }
    }

    /// The index of the key `span` names, if it is one of these.
    func index(of span: JSONStringSpan, in s: JSONScanner) -> Int? {
        if span.hasEscapes {
            var text = s.string(span)
            return text.withUTF8 { index(ofBytes: $0) }
        }
        return index(ofBytes: UnsafeBufferPointer(rebasing: s.buf[span.start..<span.end]))
    }

    /// The index of the name whose UTF-8 is `u`.
    private func index(ofBytes u: UnsafeBufferPointer<UInt8>) -> Int? {
        for (i, k) in bytes.enumerated() where k.count == u.count {
            if k.isEmpty || k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, u.baseAddress!, u.count) == 0 }) { return i }
        }
        return nil
    }
}

extension JSONScanner {
    /// Whether the key's content equals `word` (after unescaping). Labelled apart from
    /// `equals(_:_:)`, which takes a `StaticString`: a literal would otherwise pick this one.
    func equals(_ span: JSONStringSpan, text word: String) -> Bool {
        if span.hasEscapes { return string(span) == word }
        var w = word
        return w.withUTF8 { u in
            guard u.count == span.count else { return false }
            guard let a = buf.baseAddress, let b = u.baseAddress, u.count > 0 else { return true }
            return memcmp(a + span.start, b, u.count) == 0
        }
    }
}

/// What a variable holds for `SimpleJQ`.
public enum SimpleVariable: Sendable {
    case value(SimpleValue)
    /// A list of strings (`$groups`).
    case strings([String])
    /// An object of strings (`$headers`).
    case object([String: String])
}

/// The variables of one message, by name, in fixed slots (no table built per message).
public struct SimpleVariables: Sendable {
    public var user, groups, kind, topic, partition, offset, timestamp, key, headers: SimpleVariable?

    /// No variables.
    public init() {}

    /// Variables given by name (tests).
    public init(_ named: [String: SimpleVariable]) {
        for (k, v) in named { self[k] = v }
    }

    /// The variable `name` (nil: not set, or no such variable).
    public subscript(name: String) -> SimpleVariable? {
        get {
            switch name {
            case "user": return user
            case "groups": return groups
            case "kind": return kind
            case "topic": return topic
            case "partition": return partition
            case "offset": return offset
            case "timestamp": return timestamp
            case "key": return key
            case "headers": return headers
            default: return nil
            }
        }
        set {
            switch name {
            case "user": user = newValue
            case "groups": groups = newValue
            case "kind": kind = newValue
            case "topic": topic = newValue
            case "partition": partition = newValue
            case "offset": offset = newValue
            case "timestamp": timestamp = newValue
            case "key": key = newValue
            case "headers": headers = newValue
            default: break
            }
        }
    }
}

extension SimpleJQ {
    /// Evaluates over `message` with `variables`; throws `GiveUp` where jq's semantics are
    /// not the simple ones.
    public func evaluate(_ message: SimpleMessage, _ variables: SimpleVariables) throws(GiveUp) -> SimpleValue {
        switch self {
        case .path(let p):
            return try message.value(at: p)
        case .variable(let name, let p):
            guard let v = variables[name] else { throw GiveUp() }
            switch v {
            case .value(let x):
                if p.isEmpty { return x }
                if x == .null { return .null }
                throw GiveUp()
            case .strings:
                if p.isEmpty { return .complex }
                throw GiveUp()
            case .object(let members):
                if p.isEmpty { return .complex }
                guard p.count == 1 else { throw GiveUp() }
                return members[p[0]].map { .string($0) } ?? .null
            }
        case .literal(let v):
            return v
        case .interpolation(let parts):
            var out = ""
            for part in parts {
                switch part {
                case .text(let t): out += t
                case .value(let e): out += try Self.text(e.evaluate(message, variables))
                }
            }
            return .string(out)
        case .equals(let a, let b, let negated):
            let x = try a.evaluate(message, variables), y = try b.evaluate(message, variables)
            if x == .complex || y == .complex { throw GiveUp() }
            return .bool(Self.same(x, y) != negated)
        case .and(let a, let b):
            guard try a.evaluate(message, variables).isTruthy else { return .bool(false) }
            return .bool(try b.evaluate(message, variables).isTruthy)
        case .or(let a, let b):
            if try a.evaluate(message, variables).isTruthy { return .bool(true) }
            return .bool(try b.evaluate(message, variables).isTruthy)
        case .alternative(let a, let b):
            let x = try a.evaluate(message, variables)
            return x.isTruthy ? x : try b.evaluate(message, variables)
        case .member(let a, let name):
            let x = try a.evaluate(message, variables)
            guard case .strings(let list)? = variables[name], x != .complex else { throw GiveUp() }
            if case .string(let s) = x { return .bool(list.contains { $0.utf8.elementsEqual(s.utf8) }) }
            return .bool(false)
        }
    }

    /// jq's equality: strings byte for byte (not Swift's canonical equivalence).
    private static func same(_ a: SimpleValue, _ b: SimpleValue) -> Bool {
        if case .string(let x) = a, case .string(let y) = b { return x.utf8.elementsEqual(y.utf8) }
        return a == b
    }

    /// A value inside a string interpolation, as jq writes it.
    private static func text(_ v: SimpleValue) throws(GiveUp) -> String {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .number(let n):
            guard n.rounded() == n, abs(n) < 1e15 else { throw GiveUp() }  // jq's %.17g is not ours
            return n == 0 && n.sign == .minus ? "-0" : String(Int64(n))
        case .complex: throw GiveUp()
        }
    }
}
