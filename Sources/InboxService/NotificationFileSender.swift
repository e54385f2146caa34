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

    /// Where verbatim lines with these user and kind bytes go.
    private struct Route {
        /// The line's user bytes, nil for lines without a user (the default user).
        var user: [UInt8]?
        var kindBytes: [UInt8]
        var topic: String
        var kind: Kind
        var configured: Bool

        func matches(user other: UnsafeBufferPointer<UInt8>?, kind: UnsafeBufferPointer<UInt8>) -> Bool {
            guard kindBytes.elementsEqual(kind) else { return false }
            switch (user, other) {
            case (nil, nil): return true
            case (let mine?, let theirs?): return mine.elementsEqual(theirs)
            default: return false
            }
        }
    }
    private var routes: [Route] = []

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
        var readError: Error?
        var reachable = false
        let configured = Set(settings.layout.kinds)
        func ensureReachable() throws(SendStop) {
            guard !reachable else { return }
            do { try engine.checkReachable() } catch { throw SendStop(error: error) }
            reachable = true
        }
        // The reader is driven from the engine's `next`: one line parsed per message asked for,
        // a verbatim line published from the read buffer itself.
        func next(_ send: DeliveryEngine.Send) -> Bool {
            var sent = false
            do throws(LineReaderError<SendStop>) {
                try reader.forEachLine { (bytes, number) throws(SendStop) -> Bool in
                    let line = Self.trimmed(bytes)
                    if line.isEmpty { return true }
                    if let fast = VerbatimLine.check(line, defaultUser: settings.user, nowMs: Timestamps.nowMs()) {
                        let route: Route
                        do { route = try self.route(line, fast, configured: configured) } catch { throw SendStop(error: error) }
                        try ensureReachable()
                        if !route.configured { outcome.unconfiguredKinds.insert(route.kind) }
                        fast.withValue(of: line) { value in
                            if let id = fast.idRange {
                                send(route.topic, UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[id]), value)
                            } else {
                                Array(fast.id(in: line).utf8).withUnsafeBytes { send(route.topic, $0, value) }
                            }
                        }
                        sent = true
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
                    let topic: String
                    do { topic = try self.topic(user: note.user, kind: note.kind) } catch { throw SendStop(error: error) }
                    try ensureReachable()
                    if !configured.contains(note.kind) { outcome.unconfiguredKinds.insert(note.kind) }
                    Array(note.id.utf8).withUnsafeBytes { key in note.json().withUnsafeBytes { send(topic, key, $0) } }
                    sent = true
                    return false
                }
            } catch {
                switch error {
                case .read(let e): readError = e
                case .body(let stop): readError = stop.error
                }
                return false
            }
            return sent
        }
        engine.stream(next: next, done: { _, why, topic in
            guard let why else { outcome.delivered += 1; return }
            outcome.failed += 1
            if outcome.failures.count < 10 { outcome.failures.append((topic, why)) }
        })
        if let readError { throw readError }
        return outcome
    }

    /// The topic of a verbatim line, found by its user and kind bytes among the last few
    /// used (a file usually names one user and a few kinds): no String is made per line.
    private func route(_ line: UnsafeBufferPointer<UInt8>, _ fast: VerbatimLine, configured: Set<Kind>) throws -> Route {
        let user = fast.userRange.map { UnsafeBufferPointer(rebasing: line[$0]) }
        let kind = UnsafeBufferPointer(rebasing: line[fast.kindRange])
        for r in routes where r.matches(user: user, kind: kind) { return r }
        let name = fast.user(in: line) ?? settings.user
        let k = fast.kind(in: line)
        let topic = try self.topic(user: name, kind: k)
        let r = Route(user: user.map(Array.init), kindBytes: Array(kind), topic: topic, kind: k, configured: configured.contains(k))
        if routes.count >= 16 { routes.removeLast() }
        routes.append(r)
        return r
    }

    /// The name of `user`'s `kind` topic, made ready (`prepare`) the first time it is used.
    private func topic(user: String, kind: Kind) throws -> String {
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
        return topic
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
