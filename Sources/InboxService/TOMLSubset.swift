/// A reader for the part of TOML a kafka-inbox config file needs: `[table]` and
/// `[table.sub]` headers, `[[array]]` tables (the Nth is the table `array.N`, N from 1), `key = value` with bare, quoted or dotted keys, basic and literal
/// strings, integers, booleans, and arrays of those. Anything else is an error that names
/// the line, so a config file is never half-understood.
struct TOMLSubset {
    /// A value read from the file.
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case bool(Bool)
        case array([Value])

        /// The value as text, the way a librdkafka property wants it.
        var text: String {
            switch self {
            case .string(let s): return s
            case .integer(let i): return String(i)
            case .bool(let b): return b ? "true" : "false"
            case .array(let a): return a.map(\.text).joined(separator: ",")
            }
        }
    }

    /// A parse error with its 1-based line.
    struct ParseError: Error, CustomStringConvertible {
        let line: Int
        let message: String
        var description: String { "line \(line): \(message)" }
    }

    /// Every key by its full dotted path (`kafka.sasl.mechanism` for `[kafka]` + `"sasl.mechanism"`).
    private(set) var values: [[String]: Value] = [:]
    /// The 1-based line of every key, and of every `[[array]]` header (by its table path).
    private(set) var lines: [[String]: Int] = [:]

    /// Parses `text`.
    init(_ text: String) throws {
        var table: [String] = []
        // Split the bytes, not the Characters: "\r\n" is one Character in Swift, so splitting the
        // String on "\n" kept a CRLF file as a single line (and everything after the first value
        // was silently ignored). A UTF-8 byte order mark at the start is skipped.
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        for (n, rawLine) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let lineNo = n + 1
            var line = Array(rawLine)
            if line.last == 0x0D { line.removeLast() }
            var scanner = Scanner(line, line: lineNo)
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == UInt8(ascii: "[") {
                scanner.advance()
                let isArray = scanner.peek == UInt8(ascii: "[")
                if isArray { scanner.advance() }
                table = try scanner.key()
                scanner.skipSpaces()
                try scanner.expect("]")
                if isArray {
                    try scanner.expect("]")
                    guard table.count == 1 else { throw ParseError(line: lineNo, message: "only top-level arrays of tables ([[rules]], [[hooks]]) are supported") }
                    let n = lines.keys.filter { $0.count == 2 && $0[0] == table[0] }.count + 1
                    table.append(String(n))
                    lines[table] = lineNo
                }
                scanner.skipSpaces()
                guard scanner.atEndOrComment else { throw ParseError(line: lineNo, message: "unexpected text after the table header") }
                continue
            }
            let key = try scanner.key()
            scanner.skipSpaces()
            try scanner.expect("=")
            scanner.skipSpaces()
            let value = try scanner.value()
            scanner.skipSpaces()
            guard scanner.atEndOrComment else { throw ParseError(line: lineNo, message: "unexpected text after the value") }
            let path = table + key
            if values[path] != nil { throw ParseError(line: lineNo, message: "key \(path.joined(separator: ".")) is set twice") }
            values[path] = value
            lines[path] = lineNo
        }
    }

    /// The value at a dotted path.
    subscript(path: String...) -> Value? { values[path] }

    /// Every key directly or indirectly under `table`, as the rest of its path joined by dots.
    func entries(under table: String) -> [(key: String, value: Value)] {
        values.compactMap { path, value in
            guard path.count > 1, path[0] == table else { return nil }
            return (path.dropFirst().joined(separator: "."), value)
        }.sorted { $0.key < $1.key }
    }

    private struct Scanner {
        let bytes: [UInt8]
        let line: Int
        var i = 0
        init(_ bytes: [UInt8], line: Int) { self.bytes = bytes; self.line = line }

        var peek: UInt8? { i < bytes.count ? bytes[i] : nil }
        var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }
        mutating func advance() { i += 1 }
        mutating func skipSpaces() { while let c = peek, c == 0x20 || c == 0x09 { i += 1 } }
        func fail(_ message: String) -> ParseError { ParseError(line: line, message: message) }

        mutating func expect(_ char: Character) throws {
            guard peek == char.asciiValue else { throw fail("expected '\(char)'") }
            i += 1
        }

        mutating func key() throws -> [String] {
            var parts: [String] = []
            repeat {
                skipSpaces()
                if peek == UInt8(ascii: ".") { i += 1; skipSpaces() }
                if peek == UInt8(ascii: "\"") || peek == UInt8(ascii: "'") {
                    guard case .string(let s) = try value() else { throw fail("bad key") }
                    parts.append(s)
                } else {
                    let start = i
                    while let c = peek, isBare(c) { i += 1 }
                    guard i > start else { throw fail("expected a key") }
                    parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
                }
                skipSpaces()
            } while peek == UInt8(ascii: ".")
            return parts
        }

        func isBare(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
        }

        mutating func value() throws -> Value {
            guard let c = peek else { throw fail("expected a value") }
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                var out: [UInt8] = []
                while let b = peek, b != UInt8(ascii: "\"") {
                    i += 1
                    if b == UInt8(ascii: "\\") {
                        guard let e = peek else { break }
                        i += 1
                        switch e {
                        case UInt8(ascii: "n"): out.append(0x0A)
                        case UInt8(ascii: "t"): out.append(0x09)
                        case UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
                        default: throw fail("unsupported escape \\\(Character(Unicode.Scalar(e)))")
                        }
                    } else { out.append(b) }
                }
                try expect("\"")
                return .string(String(decoding: out, as: UTF8.self))
            case UInt8(ascii: "'"):
                i += 1
                let start = i
                while let b = peek, b != UInt8(ascii: "'") { i += 1 }
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                try expect("'")
                return .string(s)
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipSpaces()
                while peek != UInt8(ascii: "]") {
                    items.append(try value())
                    skipSpaces()
                    if peek == UInt8(ascii: ",") { i += 1; skipSpaces() } else { break }
                }
                try expect("]")
                return .array(items)
            default:
                let start = i
                while let b = peek, b != 0x20, b != 0x09, b != UInt8(ascii: ","), b != UInt8(ascii: "]"), b != UInt8(ascii: "#") { i += 1 }
                let word = String(decoding: bytes[start..<i], as: UTF8.self)
                if word == "true" { return .bool(true) }
                if word == "false" { return .bool(false) }
                if let n = Int(word.replacing("_", with: "")) { return .integer(n) }
                throw fail("cannot read value '\(word)' (strings need quotes)")
            }
        }
    }
}
