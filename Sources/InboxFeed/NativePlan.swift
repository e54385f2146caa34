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
        for (key, text) in texts.sorted(by: { $0.key < $1.key }) {
            guard let e = SimpleJQ.parse(text) else { return nil }
            list.append((key, e))
        }
        expressions = list
        keys = SimpleKeys(list.reduce(into: Set<String>()) { $0.formUnion($1.expression.keys) }.sorted())
        variables = list.reduce(into: Set<String>()) { $0.formUnion($1.expression.variables) }
    }

    /// The fields for one message value; nil when libjq must decide.
    func evaluate(_ value: UnsafeRawBufferPointer, variables: [String: SimpleVariable]) -> [String: JQValue]? {
        let bytes = value.assumingMemoryBound(to: UInt8.self)
        guard let message = SimpleMessage(bytes, keys: keys) else { return nil }
        var fields = [String: JQValue](minimumCapacity: expressions.count)
        do {
            for (key, e) in expressions {
                switch try e.evaluate(message, variables) {
                case .null: fields[key] = .null
                case .bool(let b): fields[key] = .bool(b)
                case .number(let n): fields[key] = .number(n)
                case .string(let s): fields[key] = .string(s)
                case .complex: return nil  // jq says what an object or array does here
                }
            }
        } catch {
            return nil
        }
        return fields
    }
}
