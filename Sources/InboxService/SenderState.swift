import InboxCore

/// The bookkeeping of `ReceiptSender`'s thread: receipts in flight by delivery token,
/// receipts waiting to be retried, and the exponential backoff per receipt.
struct SenderState {
    typealias Instant = ContinuousClock.Instant

    /// Receipts handed to the engine, by token.
    private(set) var inflight: [UInt: Receipt] = [:]
    private var retry: [(due: Instant, receipt: Receipt)] = []
    private var attempts: [String: Int] = [:]
    private var nextToken: UInt = 1
    private let firstBackoff: Duration
    private let maxBackoff: Duration

    init(timings: ServiceTimings) {
        firstBackoff = timings.firstBackoff
        maxBackoff = timings.maxBackoff
    }

    /// Receipt ids in flight or waiting to be retried.
    var knownIDs: Set<String> { Set(inflight.values.map(\.receiptID)).union(retry.map(\.receipt.receiptID)) }

    /// When the earliest retry is due (nil when none waits).
    var nextRetry: Instant? { retry.map(\.due).min() }

    /// Registers a receipt about to be produced; returns its token.
    mutating func track(_ r: Receipt) -> UInt {
        let token = nextToken
        nextToken += 1
        inflight[token] = r
        return token
    }

    /// Makes room for `count` more receipts in flight (a batch of 100,000 otherwise grows
    /// the table by doubling, rehashing each time).
    mutating func reserve(_ count: Int) {
        if inflight.capacity < inflight.count + count { inflight.reserveCapacity(inflight.count + count) }
    }

    /// Forgets a tracked receipt whose produce call failed.
    mutating func untrack(_ token: UInt) { inflight[token] = nil }

    /// The backoff before the next attempt of `r`.
    func backoff(for r: Receipt) -> Duration {
        let exponent = max(0, (attempts[r.receiptID] ?? 1) - 1)
        return min(firstBackoff * (1 << min(exponent, 20)), maxBackoff)
    }

    /// Schedules receipts for another attempt, with backoff.
    mutating func retryLater(_ receipts: [Receipt], now: Instant) {
        for r in receipts {
            attempts[r.receiptID, default: 0] += 1
            retry.append((now + backoff(for: r), r))
        }
    }

    /// Takes the retries that are due.
    mutating func dueRetries(now: Instant) -> [Receipt] {
        let due = retry.filter { $0.due <= now }.map(\.receipt)
        retry.removeAll { $0.due <= now }
        return due
    }

    /// Sorts the engine's reports: delivered receipts, and failed ones (scheduled for a
    /// retry) with the reason.
    mutating func take(_ reports: [DeliveryEngine.Report], now: Instant) -> (delivered: [Receipt], failed: [(Receipt, String)]) {
        var delivered: [Receipt] = []
        var failed: [(Receipt, String)] = []
        delivered.reserveCapacity(reports.count)
        for report in reports {
            guard let r = inflight.removeValue(forKey: report.token) else { continue }
            if let why = report.error {
                retryLater([r], now: now)
                failed.append((r, why))
            } else {
                delivered.append(r)
                if !attempts.isEmpty { attempts[r.receiptID] = nil }
            }
        }
        return (delivered, failed)
    }
}
