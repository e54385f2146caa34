/// What a mute silences: a thread (notifications about one object), an actor, a kind, or
/// the notifications a jq filter selects.
public enum MuteScope: Sendable, Hashable, Codable {
    /// Notifications whose `object` has this type and id.
    case thread(type: String, id: String)
    /// Notifications from this actor.
    case actor(String)
    /// Notifications of this kind.
    case kind(String)
    /// Notifications for which this jq program is true (over the notification as
    /// `list --json` prints it).
    case filter(String)

    /// The scope's name on the receipts topic and in `mutes`: `thread`, `actor`, `kind`, `filter`.
    public var name: String {
        switch self {
        case .thread: return "thread"
        case .actor: return "actor"
        case .kind: return "kind"
        case .filter: return "filter"
        }
    }

    /// What the scope names, as `mutes` prints it: `graph:123`, `bob`, `owner`, the program.
    public var value: String {
        switch self {
        case .thread(let type, let id): return type + ":" + id
        case .actor(let a): return a
        case .kind(let k): return k
        case .filter(let f): return f
        }
    }

    /// The scope `name` and `value` stand for (`thread` values are `TYPE:ID`, split at the
    /// first `:`); nil when the name is unknown or a thread value has no `:`.
    public init?(name: String, value: String) {
        switch name {
        case "thread":
            guard let colon = value.firstIndex(of: ":"), colon != value.startIndex,
                  value.index(after: colon) != value.endIndex else { return nil }
            self = .thread(type: String(value[..<colon]), id: String(value[value.index(after: colon)...]))
        case "actor": self = .actor(value)
        case "kind": self = .kind(value)
        case "filter": self = .filter(value)
        default: return nil
        }
    }

    /// Whether `n`'s thread can be muted: an object type without `:` (the separator in
    /// `TYPE:ID`) and a non-empty id.
    public static func canMuteThread(of n: Notification) -> Bool {
        guard let type = n.objectType, let id = n.objectID else { return false }
        return !type.isEmpty && !type.contains(":") && !id.isEmpty
    }

    /// Whether `n` is in this scope; filters are decided by `filter`.
    public func matches(_ n: Notification, filter: (String, Notification) -> Bool) -> Bool {
        switch self {
        case .thread(let type, let id): return n.objectType == type && n.objectID == id
        case .actor(let a): return n.actor == a
        case .kind(let k): return n.kind.rawValue == k
        case .filter(let program): return filter(program, n)
        }
    }
}

/// One mute: its id (derived from the scope, so muting the same thing twice is one mute),
/// what it silences, and until when (nil: until unmuted).
public struct Mute: Sendable, Hashable, Codable {
    /// A short id, `m` and 8 hex digits, from the scope.
    public var id: String
    /// What is muted; nil in an `unmute` event, which names only the id.
    public var scope: MuteScope?
    /// When the mute ends, ms since the epoch; nil: never.
    public var untilMs: Int64?

    /// Creates a mute.
    public init(id: String, scope: MuteScope?, untilMs: Int64? = nil) {
        self.id = id
        self.scope = scope
        self.untilMs = untilMs
    }

    /// A mute of `scope`, with the id derived from it.
    public init(scope: MuteScope, untilMs: Int64? = nil) {
        self.init(id: Self.id(for: scope), scope: scope, untilMs: untilMs)
    }

    /// The id of a mute of `scope`: `m` and the first 8 hex digits of a hash of its name and value.
    public static func id(for scope: MuteScope) -> String {
        let h = XXHash64.hash(Array((scope.name + "\u{0}" + scope.value).utf8), seed: 0x6D75_7465)
        let hex = String(h >> 32, radix: 16)
        return "m" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Whether the mute is in force at `nowMs`.
    public func isActive(at nowMs: Int64) -> Bool { scope != nil && (untilMs.map { nowMs < $0 } ?? true) }
}
