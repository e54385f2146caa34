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
        var offsets: [TopicPartition: Int64] = [:]
        var timed: [TopicPartition] = []
        for topic in wantedTopics(all) where topic.errorCode == 0 {
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                guard !consumer.startedPartitions.contains(tp) else { continue }
                let marks = try consumer.client.watermarks(topic: tp.topic, partition: p, timeoutMs: config.timeoutMs)
                let isReceipts = topic.name == receiptsTopic
                let position = (isReceipts || !initial) ? StartPosition.beginning : config.start
                var start: Int64
                switch position {
                case .beginning: start = max(marks.low, startOffsets[tp] ?? marks.low)
                case .end: start = marks.high
                case .offset(let n): start = min(max(n, marks.low), marks.high)
                case .last(let n): start = max(marks.low, marks.high - n)
                case .time: start = marks.low; timed.append(tp)
                }
                offsets[tp] = start
                startPositions[tp] = start
                lowWatermarks[tp] = marks.low
                if initial && marks.high > start {
                    targets[tp] = marks.high
                    catchUpTotal += marks.high - start
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

    func condition(_ e: KafkaError) -> ReaderCondition {
        let brokers = config.kafka.brokers
        if e.isAuthentication { return .authentication(brokers: brokers, reason: e.reason) }
        if e.isUnreachable { return .unreachable(brokers: brokers, reason: e.reason) }
        return .other(e.reason)
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
        var ends: [TopicPartition: Int64] = [:]
        for topic in groupTopics where topic.errorCode == 0 {
            for p in topic.partitions {
                let tp = TopicPartition(topic: topic.name, partition: p)
                ends[tp] = (try? consumer.client.watermarks(topic: topic.name, partition: p, timeoutMs: config.timeoutMs))?.high ?? 0
            }
        }
        groupEnds = ends
        return ends
    }
}
