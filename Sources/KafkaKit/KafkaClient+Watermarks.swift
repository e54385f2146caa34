import CRdKafka
import Foundation

extension KafkaClient {
    /// Low and high watermarks of many partitions, asked of their leaders concurrently (at
    /// most 16 requests in flight), waiting at most about `timeoutMs` in all. A partition whose
    /// leader does not answer (a broker down, a leader moving) is absent from the result
    /// and its error is in `failures`: one slow broker costs one timeout, not one per partition.
    /// (librdkafka bounds only the leader lookup by the timeout: a request queued for a
    /// broker that is down waits for `socket.timeout.ms`. Such a request is left to finish
    /// on its own thread, which keeps the client alive until then.)
    public func watermarks(of partitions: [TopicPartition], timeoutMs: Int32)
        -> (marks: [TopicPartition: (low: Int64, high: Int64)], failures: [TopicPartition: KafkaError]) {
        let results = WatermarkResults(count: partitions.count)
        let width = min(16, partitions.count)
        guard width > 0 else { return ([:], [:]) }
        let group = DispatchGroup()
        let next = WatermarkResults.Counter()
        for _ in 0..<width {
            group.enter()
            Thread.detachNewThread { [self] in
                while let i = next.take(below: partitions.count) {
                    let tp = partitions[i]
                    do { results.set(i, .success(try watermarks(topic: tp.topic, partition: tp.partition, timeoutMs: timeoutMs))) } catch {
                        results.set(i, .failure((error as? KafkaError) ?? KafkaError(reason: "\(error)")))
                    }
                }
                group.leave()
            }
        }
        if group.wait(timeout: .now() + .milliseconds(Int(timeoutMs) + 250)) == .timedOut { next.cancel() }
        var marks: [TopicPartition: (low: Int64, high: Int64)] = [:]
        var failures: [TopicPartition: KafkaError] = [:]
        for (i, tp) in partitions.enumerated() {
            switch results.get(i) {
            case .success(let m)?: marks[tp] = m
            case .failure(let e)?: failures[tp] = e
            case nil: failures[tp] = KafkaError(reason: "watermarks of \(tp.topic)/\(tp.partition): no answer within \(timeoutMs) ms")
            }
        }
        return (marks, failures)
    }

    /// The watermarks librdkafka last learnt from fetching `topic`/`partition` (no request);
    /// nil until a fetch response has told the high one; `low` is -1 while unknown.
    public func cachedWatermarks(topic: String, partition: Int32) -> (low: Int64, high: Int64)? {
        var low: Int64 = 0, high: Int64 = 0
        guard rd_kafka_get_watermark_offsets(handle, topic, partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
              high >= 0 else { return nil }
        return (max(low, -1), high)
    }
}

/// Results filled in by several threads, one slot each.
private final class WatermarkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<(low: Int64, high: Int64), KafkaError>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<(low: Int64, high: Int64), KafkaError>) { lock.withLock { slots[i] = r } }
    func get(_ i: Int) -> Result<(low: Int64, high: Int64), KafkaError>? { lock.withLock { slots[i] } }

    /// Hands out indices 0, 1, … to the threads.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below limit: Int) -> Int? {
            lock.withLock {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
        /// Hands out no more.
        func cancel() { lock.withLock { value = Int.max } }
    }
}
