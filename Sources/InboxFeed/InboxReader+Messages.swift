import Dispatch
import InboxCore
import KafkaKit

/// The per-message path of the reader: a message (or an event) of a partition, decoded
/// into the batch, its position and the catch-up progress noted.
extension InboxReader {
    /// The entry of the topic at `index`, made when a message of it is first seen.
    func entry(_ m: MessageView) -> Int {
        let t = m.topicIndex
        if t >= 0, t < topics.count, topics[t] != nil { return t }
        guard t >= 0 else { return -1 }
        if t >= topics.count { topics.append(contentsOf: repeatElement(nil, count: t + 1 - topics.count)) }
        var e = TopicEntry(name: m.topic, kind: config.layout.kind(ofTopic: m.topic, user: config.user),
                           isReceipts: m.topic == receiptsTopic, targets: [])
        for (tp, target) in targets where tp.topic == m.topic {
            let p = Int(tp.partition)
            if p >= e.targets.count { e.targets.append(contentsOf: repeatElement(-1, count: p + 1 - e.targets.count)) }
            e.targets[p] = target
            targets.removeValue(forKey: tp)
            entryTargets += 1
        }
        for (tp, plan) in tailPlans where tp.topic == m.topic {
            let p = Int(tp.partition)
            if p >= e.tails.count { e.tails.append(contentsOf: repeatElement(TailPlan(), count: p + 1 - e.tails.count)) }
            if p >= e.positions.count { e.positions.append(contentsOf: repeatElement(-1, count: p + 1 - e.positions.count)) }
            e.tails[p] = plan
            tailPlans.removeValue(forKey: tp)
        }
        topics[t] = e
        return t
    }

    func handle(_ m: MessageView, into batch: inout ReadBatch) {
        let t = entry(m)
        guard t >= 0 else {
            // An error not about a topic (group mode: the cluster down, not authorised, …).
            if m.errorCode != 0 && !m.isPartitionEOF {
                batch.conditions.append(condition(KafkaError(code: m.errorCode, reason: m.errorText ?? "error \(m.errorCode)")))
            }
            return
        }
        let p = Int(m.partition)
        var planned = p >= 0 && p < topics[t]!.tails.count && topics[t]!.tails[p].phase != .none
        if planned, m.errorCode == 0 || m.isPartitionEOF {
            if tailStep(t, p, m) == .skip { return }
            // The message that ends a plan (the first one after the tail) is a live one.
            planned = topics[t]!.tails[p].phase != .none
        }
        if m.errorCode != 0 {
            if m.isPartitionEOF {
                if !unknownEnds.isEmpty { reachedEnd(TopicPartition(topic: m.topic, partition: m.partition), at: m.offset) }
                if p >= 0, p < topics[t]!.targets.count, topics[t]!.targets[p] >= 0 {
                    topics[t]!.targets[p] = -1
                    entryTargets -= 1
                }
                if config.group != nil { noteGroupPosition(m.topic, m.partition, m.offset) }
            } else {
                let error = KafkaError(code: m.errorCode, reason: m.errorText ?? "error \(m.errorCode)")
                let tp = TopicPartition(topic: m.topic, partition: m.partition)
                batch.conditions.append(error.isUnreachable ? condition(error) : .partitionUnreadable(tp, reason: error.reason))
                // A partition that cannot be read (not authorised, gone) must not keep the
                // inbox "catching up" for ever; a connection problem is retried by librdkafka.
                if !error.isUnreachable, p >= 0, p < topics[t]!.targets.count, topics[t]!.targets[p] >= 0 {
                    topics[t]!.targets[p] = -1
                    entryTargets -= 1
                }
                if !error.isUnreachable && !unknownEnds.isEmpty { unknownEnds[tp] = nil }
            }
            return
        }
        // One access to the entry, in place: reading `topics[t]!.x` copied the whole entry.
        // A partition read tail first keeps its position and catch-up count in its plan.
        let (isReceipts, kind, reached, counted) = planned
            ? (topics[t]!.isReceipts, topics[t]!.kind, false, false)
            : update(&topics[t]!, partition: p, next: m.offset + 1)
        if counted { catchUpRead += 1 }
        if reached { entryTargets -= 1 }
        if p >= 0, !planned, config.group != nil { noteGroupPosition(m.topic, m.partition, m.offset + 1) }
        if isReceipts {
            guard let r = ReceiptCodec.decode(m.value) else { batch.badReceipts += 1; return }
            // A receipts topic shared by several users: each keeps only its own.
            if receiptsShared && r.user != config.user { return }
            batch.receipts.append(r)
            return
        }
        if let startTimeMs, m.timestampMs >= 0, m.timestampMs < startTimeMs { return }
        decoded &+= 1
        let timed = timeDecoding && decoded & 7 == 0
        let t0 = timed ? DispatchTime.now().uptimeNanoseconds : 0
        if let mapper {
            let message = MessageMapper.Message(topic: m.topic, partition: m.partition, offset: m.offset, timestampMs: m.timestampMs,
                                                key: m.key.map { Array($0) }, topicKind: kind, headers: { m.headers() })
            let outcome = mapper.map(m.value, message)
            if recordsOutcomes {
                batch.outcomes.append((SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset), outcome))
            }
            switch outcome {
            case .skipped: skipped += 1
            case .notification(let n): batch.notifications.append(n)
            }
        } else {
            let source = SourcePosition(topic: m.topic, partition: m.partition, offset: m.offset)
            NotificationDecoder.decode(m.value, source: source, timestampMs: m.timestampMs, topicKind: kind,
                                       into: &batch.notifications)
        }
        // Sampled (one notification in 8), so that measuring costs next to nothing.
        if timed { decodeNs += (DispatchTime.now().uptimeNanoseconds - t0) * 8 }
    }

    /// A message at `next - 1` of partition `partition` of `entry` was read: its position,
    /// and whether that counts towards catching up and reaches the partition's target.
    @inline(__always)
    private func update(_ entry: inout TopicEntry, partition p: Int, next: Int64)
        -> (isReceipts: Bool, kind: Kind?, reached: Bool, counted: Bool) {
        if p >= 0 {
            if p >= entry.positions.count { entry.positions.append(contentsOf: repeatElement(-1, count: p + 1 - entry.positions.count)) }
            entry.positions[p] = next
        }
        var reached = false
        var counted = false
        if p >= 0, p < entry.targets.count, entry.targets[p] >= 0 {
            counted = true
            if next >= entry.targets[p] {
                entry.targets[p] = -1
                reached = true
            }
        }
        return (entry.isReceipts, entry.kind, reached, counted)
    }
}
