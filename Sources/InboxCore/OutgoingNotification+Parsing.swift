/// The fields of one `send --file` line, read with `JSONScanner`.
struct LineFields {
    typealias LineError = OutgoingNotification.LineError

    var id, kind, user, title, body, actor, url: String?
    var createdAtMs: Int64?
    var object: OutgoingNotification.ObjectRef?
    var extra: [ExtraField] = []

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(LineError) -> LineFields {
        var s = JSONScanner(bytes)
        s.skipBOMAndWhitespace()
        if s.atEnd { throw .empty }
        var f = LineFields()
        var notObject: JSONValueKind?
        do throws(JSONScanError) {
            let kind = try s.valueKind()
            if kind == .object {
                try f.read(&s)
            } else {
                try s.skipValue(depth: 1)
                notObject = kind
            }
            s.skipWhitespace()
            if !s.atEnd { throw s.failure() }
        } catch {
            throw .notJSON(error.description)
        }
        if let notObject { throw .notAnObject(notObject.noun) }
        if let failure = f.failure { throw failure }
        return f
    }

    /// A type error found while reading; reported after the syntax is known to be valid.
    private var failure: LineError?

    private mutating func read(_ s: inout JSONScanner) throws(JSONScanError) {
        try JSONScanner.members(&s) { s, keySpan throws(JSONScanError) in
            let key = s.string(keySpan)
            switch key {
            case "title": title = try stringValue(&s, key: key)
            case "body": body = try stringValue(&s, key: key)
            case "kind": kind = try stringValue(&s, key: key)
            case "id", "user", "actor", "url":
                let found = try s.valueKind()
                let text = try s.textValue(depth: 2)
                if found == .object || found == .array || found == .bool {
                    fail(.wrongType(field: key, expected: "a string", found: found.noun))
                }
                switch key {
                case "id": id = text
                case "user": user = text
                case "actor": actor = text
                default: url = text
                }
            case "created_at":
                var original: String?
                createdAtMs = try s.timestampValue(depth: 2, original: &original)
                if let original { fail(.badTimestamp(original)) }
            case "object":
                let start = s.pos
                let value = try s.extraField(key: key, depth: 2)
                if let ref = Self.objectRef(s, from: start) { object = ref } else { extra.append(value) }
            default:
                extra.append(try s.extraField(key: key, depth: 2))
            }
        }
    }

    private mutating func fail(_ error: LineError) {
        if failure == nil { failure = error }
    }

    private mutating func stringValue(_ s: inout JSONScanner, key: String) throws(JSONScanError) -> String? {
        let found = try s.valueKind()
        switch found {
        case .string: return s.string(try s.scanString())
        case .null: _ = try s.scanLiteral(); return nil
        default:
            try s.skipValue(depth: 2)
            fail(.wrongType(field: key, expected: "a string", found: found.noun))
            return nil
        }
    }

    /// `{type, id}` with text values and nothing else, read again from `start`.
    private static func objectRef(_ scanned: JSONScanner, from start: Int) -> OutgoingNotification.ObjectRef? {
        var s = scanned
        s.pos = start
        guard s.consume(0x7B) else { return nil }
        var type: String?
        var id: String?
        do throws(JSONScanError) {
            s.skipWhitespace()
            if s.consume(0x7D) { return nil }
            repeat {
                let key = s.string(try s.scanString())
                s.skipWhitespace()
                try s.expect(0x3A)
                s.skipWhitespace()
                let kind = try s.valueKind()
                guard kind == .string || kind == .number else { return nil }
                let value = try s.textValue(depth: 3)
                switch key {
                case "type": type = value
                case "id": id = value
                default: return nil
                }
            } while try s.separator(close: 0x7D)
        } catch {
            return nil
        }
        guard let type, let id else { return nil }
        return OutgoingNotification.ObjectRef(type: type, id: id)
    }
}
