import Foundation
import InboxCore
import KafkaKit

/// The bookkeeping of `ReceiptSender`'s thread: receipts in flight by delivery token,
/// receipts waiting to be retried, and the exponential backoff per receipt.
struct SenderState {
    /// Receipts handed to the producer, by token.
    private(set) var inflight: [UInt: Receipt] = [:]
    /// Delivery reports not yet taken.
    var reports: [DeliveryReport] = []
    private var retry: [(due: Date, receipt: Receipt)] = []
    private var attempts: [String: Int] = [:]
    private var nextToken: UInt = 1
    private var lastToken: UInt = 0

    /// The first delay before retrying, and the longest.
    static let firstBackoff = 1.0
    static let maxBackoff = 15.0

    /// Receipt ids in flight or waiting to be retried.
    var knownIDs: Set<String> { Set(inflight.values.map(\.receiptID)).union(retry.map(\.receipt.receiptID)) }

    /// When the earliest retry is due (distant future when none waits).
    var nextRetry: Date { retry.map(\.due).min() ?? .distantFuture }

    /// Registers a receipt about to be produced; returns its token.
    mutating func track(_ r: Receipt) -> UInt {
        lastToken = nextToken
        nextToken += 1
        inflight[lastToken] = r
        return lastToken
    }

    /// Forgets the receipt of the last `track` (its produce call failed).
    mutating func untrackLast() { inflight[lastToken] = nil }

    /// The backoff (seconds) before the next attempt of `r`.
    func backoff(for r: Receipt) -> Double {
        min(Self.firstBackoff * pow(2, Double(max(0, (attempts[r.receiptID] ?? 1) - 1))), Self.maxBackoff)
    }

    /// Schedules receipts for another attempt, with backoff.
    mutating func retryLater(_ receipts: [Receipt], error: String) {
        for r in receipts {
            attempts[r.receiptID, default: 0] += 1
            retry.append((Date().addingTimeInterval(backoff(for: r)), r))
        }
    }

    /// Takes the retries that are due.
    mutating func dueRetries() -> [Receipt] {
        let now = Date()
        let due = retry.filter { $0.due <= now }.map(\.receipt)
        retry.removeAll { $0.due <= now }
        return due
    }

    /// Sorts the reports taken so far: delivered receipts, and failed ones (scheduled for
    /// a retry) with librdkafka's reason.
    mutating func takeReports() -> (delivered: [Receipt], failed: [(Receipt, String)]) {
        var delivered: [Receipt] = []
        var failed: [(Receipt, String)] = []
        for report in reports {
            guard let r = inflight.removeValue(forKey: report.token) else { continue }
            if report.delivered {
                delivered.append(r)
                attempts[r.receiptID] = nil
            } else {
                let why = report.errorText ?? "error \(report.errorCode)"
                retryLater([r], error: why)
                failed.append((r, why))
            }
        }
        reports.removeAll(keepingCapacity: true)
        return (delivered, failed)
    }

    /// Moves everything in flight back to the retry list, due now (the producer was
    /// recreated after a fatal error).
    mutating func requeueInflight() {
        let now = Date()
        for r in inflight.values.sorted(by: { $0.receiptID < $1.receiptID }) { retry.append((now, r)) }
        inflight.removeAll()
    }
}
