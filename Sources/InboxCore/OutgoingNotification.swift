import Foundation

/// A notification as `kafka-inbox send` publishes it (the JSON message value readers decode).
public struct OutgoingNotification: Sendable, Hashable {
    /// What a notification is about (`object` in JSON).
    public struct ObjectRef: Sendable, Hashable {
        /// The object's type, e.g. `graph`.
        public var type: String
        /// The object's id, e.g. `123`.
        public var id: String

        /// Creates a reference.
        public init(type: String, id: String) {
            self.type = type
            self.id = id
        }
    }

    /// Why a line of `send --file` input is not a notification.
    public enum LineError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
        /// The line is empty or only whitespace.
        case empty
        /// The line is not valid JSON (with the parser's detail).
        case notJSON(String)
        /// The line is JSON, but not an object (with what it is: "an array").
        case notAnObject(String)
        /// Neither `title` nor `body` is given.
        case noTitleOrBody
        /// A field has the wrong JSON type.
        case wrongType(field: String, expected: String, found: String)
        /// `created_at` is neither ISO 8601 nor an epoch number.
        case badTimestamp(String)
        /// No `kind` in the line and no default kind.
        case noKind
        /// A `kind` that is not a kind name (`Kind.isValidName`).
        case badKind(String)

        public var description: String {
            switch self {
            case .empty: return "empty line"
            case .notJSON(let detail): return "not JSON: \(detail)"
            case .notAnObject(let what): return "not a JSON object (the line holds \(what))"
            case .noTitleOrBody: return "no \"title\" or \"body\": a notification needs one of them"
            case .wrongType(let field, let expected, let found):
                return "\"\(field)\" must be \(expected), not \(found)"
            case .badTimestamp(let text):
                return "\"created_at\" is neither ISO 8601 nor epoch seconds/milliseconds: \(text)"
            case .noKind: return "no \"kind\" in the line and no default kind given"
            case .badKind(let text): return "\"kind\": '\(TerminalText.sanitize(text))' is not a kind name (\(Kind.nameRule))"
            }
        }

        public var errorDescription: String? { description }
    }

    /// The notification id (a fresh `IDGenerator` id by default).
    public var id: String
    /// The kind, which also picks the topic.
    public var kind: Kind
    /// The addressee.
    public var user: String
    /// The one-line title.
    public var title: String
    /// Longer text.
    public var body: String?
    /// Who caused the notification.
    public var actor: String?
    /// A link to the object.
    public var url: String?
    /// Creation time, milliseconds since the epoch (sent as ISO 8601).
    public var createdAtMs: Int64
    /// What the notification is about.
    public var object: ObjectRef?
    /// Further fields, published after the contract's fields (`isJSON` values as JSON).
    public var extra: [ExtraField]

    /// Creates a notification to send.
    public init(id: String = IDGenerator.next(), kind: Kind, user: String, title: String,
                body: String? = nil, actor: String? = nil, url: String? = nil,
                createdAtMs: Int64 = Timestamps.nowMs(), object: ObjectRef? = nil,
                extra: [ExtraField] = []) {
        self.id = id
        self.kind = kind
        self.user = user
        self.title = title
        self.body = body
        self.actor = actor
        self.url = url
        self.createdAtMs = createdAtMs
        self.object = object
        self.extra = extra
    }

    /// The message value: one JSON object with `id`, `kind`, `user`, `title`, then `body`,
    /// `actor`, `url` when set, `created_at`, `object` when set, then the extra fields.
    public func json() -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.field("id", id)
        w.field("kind", kind.rawValue)
        w.field("user", user)
        w.field("title", title)
        w.field("body", body)
        w.field("actor", actor)
        w.field("url", url)
        w.field("created_at", Timestamps.iso8601(ms: createdAtMs))
        var written: Set<String> = ["id", "kind", "user", "title", "body", "actor", "url", "created_at"]
        if let object {
            w.key("object")
            w.beginObject()
            w.field("type", object.type)
            w.field("id", object.id)
            w.endObject()
            written.insert("object")
        }
        w.members(extra, written: &written)
        w.endObject()
        return w.bytes
    }

    /// Reads one line of `send --file` input (JSON Lines).
    ///
    /// The line must be a JSON object with a string `title` or `body` (a missing title
    /// becomes the body's first non-blank line). A missing or blank `id` gets a fresh id, a missing
    /// `created_at` the current time, a missing `user` or `kind` the defaults. Fields not in
    /// the contract are kept and published. `object` is read as `{type, id}`; any other
    /// shape is kept verbatim as an extra field.
    public static func fromJSONLine(_ line: String, defaultUser: String,
                                    defaultKind: Kind?) throws(LineError) -> OutgoingNotification {
        var line = line
        let parsed = line.withUTF8 { bytes in
            Result { () throws(LineError) -> OutgoingNotification in
                try fromJSONLine(bytes: bytes, defaultUser: defaultUser, defaultKind: defaultKind)
            }
        }
        return try parsed.get()
    }

    /// Reads one line of `send --file` input from its bytes (the streaming path; the same
    /// rules as `fromJSONLine(_:defaultUser:defaultKind:)`).
    public static func fromJSONLine(bytes: UnsafeBufferPointer<UInt8>, defaultUser: String,
                                    defaultKind: Kind?) throws(LineError) -> OutgoingNotification {
        let fields = try LineFields.parse(bytes)
        if let text = fields.kind, !Kind.isValidName(text) { throw .badKind(text) }
        guard let kind = fields.kind.map(Kind.init(rawValue:)) ?? defaultKind else { throw .noKind }
        guard let title = NotificationDecoder.resolvedTitle(fields.title, body: fields.body) else {
            throw .noTitleOrBody
        }
        let id = fields.id.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } ?? IDGenerator.next()
        return OutgoingNotification(id: id, kind: kind,
                                    user: fields.user ?? defaultUser, title: title, body: fields.body,
                                    actor: fields.actor, url: fields.url,
                                    createdAtMs: fields.createdAtMs ?? Timestamps.nowMs(),
                                    object: fields.object, extra: fields.extra)
    }
}
