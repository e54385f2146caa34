/// Where a Kafka message came from.
public struct SourcePosition: Sendable, Hashable, Codable {
    /// The topic name.
    public var topic: String
    /// The partition number.
    public var partition: Int32
    /// The message offset.
    public var offset: Int64

    /// Creates a position.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// `topic/partition/offset`, the id given to a notification without one.
    public var fallbackID: String { "\(topic)/\(partition)/\(offset)" }
}

/// One field of a notification that the contract does not name, kept for the preview.
public struct ExtraField: Sendable, Hashable {
    /// The field's key, as sent.
    public var key: String
    /// The value: a string as is, anything else as compact JSON text.
    public var value: String
    /// Whether `value` is JSON text (a number, object, array, boolean or null as sent)
    /// rather than the content of a JSON string.
    public var isJSON: Bool

    /// Creates a field.
    public init(key: String, value: String, isJSON: Bool = false) {
        self.key = key
        self.value = value
        self.isJSON = isJSON
    }
}

/// One notification, decoded tolerantly from a Kafka message (malformed input becomes a
/// malformed entry, never an error).
///
/// Strings hold what was sent (invalid UTF-8 already replaced); they are *not*
/// sanitised for a terminal. Sanitise with `TerminalText` before display.
public struct Notification: Sendable, Hashable {
    /// The notification id, or `topic/partition/offset` when the message had none.
    public var id: String
    /// The kind, from the message or else from the topic.
    public var kind: Kind
    /// The addressee, when the message names one.
    public var user: String?
    /// The one-line title; for a malformed message, a description of the problem.
    public var title: String
    /// Longer text, if any.
    public var body: String?
    /// Who caused the notification.
    public var actor: String?
    /// A link to the object.
    public var url: String?
    /// Creation time in milliseconds since the epoch (`created_at`, else the Kafka timestamp).
    public var createdAtMs: Int64
    /// `object.type`, when present.
    public var objectType: String?
    /// `object.id`, when present.
    public var objectID: String?
    /// Fields the contract does not name, in the order sent.
    public var extra: [ExtraField]
    /// Where the message was read from.
    public var source: SourcePosition
    /// Set when the value could not be read as a notification: the reason.
    public var malformedReason: String?
    /// For a malformed value: its bytes, escaped (`\xNN`, `\u{…}`) and truncated.
    public var raw: String?

    /// Whether this entry stands for a message that could not be decoded.
    public var isMalformed: Bool { malformedReason != nil }

    /// Creates a notification.
    public init(id: String, kind: Kind, user: String? = nil, title: String, body: String? = nil,
                actor: String? = nil, url: String? = nil, createdAtMs: Int64,
                objectType: String? = nil, objectID: String? = nil, extra: [ExtraField] = [],
                source: SourcePosition, malformedReason: String? = nil, raw: String? = nil) {
        self.id = id
        self.kind = kind
        self.user = user
        self.title = title
        self.body = body
        self.actor = actor
        self.url = url
        self.createdAtMs = createdAtMs
        self.objectType = objectType
        self.objectID = objectID
        self.extra = extra
        self.source = source
        self.malformedReason = malformedReason
        self.raw = raw
    }
}
