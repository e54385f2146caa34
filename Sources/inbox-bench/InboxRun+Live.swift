import Foundation
import InboxCore
import InboxTUI
import KafkaKit

/// The live phase of the inbox child: a producer thread streams stamped notifications at
/// `--live-rate` for `--live-seconds`; latency is taken to the frame that shows each one.
extension InboxRun {
    /// The size of one live notification as produced (for the payload the UI has shown).
    static let liveSize = BenchData.notification(0, prefix: "01JLIVE", sentNs: 1_000_000_000_000_000_000).count

    func measureLive() throws {
        let rate = options.liveRate
        let total = rate * options.liveSeconds
        let livePayload = Counter()
        let memory = LiveMemory()
        let base = options.notifications
        let brokers = options.brokers
        let done = StopFlag()
        let trace = self.trace
        trace.start(count: total)
        let producerThread = Thread {
            nameThread("live-producer")
            do {
                var config = KafkaConfig()
                config.set("bootstrap.servers", brokers)
                config.set("linger.ms", "5")
                config.set("log_level", "3")
                let producer = try KafkaProducer(config: config)
                var reports: [DeliveryReport] = []
                // Warm up: connected, producer id acquired, metadata of every topic known
                // (as for a producer that has been running for a while).
                for kind in BenchData.kinds {
                    try producer.produce(topic: BenchData.topic(kind), key: Array("warm-up".utf8),
                                         value: BenchData.notification(kind == .group ? 0 : kind == .owner ? 1 : 2, prefix: "01JWARM"),
                                         token: 0, reports: &reports)
                }
                _ = producer.flush(timeoutMs: 30_000)
                let start = monoNs()
                let perTick = max(1, rate / 1000)
                var i = 0
                while i < total {
                    let due = start + UInt64(i) * 1_000_000_000 / UInt64(rate)
                    let now = monoNs()
                    if due > now {
                        var ts = timespec(tv_sec: 0, tv_nsec: Int(due - now))
                        nanosleep(&ts, nil)
                    }
                    for _ in 0..<perTick where i < total {
                        let item = base + i
                        let value = BenchData.notification(item, prefix: "01JLIVE", sentNs: monoNs())
                        livePayload.value += value.count
                        try producer.produce(topic: BenchData.topic(BenchData.kind(of: item)),
                                             key: Array(BenchData.id("01JLIVE", item).utf8), value: value,
                                             token: UInt(i + 1), reports: &reports)
                        i += 1
                    }
                    reports += producer.poll(timeoutMs: 0)
                    trace.acked(reports, at: monoNs())
                    reports.removeAll(keepingCapacity: true)
                }
                while producer.outstanding > 0 {
                    reports += producer.poll(timeoutMs: 1)
                    trace.acked(reports, at: monoNs())
                    reports.removeAll(keepingCapacity: true)
                }
            } catch {
                log("  live producer failed: \(error)")
            }
            done.set()
        }
        producerThread.name = "live-producer"
        producerThread.start()
        var latencies: [Double] = []
        latencies.reserveCapacity(total)
        let deadline = monoNs() + UInt64(options.liveSeconds + 20) * 1_000_000_000
        var payloadShown = 0
        var frameMax: UInt64 = 0
        var slowFrames = 0
        var liveFrames = 0
        var workBefore = app.applyNs + app.renderNs
        live.set()
        shown = { [unowned self] list, at in
            let work = self.app.applyNs + self.app.renderNs - workBefore
            workBefore = self.app.applyNs + self.app.renderNs
            frameMax = max(frameMax, work)
            liveFrames += 1
            if work > 10_000_000 { slowFrames += 1 }
            for event in list {
                // Unpacked here for the time stamps only (measurement, not the product's work).
                guard case .notifications(let batch) = event else { continue }
                for n in batch.notifications {
                    payloadShown += n.raw?.utf8.count ?? Self.liveSize
                    guard let f = n.extra.first(where: { $0.key == "bench_sent_ns" }), let sent = UInt64(f.value) else { continue }
                    latencies.append(Double(at &- sent) / 1e6)
                    if let id = n.objectID.flatMap({ Int($0) }) { trace.shown(id - base, sent: sent, at: at) }
                }
            }
            memory.sample(payload: payloadShown)
        }
        app.maxWaitMs = 100
        app.shouldStop = { _ in latencies.count >= total || monoNs() >= deadline }
        try app.run(on: screen)
        shown = nil
        memory.report(into: &result, livePayload: livePayload.value)
        log(String(format: "  live: %d frames, UI work per frame max %.1f ms, %d frames over 10 ms",
                   liveFrames, Double(frameMax) / 1e6, slowFrames))
        result["live_received"] = latencies.count
        result["live_sent"] = total
        result["live_p50_ms"] = percentile(latencies, 50)
        result["live_p99_ms"] = percentile(latencies, 99)
        result["live_max_ms"] = latencies.max()
        trace.report(into: &result)
        log(String(format: "  live: %d/%d shown, p50 %.2f ms, p99 %.2f ms, max %.2f ms", latencies.count, total,
                   percentile(latencies, 50) ?? 0, percentile(latencies, 99) ?? 0, latencies.max() ?? 0))
    }
}
