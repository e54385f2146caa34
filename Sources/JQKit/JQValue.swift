/// A value that came out of a jq program, converted to Swift (what the mapping needs:
/// scalars as they are, arrays and objects as compact JSON text).
public enum JQValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// An object, by member (the outermost one; values inside members are `.nested`).
    case object([String: JQValue])
    /// An array, or an object inside a member, as compact JSON text.
    case nested(type: String, json: String)

    /// jq's name of the value's type (`null`, `boolean`, `number`, `string`, `array`, `object`).
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .nested(let type, _): return type
        case .object: return "object"
        }
    }

    /// Whether jq would take this as true (everything but `null` and `false`).
    public var isTruthy: Bool {
        switch self {
        case .null, .bool(false): return false
        default: return true
        }
    }
}

/// A value given to a jq program, built without a JSON round trip.
public indirect enum JQInput: Sendable {
    case null
    case string(String)
    case number(Double)
    case strings([String])
    /// An object of string members.
    case stringObject([(String, String)])
    /// An object, member by member.
    case object([(String, JQInput)])
    /// JSON text, parsed by jq (invalid JSON makes the run fail with jq's message).
    case json([UInt8])
}
