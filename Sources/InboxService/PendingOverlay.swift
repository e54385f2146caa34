import InboxCore
import Synchronization

/// Keeps the user's own unconfirmed receipts on top of what the receipts topic says, so
/// the local view never shows an action undone while its receipt is pending.
///
/// Receipts read from the topic pass through `filter`: a receipt about a notification
/// with a pending receipt of ours is replaced by ours (ours is newer than anything already
/// in the log), until our own receipt (same `receipt_id`) is read back; then it is in the
/// log, confirmed, and the log speaks for itself again.
public final class PendingOverlay: Sendable {
    private let byNotification = Mutex<[String: Receipt]>([:])

    /// Creates an overlay holding `pending` (oldest first).
    public init(_ pending: [Receipt] = []) { note(pending) }

    /// Adds the user's new (or replayed) receipts; the latest per notification wins.
    public func note(_ receipts: [Receipt]) {
        guard !receipts.isEmpty else { return }
        byNotification.withLock { map in
            // Room made once: a bulk action of 100,000 otherwise rehashes the table at each doubling.
            map.reserveCapacity(map.count + receipts.count)
            for r in receipts { map[r.subject] = r }
        }
    }

    /// The pending receipts, one per notification (to re-apply after an inbox reset).
    public var all: [Receipt] { byNotification.withLock { Array($0.values) } }

    /// How many notifications have a pending receipt.
    public var count: Int { byNotification.withLock { $0.count } }

    /// Rewrites receipts read from the log (in log order). Returns what to apply and the
    /// receipt ids of ours that were found in the log (delivered, whatever the outbox says).
    public func filter(_ log: [Receipt]) -> (apply: [Receipt], confirmed: [String]) {
        byNotification.withLock { map in
            guard !map.isEmpty else { return (log, []) }
            var out: [Receipt] = []
            var confirmed: [String] = []
            out.reserveCapacity(log.count)
            for r in log {
                guard let mine = map[r.subject] else { out.append(r); continue }
                if mine.receiptID == r.receiptID {
                    map.removeValue(forKey: r.subject)
                    confirmed.append(r.receiptID)
                    out.append(r)
                } else {
                    out.append(mine)
                }
            }
            return (out, confirmed)
        }
    }
}
