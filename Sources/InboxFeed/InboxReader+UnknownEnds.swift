import InboxCore
import KafkaKit

/// A started partition whose watermarks were not known at start.
struct UnknownEnd {
    /// Where it was asked to start.
    var position: StartPosition
    /// Whether it was started with the first catch-up (else it is a topic found later).
    var initial: Bool
}

extension InboxReader {
    /// Learns the ends of partitions started without them, from what librdkafka's fetches
    /// told (no request): each becomes a catch-up target like the others. Past the deadline
    /// (three timeouts) the ones still unknown are no longer waited for: catch-up completes
    /// without them, they are still read, and `batch` says so.
    func resolveUnknownEnds(into batch: inout ReadBatch) {
        lastEndCheck = .now
        if ContinuousClock.now >= unknownEndsDeadline {
            for tp in unknownEnds.keys.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
                batch.conditions.append(.leaderSilent(tp))
            }
            unknownEnds.removeAll()
            return
        }
        for (tp, unknown) in unknownEnds {
            guard let marks = consumer.client.cachedWatermarks(topic: tp.topic, partition: tp.partition) else { continue }
            unknownEnds[tp] = nil
            let low = marks.low >= 0 ? marks.low : 0
            let start = Self.start(unknown.position, marks: (low, marks.high), resume: startOffsets[tp])
            startPositions[tp] = start
            if marks.low >= 0 { lowWatermarks[tp] = marks.low }
            let read = position(of: tp) ?? start
            guard unknown.initial, marks.high > read else { continue }
            catchUpTotal += marks.high - read
            setTarget(marks.high, for: tp)
        }
    }

    /// A partition reached its end (EOF) before its watermarks were learnt: nothing to wait for.
    func reachedEnd(_ tp: TopicPartition, at offset: Int64) {
        guard unknownEnds.removeValue(forKey: tp) != nil else { return }
        if startPositions[tp] == nil { startPositions[tp] = offset }
        if lowWatermarks[tp] == nil, let low = consumer.client.cachedWatermarks(topic: tp.topic, partition: tp.partition)?.low, low >= 0 {
            lowWatermarks[tp] = low
        }
    }

    /// The next offset after the last message handled from `tp`, if any.
    private func position(of tp: TopicPartition) -> Int64? {
        guard let t = topics.firstIndex(where: { $0?.name == tp.topic }), let e = topics[t] else { return nil }
        let p = Int(tp.partition)
        return p < e.positions.count && e.positions[p] >= 0 ? e.positions[p] : nil
    }

    /// Makes `target` the offset `tp` must reach to be caught up.
    private func setTarget(_ target: Int64, for tp: TopicPartition) {
        guard let t = topics.firstIndex(where: { $0?.name == tp.topic }), topics[t] != nil else {
            targets[tp] = target
            return
        }
        let p = Int(tp.partition)
        if p >= topics[t]!.targets.count { topics[t]!.targets.append(contentsOf: repeatElement(-1, count: p + 1 - topics[t]!.targets.count)) }
        if topics[t]!.targets[p] < 0 { entryTargets += 1 }
        topics[t]!.targets[p] = target
    }
}
