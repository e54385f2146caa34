import InboxCore
import KafkaKit

/// Starting: which topics and partitions, from where, assigned or through the group.
extension InboxReader {
    func metadata() throws(InboxReaderError) -> [TopicInfo] {
        do {
            return try consumer.client.topics(timeoutMs: config.timeoutMs)
        } catch {
            let errors = consumer.pollErrors()
            let brokers = config.kafka.brokers
            if let auth = errors.first(where: { $0.isAuthentication }) {
                throw .authentication(brokers: brokers, reason: auth.reason)
            }
            throw .unreachable(brokers: brokers, timeoutMs: config.timeoutMs, detail: errors.last?.reason,
                               code: (error as? KafkaError)?.codeName ?? "\(error)")
        }
    }

    func wantedTopics(_ all: [TopicInfo]) -> [TopicInfo] {
        let existing = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var wanted: [String: TopicInfo] = [:]
        let layout = config.layout
        let user = config.user
        if config.includeNotifications {
            var missing: [String] = []
            for name in layout.topics(user: user, kinds: config.kinds) {
                if let t = existing[name] { wanted[name] = t } else { missing.append(name) }
            }
            missingTopics = missing
            let patterns = layout.subscriptionPatterns(user: user).compactMap { try? Regex($0) }
            for t in all where !t.name.hasPrefix("__") && t.name != receiptsTopic {
                guard patterns.contains(where: { (try? $0.firstMatch(in: t.name)) != nil }) else { continue }
                // `^notify\.bob\..*` also matches user bob.smith's topics: a kind taken from a
                // pattern has no dot, so another user's topics are never read as this one's.
                if let k = layout.kind(ofTopic: t.name, user: user), k.rawValue.contains(".") { continue }
                if let kinds = config.kinds, let k = layout.kind(ofTopic: t.name, user: user), !kinds.contains(k) { continue }
                wanted[t.name] = t
            }
        }
        if config.includeReceipts, let r = existing[receiptsTopic] { wanted[r.name] = r }
        return wanted.values.sorted { $0.name < $1.name }
    }

    func startPartitions(_ all: [TopicInfo], initial: Bool) throws {
        var wanted: [TopicPartition] = []
        var partitionCounts: [String: Int] = [:]
        for topic in wantedTopics(all) where topic.errorCode == 0 {
            partitionCounts[topic.name] = topic.partitions.count
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                if !consumer.startedPartitions.contains(tp) && unknownEnds[tp] == nil { wanted.append(tp) }
            }
        }
        guard !wanted.isEmpty else { return }
        // Asked concurrently and briefly: a partition whose leader does not answer starts
        // anyway, its end learnt from its first fetch (`resolveUnknownEnds`).
        // Those the snapshot's check asked for a moment ago are not asked again.
        let known = knownWatermarks
        knownWatermarks = [:]
        let ask = wanted.filter { known[$0] == nil }
        var (found, failures) = ask.isEmpty ? ([:], [:]) : consumer.client.watermarks(of: ask, timeoutMs: min(config.timeoutMs, 3000))
        for tp in wanted { if let marks = known[tp] { found[tp] = marks } }
        if found.isEmpty, let failure = failures.values.first { throw failure }
        // Only a leader that does not answer is waited for; a refusal (not authorised, no
        // such partition) fails the start as it always did.
        if let refusal = failures.values.first(where: { !$0.isRetriableWatermarkFailure }) { throw refusal }
        if !failures.isEmpty && unknownEnds.isEmpty { unknownEndsDeadline = .now + .milliseconds(3 * Int64(config.timeoutMs)) }
        var offsets: [TopicPartition: Int64] = [:]
        var timed: [TopicPartition] = []
        for tp in wanted {
            let isReceipts = tp.topic == receiptsTopic
            let position = (isReceipts || !initial) ? StartPosition.beginning : config.start
            guard let marks = found[tp] else {
                unknownEnds[tp] = UnknownEnd(position: position, initial: initial)
                offsets[tp] = startOffsets[tp] ?? Self.logicalOffset(position)
                continue
            }
            let start = Self.start(position, marks: marks, resume: startOffsets[tp])
            if case .time = position { timed.append(tp) }
            offsets[tp] = start
            startPositions[tp] = start
            lowWatermarks[tp] = marks.low
            if initial && marks.high > start {
                targets[tp] = marks.high
                catchUpTotal += marks.high - start
                if let plan = tailPlan(tp, start: start, high: marks.high, partitions: partitionCounts[tp.topic] ?? 1) {
                    tailPlans[tp] = plan
                    tailPartitions += 1
                    tailsReading += 1
                    offsets[tp] = plan.historyEnd
                }
            }
        }
        if case .time(let t) = config.start, !timed.isEmpty {
            let found = try consumer.client.offsets(forTimestamp: t, partitions: timed, timeoutMs: config.timeoutMs)
            for tp in timed {
                // No message at or after the time: start at the end.
                guard let found = found[tp] else { continue }
                // -1: no message at or after the time, or a broker that cannot look times up
                // (the embedded one). Read from the start then; `handle` skips older messages.
                let o = found >= 0 ? found : (offsets[tp] ?? 0)
                if let target = targets[tp] {
                    catchUpTotal -= (o - (offsets[tp] ?? 0))
                    if o >= target { targets.removeValue(forKey: tp) }
                }
                offsets[tp] = o
            }
        }
        if !offsets.isEmpty { try consumer.assign(offsets) }
    }

    /// Where a partition with these watermarks starts.
    static func start(_ position: StartPosition, marks: (low: Int64, high: Int64), resume: Int64?) -> Int64 {
        switch position {
        case .beginning: return max(marks.low, resume ?? marks.low)
        case .end: return marks.high
        case .offset(let n): return min(max(n, marks.low), marks.high)
        case .last(let n): return max(marks.low, marks.high - n)
        case .time: return marks.low
        }
    }

    /// The offset librdkafka resolves itself, for a partition whose watermarks are unknown.
    static func logicalOffset(_ position: StartPosition) -> Int64 {
        switch position {
        case .beginning, .time: return KafkaOffset.beginning
        case .end: return KafkaOffset.end
        case .offset(let n): return n
        case .last(let n): return KafkaOffset.tail(n)
        }
    }

    func condition(_ e: KafkaError) -> ReaderCondition {
        let brokers = config.kafka.brokers
        if e.isAuthentication { return .authentication(brokers: brokers, reason: e.reason) }
        if e.isUnreachable {
            if let name = Self.failingBroker(e) { return .brokerUnreachable(name: name, reason: e.reason) }
            return .unreachable(brokers: brokers, reason: e.reason)
        }
        return .other(e.reason)
    }

    /// The broker a transport error names, when it names one known by id: librdkafka starts
    /// such reasons with `host:port/ID: ` (a `…/bootstrap` name is not a cluster member yet).
    static func failingBroker(_ e: KafkaError) -> String? {
        guard e.isTransport, let colon = e.reason.firstRange(of: ": ") else { return nil }
        let name = e.reason[..<colon.lowerBound]
        guard let slash = name.lastIndex(of: "/"), !name.contains(" ") else { return nil }
        let id = name[name.index(after: slash)...]
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(name)
    }

    /// Group mode: subscribes to the notification topics and the layout's patterns.
    func joinGroup(_ all: [TopicInfo]) throws {
        groupTopics = wantedTopics(all)
        let names = config.layout.topics(user: config.user, kinds: config.kinds)
        try consumer.subscribe(names + config.layout.subscriptionPatterns(user: config.user))
    }

    /// Group mode: the end of every partition of the topics found at start (for `caughtUp`);
    /// a partition whose end cannot be read is not waited for.
    func noteGroupEnds() -> [TopicPartition: Int64] {
        let all = groupTopics.filter { $0.errorCode == 0 }.flatMap { t in t.partitions.map { TopicPartition(topic: t.name, partition: $0) } }
        let found = consumer.client.watermarks(of: all, timeoutMs: min(config.timeoutMs, 3000)).marks
        var ends: [TopicPartition: Int64] = [:]
        for tp in all { ends[tp] = found[tp]?.high ?? 0 }
        groupEnds = ends
        return ends
    }
}
