import InboxCore
import JQKit

/// A kind's `[schema]` expressions when every one has a shape `SimpleJQ` evaluates: the
/// mapping then runs without libjq, unless a message leaves jq's simple cases.
struct NativePlan {
    let expressions: [(key: String, expression: SimpleJQ)]
    let keys: SimpleKeys
    /// The variables any expression reads.
    let variables: Set<String>

    /// nil when some expression needs the real jq.
    init?(_ texts: [String: String]) {
        var list: [(key: String, expression: SimpleJQ)] = []
        // `for_me` first: a message for someone else costs nothing more (see `evaluate`).
        for (key, text) in texts.sorted(by: { a, b in a.key == "for_me" ? b.key != "for_me" : (b.key != "for_me" && a.key < b.key) }) {
            guard let e = SimpleJQ.parse(text) else { return nil }
            list.append((key, e))
        }
        expressions = list
        keys = SimpleKeys(list.reduce(into: Set<String>()) { $0.formUnion($1.expression.keys) }.sorted())
        variables = list.reduce(into: Set<String>()) { $0.formUnion($1.expression.variables) }
    }

    /// The fields for one message value; nil when libjq must decide.
    func evaluate(_ value: UnsafeRawBufferPointer, variables: SimpleVariables) -> MappedFields? {
        let bytes = value.assumingMemoryBound(to: UInt8.self)
        guard let message = SimpleMessage(bytes, keys: keys) else { return nil }
        var fields = MappedFields()
        fields.pairs.reserveCapacity(expressions.count)
        do {
            for (key, e) in expressions {
                let value = try e.evaluate(message, variables)
                // Not for this user: skipped whatever the other keys would give (as the jq program does).
                if key == "for_me" && !value.isTruthy { return MappedFields(pairs: [(key, .bool(false))]) }
                switch value {
                case .null: fields.pairs.append((key, .null))
                case .bool(let b): fields.pairs.append((key, .bool(b)))
                case .number(let n): fields.pairs.append((key, .number(n)))
                case .string(let s): fields.pairs.append((key, .string(s)))
                case .complex: return nil  // jq says what an object or array does here
                }
            }
        } catch {
            return nil
        }
        return fields
    }
}

/// The fields one message was mapped to, by key (few: looked up in order, no table built).
struct MappedFields {
    var pairs: [(key: String, value: JQValue)] = []

    /// The value of `key`, if the mapping gave one.
    subscript(key: String) -> JQValue? { pairs.first { $0.key == key }?.value }
}
