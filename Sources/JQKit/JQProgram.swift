import CJQ

/// One compiled jq program (the real libjq), run on one thread at a time. Compile once per
/// process, run once per message: `first(…)` gives the program's first output.
public final class JQProgram: @unchecked Sendable {
    private var state: OpaquePointer?
    private let errors: ErrorBox
    /// The program text.
    public let text: String

    /// Compiles `text`; a syntax error throws jq's message.
    public init(_ text: String) throws(JQError) {
        self.text = text
        errors = ErrorBox()
        guard let jq = jq_init() else { throw JQError("jq: out of memory") }
        state = jq
        jq_set_error_cb(jq, { context, message in
            guard let context else { jv_free(message); return }
            Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue().take(message)
        }, Unmanaged.passUnretained(errors).toOpaque())
        let ok = jq_compile(jq, text)
        guard ok != 0 else {
            let message = errors.messages.isEmpty ? "jq: cannot compile \(text)" : errors.messages.joined(separator: "; ")
            jq_teardown(&state)
            throw JQError(message)
        }
        errors.messages.removeAll()
    }

    deinit { if state != nil { jq_teardown(&state) } }

    /// Runs the program on `[input…]` (an array of the inputs) and returns its first output;
    /// nil when it produced none (`empty`). A run-time error throws jq's message.
    public func first(_ inputs: [JQInput]) throws(JQError) -> JQValue? {
        var array = jv_array()
        for input in inputs {
            let value = Self.make(input)
            if jv_get_kind(value) == CJQ_kindInvalid() {
                jv_free(array)
                throw JQError(Self.message(value, or: "invalid input"))
            }
            array = jv_array_append(array, value)
        }
        return try run(array)
    }

    /// Runs the program on one input.
    public func first(_ input: JQInput) throws(JQError) -> JQValue? {
        let value = Self.make(input)
        if jv_get_kind(value) == CJQ_kindInvalid() { throw JQError(Self.message(value, or: "invalid input")) }
        return try run(value)
    }

    private func run(_ input: jv) throws(JQError) -> JQValue? {
        guard let state else { throw JQError("jq: program torn down") }
        jq_start(state, input, 0)
        let result = jq_next(state)
        if jv_get_kind(result) == CJQ_kindInvalid() {
            if jv_invalid_has_msg(jv_copy(result)) != 0 {
                throw JQError(Self.message(result, or: "error"))
            }
            jv_free(result)
            return nil
        }
        let value = Self.convert(result, depth: 0)
        // The rest of the stream is not wanted: starting the next run resets the state.
        return value
    }

    // MARK: jv ⇄ Swift (every jv function consumes its arguments)

    private static func make(_ input: JQInput) -> jv {
        switch input {
        case .null: return jv_null()
        case .number(let n): return jv_number(n)
        case .string(let s): return string(s)
        case .strings(let list):
            var a = jv_array()
            for s in list { a = jv_array_append(a, string(s)) }
            return a
        case .stringObject(let members):
            var o = jv_object()
            for (k, v) in members { o = jv_object_set(o, string(k), string(v)) }
            return o
        case .object(let members):
            var o = jv_object()
            for (k, v) in members { o = jv_object_set(o, string(k), make(v)) }
            return o
        case .json(let bytes):
            // NUL-terminated: jq before 1.7.1 formats a parse error with %s over its input.
            var text = bytes
            text.append(0)
            return text.withUnsafeBufferPointer { b in
                b.withMemoryRebound(to: CChar.self) { jv_parse_sized($0.baseAddress, Int32(b.count - 1)) }
            }
        }
    }

    private static func string(_ s: String) -> jv {
        var s = s
        return s.withUTF8 { b in b.withMemoryRebound(to: CChar.self) { jv_string_sized($0.baseAddress, Int32(b.count)) } }
    }

    private static func message(_ invalid: jv, or fallback: String) -> String {
        let msg = jv_invalid_get_msg(invalid)
        defer { jv_free(msg) }
        if jv_get_kind(msg) == CJQ_kindString() {
            // A parse error quotes the whole input: keep the message readable.
            let text = String(cString: jv_string_value(msg))
            return text.count > 200 ? String(text.prefix(200)) + "…" : text
        }
        if jv_get_kind(msg) == CJQ_kindNull() { return fallback }
        return dump(jv_copy(msg))
    }

    private static func dump(_ value: jv) -> String {
        let text = jv_dump_string(value, 0)
        defer { jv_free(text) }
        return String(cString: jv_string_value(text))
    }

    static func convert(_ value: jv, depth: Int) -> JQValue {
        let kind = jv_get_kind(value)
        switch kind {
        case CJQ_kindNull(): jv_free(value); return .null
        case CJQ_kindTrue(): jv_free(value); return .bool(true)
        case CJQ_kindFalse(): jv_free(value); return .bool(false)
        case CJQ_kindNumber():
            let n = jv_number_value(value)
            jv_free(value)
            return .number(n)
        case CJQ_kindString():
            let length = Int(jv_string_length_bytes(jv_copy(value)))
            let s = jv_string_value(value).withMemoryRebound(to: UInt8.self, capacity: max(length, 1)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
            }
            jv_free(value)
            return .string(s)
        case CJQ_kindObject() where depth == 0:
            var members: [String: JQValue] = [:]
            var i = jv_object_iter(value)
            while jv_object_iter_valid(value, i) != 0 {
                let key = jv_object_iter_key(value, i)
                let member = jv_object_iter_value(value, i)
                if case .string(let name) = convert(key, depth: 1) { members[name] = convert(member, depth: 1) } else { jv_free(member) }
                i = jv_object_iter_next(value, i)
            }
            jv_free(value)
            return .object(members)
        default:
            let type = kind == CJQ_kindObject() ? "object" : "array"
            return .nested(type: type, json: dump(value))
        }
    }
}

/// Collects the messages jq reports while compiling.
private final class ErrorBox {
    var messages: [String] = []

    func take(_ message: jv) {
        let text = jq_format_error(message)  // consumes the message; a string comes back
        if jv_get_kind(text) == CJQ_kindString() {
            // jq pads the quoted program line; one line per message, without the padding.
            let lines = String(cString: jv_string_value(text)).split(separator: "\n").map {
                String($0.reversed().drop(while: { $0 == " " }).reversed())
            }
            messages.append(lines.joined(separator: " "))
        }
        jv_free(text)
    }
}
