/// Where reading notifications starts (`--from`).
public enum StartPosition: Sendable, Equatable {
    case beginning
    case end
    /// An absolute offset in every partition (clamped to what exists).
    case offset(Int64)
    /// The first message at or after this time (ms since the epoch).
    case time(Int64)
    /// The last this many messages of every partition.
    case last(Int64)
}
