import InboxCore
import InboxSystem

/// `send --file`: streams a JSON Lines file to the users' topics, a line at a time, with
/// the idempotent producer, checking every delivery report. Memory does not grow with the
/// file: it holds one read chunk and the messages in flight.
public final class NotificationFileSender {
    /// What happened to the lines.
    public struct Outcome: Sendable {
        /// Messages confirmed by the broker.
        public var delivered = 0
        /// Messages the broker did not confirm.
        public var failed = 0
        /// The first few failures: topic and why.
        public var failures: [(topic: String, why: String)] = []
        /// Lines that were not notifications (each reported through `onBadLine`).
        public var badLines = 0
        /// Kinds sent that are not among the configured ones.
        public var unconfiguredKinds: Set<Kind> = []
        /// Valid lines (delivered + failed).
        public var sent: Int { delivered + failed }
    }

    private let settings: Settings
    private let defaultKind: Kind?
    private let engine: DeliveryEngine
    /// Called with the topics a new user or topic needs before its first message (the
    /// command's `--create-topics`), or nil.
    private let prepare: (([String]) throws -> Void)?
    /// Called for each line that is not a notification: its number and why.
    public var onBadLine: (Int, OutgoingNotification.LineError) -> Void = { _, _ in }
    private var topics: [TopicKey: String] = [:]
    private var preparedUsers: Set<String> = []

    private struct TopicKey: Hashable {
        var user: String
        var kind: Kind
    }

    /// Sends with `settings`; `defaultKind` for lines without a kind; `prepare` creates topics.
    public init(settings: Settings, defaultKind: Kind?, prepare: (([String]) throws -> Void)? = nil) throws(ServiceError) {
        self.settings = settings
        self.defaultKind = defaultKind
        self.prepare = prepare
        engine = try DeliveryEngine(settings: settings)
    }

    /// Reads `fd` to its end (`name` for errors: a path or "stdin") and sends every valid
    /// line, waiting for every report. Throws when the input cannot be read, the cluster
    /// does not answer before the first message, or `prepare` fails.
    public func send(fd: Int32, name: String) throws -> Outcome {
        var outcome = Outcome()
        var reader = LineReader(fd: fd, name: name)
        defer { reader.close() }
        var pending: OutgoingMessage?
        var readError: Error?
        var reachable = false
        let configured = Set(settings.layout.kinds)
        // The reader is driven from the engine's `next`: one line parsed per message asked for.
        func nextMessage() throws -> OutgoingMessage? {
            pending = nil
            do throws(LineReaderError<SendStop>) {
                try reader.forEachLine { (bytes, number) throws(SendStop) -> Bool in
                    let line = Self.trimmed(bytes)
                    if line.isEmpty { return true }
                    if let fast = VerbatimLine.check(line, defaultUser: settings.user, nowMs: Timestamps.nowMs()) {
                        do { pending = try message(user: fast.user ?? settings.user, kind: fast.kind, key: Array(fast.id.utf8),
                                                   value: fast.value(of: line)) } catch { throw SendStop(error: error) }
                        if !configured.contains(fast.kind) { outcome.unconfiguredKinds.insert(fast.kind) }
                        return false
                    }
                    let note: OutgoingNotification
                    do throws(OutgoingNotification.LineError) {
                        note = try OutgoingNotification.fromJSONLine(bytes: line, defaultUser: settings.user, defaultKind: defaultKind)
                    } catch {
                        outcome.badLines += 1
                        onBadLine(number, error)
                        return true
                    }
                    do { pending = try message(user: note.user, kind: note.kind, key: Array(note.id.utf8), value: note.json()) } catch { throw SendStop(error: error) }
                    if !configured.contains(note.kind) { outcome.unconfiguredKinds.insert(note.kind) }
                    return false
                }
            } catch {
                switch error {
                case .read(let e): readError = e
                case .body(let stop): readError = stop.error
                }
                return nil
            }
            if pending != nil && !reachable {
                try engine.checkReachable()
                reachable = true
            }
            return pending
        }
        try engine.stream(next: nextMessage, done: { _, why, topic in
            guard let why else { outcome.delivered += 1; return }
            outcome.failed += 1
            if outcome.failures.count < 10 { outcome.failures.append((topic, why)) }
        })
        if let readError { throw readError }
        return outcome
    }

    /// The message for `user`'s `kind` topic, the topic made ready (`prepare`) the first
    /// time it is used.
    private func message(user: String, kind: Kind, key messageKey: [UInt8], value: [UInt8]) throws -> OutgoingMessage {
        let key = TopicKey(user: user, kind: kind)
        let topic: String
        if let known = topics[key] {
            topic = known
        } else {
            topic = settings.layout.topic(user: user, kind: kind)
            if let prepare {
                var names = [topic]
                if preparedUsers.insert(user).inserted {
                    names += settings.layout.topics(user: user) + [settings.layout.receiptsTopic(user: user)]
                }
                try prepare(Array(Set(names)).sorted())
            }
            topics[key] = topic
        }
        return OutgoingMessage(topic: topic, key: messageKey, value: value)
    }

    /// `bytes` without spaces, tabs and other ASCII white space at either end.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lo = 0
        var hi = bytes.count
        func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
        while lo < hi && isSpace(bytes[lo]) { lo += 1 }
        while hi > lo && isSpace(bytes[hi - 1]) { hi -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lo..<hi])
    }
}

/// An error from inside the line loop (topic creation), carried out of it.
private struct SendStop: Error {
    var error: Error
}
