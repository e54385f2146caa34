import InboxCore
import JQKit

/// Reads notifications in a producer's own shape through the `[schema]` jq expressions.
///
/// For each kind one program is compiled, once, that makes an object of every configured
/// key, `{for_me: …, title: …, …}`: one evaluation per message, not one per key. The
/// program's input is `[value, meta]`, so the per-message variables (`$topic`, `$offset`,
/// `$key`, `$headers`, …) need no recompilation; `$user` and `$groups` are constants.
/// A message that is not for the user is skipped; one whose expression fails or gives the
/// wrong type is a malformed entry (shown, with the reason), never an error. Call it from
/// one thread (each program is a jq state).
public final class MessageMapper: @unchecked Sendable {
    /// What a message became.
    public enum Outcome: Sendable {
        /// Not for this user (`for_me` was false or null).
        case skipped
        /// A notification (possibly a malformed entry).
        case notification(InboxCore.Notification)
    }

    /// What a mapped message carries besides its value.
    public struct Message {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public var timestampMs: Int64
        public var key: [UInt8]?
        /// The topic's kind (through the topic template), if any.
        public var topicKind: Kind?
        /// Read only when an expression uses `$headers`.
        public var headers: () -> [(name: String, value: String)]

        /// Describes one message.
        public init(topic: String, partition: Int32, offset: Int64, timestampMs: Int64, key: [UInt8]?, topicKind: Kind?,
                    headers: @escaping () -> [(name: String, value: String)] = { [] }) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.timestampMs = timestampMs
            self.key = key
            self.topicKind = topicKind
            self.headers = headers
        }
    }

    let schema: SchemaConfig
    let user: String
    private let prelude: String
    private let usesHeaders: Bool
    /// The program per kind name ("" for messages of a kind without overrides).
    private let programs: [String: JQProgram]
    /// The same expressions evaluated natively, per kind, when every one has a simple shape.
    private let plans: [String: NativePlan]
    /// The constants of every message's variables.
    private let userValue: SimpleVariable
    /// Whether the base expressions select (`for_me`).
    private let hasForMe: Bool
    private let groupsValue: SimpleVariable

    /// Compiles the expressions for `user` (and `groups`). A syntax error throws, naming the
    /// key and the kind it was in, with jq's message.
    public init(schema: SchemaConfig, user: String, groups: [String]) throws(MapperError) {
        self.schema = schema
        self.user = user
        let all = [schema.expressions] + schema.overrides.values.map { $0 }
        usesHeaders = all.contains { $0.values.contains { $0.contains("$headers") } }
        prelude = Self.prelude(user: user, groups: groups)
        userValue = .value(.string(user))
        hasForMe = schema.expressions["for_me"] != nil
        groupsValue = .strings(groups)
        // One compile per kind: jq compiles its builtins with every program (about 0.1 s here),
        // so the expressions are checked one by one only when the kind's program does not
        // compile, to name the one at fault.
        var programs: [String: JQProgram] = [:]
        do {
            programs[""] = try Self.compile(schema.expressions, prelude)
        } catch {
            for (key, text) in schema.expressions.sorted(by: { $0.key < $1.key }) { try Self.check(key, kind: nil, text, prelude) }
            throw error
        }
        for (kind, keys) in schema.overrides.sorted(by: { $0.key < $1.key }) {
            do {
                programs[kind] = try Self.compile(schema.expressions(for: kind), prelude)
            } catch {
                for (key, text) in keys.sorted(by: { $0.key < $1.key }) { try Self.check(key, kind: kind, text, prelude) }
                throw error
            }
        }
        self.programs = programs
        // `let`s, both: read for every message, a `var` of a class is checked for exclusive
        // access at run time on each read.
        var plans: [String: NativePlan] = [:]
        plans[""] = NativePlan(schema.expressions)
        for kind in schema.overrides.keys { plans[kind] = NativePlan(schema.expressions(for: kind)) }
        self.plans = plans
    }

    /// `$user`, `$groups` as constants, the per-message variables from the input's second element.
    private static func prelude(user: String, groups: [String]) -> String {
        let meta = ["topic", "partition", "offset", "key", "timestamp", "headers", "kind"]
            .map { "$__m.\($0) as $\($0)" }.joined(separator: " | ")
        return ". as [$__v, $__m] | \(JSONWriter.quoted(user)) as $user | [\(groups.map(JSONWriter.quoted).joined(separator: ","))] as $groups | "
            + meta + " | $__v | "
    }

    private static func check(_ key: String, kind: String?, _ text: String, _ prelude: String) throws(MapperError) {
        do { _ = try JQProgram(prelude + "(" + text + "\n)") } catch {
            // jq quotes the program line: show the expression as the user wrote it.
            let message = error.message.replacing(prelude + "(", with: "")
            throw MapperError(key: key, kind: kind, expression: text, message: message)
        }
    }

    private static func compile(_ expressions: [String: String], _ prelude: String) throws(MapperError) -> JQProgram {
        let members = expressions.sorted { $0.key < $1.key }.filter { $0.key != "for_me" }
            .map { "\(JSONWriter.quoted($0.key)): ([(\($0.value)\n)][0])" }
        var text = prelude + "{" + members.joined(separator: ", ") + "}"
        if let forMe = expressions["for_me"] {
            // Selection first: a message for someone else is skipped whatever the other keys would give.
            text = prelude + "([(\(forMe)\n)][0]) as $__for_me | if ($__for_me == null or $__for_me == false) "
                + "then {\"for_me\": false} else ({\"for_me\": $__for_me} + {" + members.joined(separator: ", ") + "}) end"
        }
        do { return try JQProgram(text) } catch {
            throw MapperError(key: "schema", kind: nil, expression: text, message: error.message)
        }
    }

    /// Maps one message value.
    public func map(_ value: UnsafeRawBufferPointer, _ m: Message) -> Outcome {
        let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
        func malformed(_ summary: String, _ reason: String) -> Outcome {
            .notification(NotificationDecoder.malformedEntry(value, source: source, timestampMs: m.timestampMs, kind: m.topicKind,
                                                            summary: summary, reason: reason))
        }
        if value.count > NotificationDecoder.maxValueBytes {
            return malformed("too large", "too large (\(value.count) bytes; the limit is \(NotificationDecoder.maxValueBytes))")
        }
        var fields: MappedFields
        do {
            let topicKind = m.topicKind?.rawValue ?? ""
            guard let f = try evaluate(programs[topicKind] != nil ? topicKind : "", value, m) else {
                return malformed("mapping gave no object", "the [schema] expressions gave no value")
            }
            fields = f
            // A kind from an expression that has overrides of its own: its program decides.
            if case .string(let k)? = fields["kind"], k != m.topicKind?.rawValue, programs[k] != nil {
                guard let g = try evaluate(k, value, m) else {
                    return malformed("mapping gave no object", "the [schema.\(k)] expressions gave no value")
                }
                fields = g
            }
        } catch {
            return malformed("schema: " + error.message, "a [schema] expression failed: " + error.message)
        }
        if hasForMe || fields["for_me"] != nil {
            guard fields["for_me"]?.isTruthy == true else { return .skipped }
        }
        return build(fields, m, source, malformed: malformed)
    }

    /// The fields of `kind`'s expressions for one message: natively when they all have a
    /// simple shape and the message keeps to jq's simple cases, else by libjq.
    private func evaluate(_ kind: String, _ value: UnsafeRawBufferPointer, _ m: Message) throws(JQError) -> MappedFields? {
        if let plan = plans[kind], let fields = plan.evaluate(value, variables: variables(m, used: plan.variables)) {
            return fields
        }
        guard case .object(let f)? = try programs[kind]!.first([.json(Array(value)), meta(m)]) else { return nil }
        return MappedFields(pairs: f.map { ($0.key, $0.value) })
    }

    /// The variables of one message that a native plan reads.
    private func variables(_ m: Message, used: Set<String>) -> SimpleVariables {
        var v = SimpleVariables()
        for name in used {
            switch name {
            case "user": v[name] = userValue
            case "groups": v[name] = groupsValue
            case "kind": v[name] = .value(m.topicKind.map { .string($0.rawValue) } ?? .null)
            case "topic": v[name] = .value(.string(m.topic))
            case "partition": v[name] = .value(.number(Double(m.partition)))
            case "offset": v[name] = .value(.number(Double(m.offset)))
            case "timestamp": v[name] = .value(m.timestampMs >= 0 ? .number(Double(m.timestampMs)) : .null)
            case "key": v[name] = .value(m.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null)
            case "headers": v[name] = .object(Dictionary(m.headers().map { ($0.name, $0.value) }, uniquingKeysWith: { _, b in b }))
            default: break  // unknown: the evaluation gives up and libjq reports it
            }
        }
        return v
    }

    /// The per-message variables, as the prelude reads them.
    private func meta(_ m: Message) -> JQInput {
        .object([
            ("topic", .string(m.topic)), ("partition", .number(Double(m.partition))), ("offset", .number(Double(m.offset))),
            ("key", m.key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
            ("timestamp", m.timestampMs >= 0 ? .number(Double(m.timestampMs)) : .null),
            ("headers", usesHeaders ? .stringObject(m.headers().map { ($0.name, $0.value) }) : .null),
            ("kind", m.topicKind.map { .string($0.rawValue) } ?? .null),
        ])
    }
}

/// A `[schema]` expression that does not compile.
public struct MapperError: Error, Sendable, Hashable, CustomStringConvertible {
    public var key: String
    public var kind: String?
    public var expression: String
    public var message: String

    public var description: String {
        "[schema\(kind.map { ".\($0)" } ?? "")] \(key) = '\(expression)': \(message)"
    }
}
