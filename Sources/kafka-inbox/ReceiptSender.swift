import Foundation
import InboxCore
import InboxTUI
import KafkaKit
import Synchronization

/// Produces the TUI's receipts on its own thread (the UI never blocks on Kafka), retries
/// what a delivery report did not confirm, and reports how many are pending.
final class ReceiptSender: Sendable {
    private struct Shared {
        var incoming: [Receipt] = []
        var pending = 0
    }

    private let shared = Mutex(Shared())
    private let wake = DispatchSemaphore(value: 0)
    private let settings: Settings
    private let events: EventQueue
    private let factory: ReceiptFactory

    init(settings: Settings, events: EventQueue) {
        self.settings = settings
        self.events = events
        self.factory = ReceiptFactory(user: settings.user)
    }

    /// Called on the UI thread: queue receipts for these requests. Never blocks.
    func enqueue(_ requests: [ReceiptRequest]) {
        let receipts = requests.map { factory.receipt($0.type, id: $0.notificationID, kind: $0.kind.rawValue, source: $0.source) }
        enqueue(receipts: receipts)
    }

    /// Queues ready-made receipts.
    func enqueue(receipts: [Receipt]) {
        guard !receipts.isEmpty else { return }
        let count = shared.withLock { s in
            s.incoming += receipts
            s.pending += receipts.count
            return s.pending
        }
        events.push(.pendingReceipts(count))
        wake.signal()
    }

    /// Receipts not yet confirmed.
    var pending: Int { shared.withLock { $0.pending } }

    /// Waits until nothing is pending or `seconds` pass; returns what is still pending.
    func flush(seconds: Double) -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while pending > 0 && Date() < deadline { usleep(20_000) }
        return pending
    }

    /// Starts the sending thread.
    func start() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "receipt-sender"
        thread.start()
    }

    private func makeProducer() -> KafkaProducer? {
        do { return try Publisher.makeProducer(settings: settings) } catch {
            events.push(.error("cannot create the receipt producer: \(error)"))
            return nil
        }
    }

    private func loop() {
        var producer = makeProducer()
        var inflight: [UInt: Receipt] = [:]
        var retry: [(Date, Receipt)] = []
        var nextToken: UInt = 1
        var reports: [DeliveryReport] = []
        while true {
            if inflight.isEmpty && retry.isEmpty { _ = wake.wait(timeout: .now() + 1) }
            var batch = shared.withLock { s in defer { s.incoming.removeAll() }; return s.incoming }
            let now = Date()
            batch += retry.filter { $0.0 <= now }.map(\.1)
            retry.removeAll { $0.0 <= now }
            guard let p = producer else {
                retry += batch.map { (now.addingTimeInterval(2), $0) }
                producer = makeProducer()
                continue
            }
            for r in batch {
                let token = nextToken
                nextToken += 1
                inflight[token] = r
                do {
                    try p.produce(topic: settings.receiptsTopic, key: Array(r.notificationID.utf8),
                                  value: ReceiptCodec.encode(r), token: token, reports: &reports)
                } catch {
                    inflight[token] = nil
                    retry.append((now.addingTimeInterval(2), r))
                    events.push(.error("receipt not queued: \(error)"))
                }
            }
            if !inflight.isEmpty { reports += p.poll(timeoutMs: 50) }
            var confirmed = 0
            for report in reports {
                guard let r = inflight.removeValue(forKey: report.token) else { continue }
                if report.delivered {
                    confirmed += 1
                } else {
                    retry.append((Date().addingTimeInterval(2), r))
                    events.push(.error("receipt not confirmed, will retry: \(report.errorText ?? "error \(report.errorCode)")"))
                }
            }
            reports.removeAll(keepingCapacity: true)
            if let fatal = p.fatal {
                // librdkafka 2.0.2 can raise a fatal idempotence error: start over and replay.
                events.push(.error("producer restarted after: \(fatal.reason)"))
                retry += inflight.values.map { (Date(), $0) }
                inflight.removeAll()
                producer = makeProducer()
            }
            if confirmed > 0 {
                let count = shared.withLock { s in s.pending -= confirmed; return s.pending }
                events.push(.pendingReceipts(count))
            }
        }
    }
}
