/// What the snapshot's lifecycle has to say; each front end shows it its own way (stderr
/// for the commands, the status line and the log for the inbox).
public enum SnapshotReport: Sendable, Hashable {
    /// No snapshot yet (said only to those who asked for details).
    case none(path: String)
    /// The file cannot be used (damaged, unreadable); rebuilding from Kafka.
    case unusable(path: String, why: String)
    /// The snapshot belongs to other settings (user, cluster, topic layout); rebuilding.
    case doesNotApply(path: String, why: String)
    /// Loaded from disk (not yet checked against the cluster).
    case loaded(path: String, notifications: Int, bytes: Int, ms: Int)
    /// The cluster does not match it (topic recreated, truncated, another cluster); rebuilding.
    case rejected(path: String, why: String)
    /// Resumed: what it held, how many new messages there are to read, notes about expired ranges.
    case resumed(notifications: Int, newMessages: Int64, notes: [String])
    /// Everything was read from Kafka (no snapshot was used).
    case readAll(messages: Int64)
    /// Written.
    case written(notifications: Int, bytes: Int, ms: Int)
    /// Not rewritten yet: it is behind by only this many messages (`SnapshotWriting.whenBehind`).
    case kept(newMessages: Int64, rewriteAt: Int64)
    /// Could not be written (the inbox goes on without).
    case writeFailed(String)

    /// Whether this is worth telling a user who did not ask for details.
    public var isProblem: Bool {
        switch self {
        case .unusable, .doesNotApply, .rejected, .writeFailed: return true
        default: return false
        }
    }

    /// Whether this says the snapshot could not be written.
    public var isWriteFailure: Bool {
        if case .writeFailed = self { return true } else { return false }
    }

    /// One line, in words.
    public var text: String {
        switch self {
        case .none(let path): return "no snapshot yet (\(path))"
        case .unusable(let path, let why): return "snapshot \(path) is unusable: \(why); rebuilding from Kafka"
        case .doesNotApply(let path, let why): return "snapshot \(path) does not apply: \(why); rebuilding from Kafka"
        case .loaded(_, let n, let bytes, let ms): return "snapshot loaded: \(n) notifications, \(bytes) bytes in \(ms) ms"
        case .rejected(let path, let why): return "snapshot \(path) does not match Kafka: \(why); rebuilding from Kafka"
        case .resumed(let n, let new, _): return "resumed from snapshot: \(n) notifications, read \(new) new messages"
        case .readAll(let m): return "read \(m) messages from Kafka (no snapshot used)"
        case .written(let n, let bytes, let ms): return "snapshot written: \(n) notifications, \(bytes) bytes in \(ms) ms"
        case .kept(let new, let at): return "snapshot kept: \(new) new message(s) since it was written (rewritten once there are \(at))"
        case .writeFailed(let why): return "cannot write the snapshot (the inbox goes on without it): \(why)"
        }
    }
}
