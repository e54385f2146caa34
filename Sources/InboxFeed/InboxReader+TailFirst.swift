import InboxCore
import KafkaKit

/// Tail first: a partition with a backlog is read newest part first, then its history,
/// then on from where the tail ended (live). So the first screen is the newest rows, not
/// the oldest, while the rest of catch-up goes on behind it.
///
/// The receipts topic is read the same way. Receipts of one key (a notification's state,
/// one mute) are in one partition, so every receipt of its tail is later than every one
/// of its history: a history receipt whose key the tail already had is dropped, and the
/// latest receipt still wins, as in log order.
///
/// Per partition: `.tail` reads `[historyEnd, target)`; at the target (or its end) it waits
/// (`.waiting`) until every partition's tail is in (or 0.5 s), then seeks back to
/// `historyStart` (`.history`, up to `historyEnd`), then to where the tail stopped
/// (`.resuming`, then `.none`: live). Messages of the batch being handled when it seeks
/// were fetched before the seek and are skipped; librdkafka drops those still queued.
struct TailPlan {
    enum Phase { case none, tail, waiting, history, resuming }

    var phase = Phase.none
    var historyStart: Int64 = 0
    var historyEnd: Int64 = 0
    var target: Int64 = 0
    /// Where the tail stopped (the next offset after it).
    var resumeAt: Int64 = -1
    /// The batch during which the partition last sought (its later messages are stale).
    var soughtInBatch = -1
}

extension InboxReader {
    /// What to do with a message (or end of partition) of a partition with a plan.
    enum TailVerdict {
        /// Handle it (the plan did the catch-up accounting).
        case handle
        /// Skip it.
        case skip
    }

    /// The plan for a partition about to be assigned at `start` with these watermarks (its
    /// topic has `partitions` partitions); nil when it is read in order.
    ///
    /// A topic's tail is about four times `tailFirst` rows spread over its partitions (at least
    /// 16 and at most `tailFirst` each): a screenful of the newest rows comes from many
    /// partitions when there are many, and reading 64 of each of hundreds only delays it.
    func tailPlan(_ tp: TopicPartition, start: Int64, high: Int64, partitions: Int) -> TailPlan? {
        guard tailFirst > 0, config.group == nil, config.start == .beginning else { return nil }
        let rows = min(tailFirst, max(16, (4 * tailFirst + Int64(partitions) - 1) / Int64(max(1, partitions))))
        let tailStart = high - rows
        guard tailStart > start else { return nil }
        return TailPlan(phase: .tail, historyStart: start, historyEnd: tailStart, target: high)
    }

    /// Steps the plan of partition `p` of topic entry `t` for message `m`.
    func tailStep(_ t: Int, _ p: Int, _ m: MessageView) -> TailVerdict {
        var plan = topics[t]!.tails[p]
        defer { topics[t]!.tails[p] = plan }
        let tp = TopicPartition(topic: m.topic, partition: m.partition)
        let isReceipts = topics[t]!.isReceipts
        if plan.soughtInBatch == batchNumber { return .skip }
        switch plan.phase {
        case .none:
            return .handle
        case .tail:
            if m.isPartitionEOF {
                plan.resumeAt = m.offset
            } else {
                catchUpRead += 1
                if isReceipts, let key = m.key { tailKeys.insert(key) }
                guard m.offset + 1 >= plan.target else { return .handle }
                plan.resumeAt = m.offset + 1
            }
            tailsReading -= 1
            if tailBarrierLifted {
                plan.phase = .history
                plan.soughtInBatch = batchNumber
                try? consumer.seek(tp, to: plan.historyStart)
            } else {
                plan.phase = .waiting
                waitingForHistory.append((t, p, tp))
            }
            return m.isPartitionEOF ? .skip : .handle
        case .waiting:
            // Past the tail (live messages, its end): read again when it resumes there.
            return .skip
        case .history:
            if m.isPartitionEOF { return .skip }
            if m.offset >= plan.historyEnd {
                // History gone (retention moved the start past it): on to live.
                finishHistory(&plan, t, p, tp)
                return .skip
            }
            catchUpRead += 1
            if m.offset + 1 >= plan.historyEnd { finishHistory(&plan, t, p, tp) }
            if isReceipts, !tailKeys.isEmpty, let key = m.key, tailKeys.contains(key) { return .skip }
            return .handle
        case .resuming:
            if m.offset < plan.resumeAt { return .skip }
            plan.phase = .none
            return .handle
        }
    }

    /// After a step: once every tail is in, or the wait has lasted `tailBarrierMs`, the
    /// partitions waiting go back to their history, and later tails go straight on.
    func stepTailBarrier() {
        let now = ContinuousClock.now
        if tailBarrierEnds == nil { tailBarrierEnds = now + .milliseconds(tailBarrierMs) }
        guard tailsReading <= 0 || now >= tailBarrierEnds! else { return }
        tailBarrierLifted = true
        for (t, p, tp) in waitingForHistory {
            topics[t]!.tails[p].phase = .history
            topics[t]!.tails[p].soughtInBatch = batchNumber
            try? consumer.seek(tp, to: topics[t]!.tails[p].historyStart)
        }
        waitingForHistory = []
    }

    private func finishHistory(_ plan: inout TailPlan, _ t: Int, _ p: Int, _ tp: TopicPartition) {
        plan.phase = .resuming
        plan.soughtInBatch = batchNumber
        try? consumer.seek(tp, to: plan.resumeAt)
        if p < topics[t]!.positions.count { topics[t]!.positions[p] = plan.resumeAt }
        if p < topics[t]!.targets.count, topics[t]!.targets[p] >= 0 {
            topics[t]!.targets[p] = -1
            entryTargets -= 1
        }
        tailPartitions -= 1
        if tailPartitions == 0 { tailKeys = TailKeys() }
    }
}
