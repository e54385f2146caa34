import InboxCore
import InboxEvents
import KafkaKit

/// Everything behind the interactive inbox, wired: the outbox and the user's pending
/// receipts, the receipt sender, the local snapshot, and the consumer thread, all talking
/// to the UI through one `EventQueue`. `start` runs the threads; the UI calls `send` for
/// each action and `beforeWait` before it sleeps; `finish` stops everything in order.
/// Nothing here knows the terminal: the benchmark and the tests drive it headless.
public final class InboxPipeline: @unchecked Sendable {
    /// The queue the UI thread drains.
    public let events: EventQueue
    /// The outbox (nil: it could not be opened; receipts are then kept in memory only).
    public let outbox: Outbox?
    /// The sender of the user's receipts.
    public let sender: ReceiptSender
    /// The consumer thread.
    public let feed: LiveFeed
    /// The local snapshot (nil: off).
    public let snapshot: SnapshotKeeper?
    /// The inbox to show first: the snapshot's, or empty.
    public private(set) var restored: Inbox
    private let earlier: [Receipt]

    /// Opens the outbox and the snapshot and builds the threads (not started yet).
    /// `snapshots`: whether to use and keep the local snapshot (never with a kind filter).
    public init(settings: Settings, kinds: [Kind]?, snapshots: Bool = true) throws(ServiceError) {
        do { events = try EventQueue() } catch { throw .failed("cannot create the event queue: \(error)") }
        let events = self.events
        var box: Outbox?
        var openFailure: StorageTrouble?
        do { box = try Outbox(path: settings.outboxPath) } catch {
            openFailure = StorageTrouble(error, directory: settings.state.directory)  // the sender says so
        }
        outbox = box
        if let note = box?.damageNote { events.push(.error(note)) }
        // Receipts from earlier runs: shown at once, delivered first.
        earlier = (try? box?.pending()) ?? []
        let overlay = PendingOverlay(earlier)
        if !earlier.isEmpty { events.push(.receipts(earlier)) }
        sender = ReceiptSender(settings: settings, events: events, outbox: box, overlay: overlay, openFailure: openFailure)
        let keeper = snapshots && kinds == nil ? SnapshotKeeper(settings: settings) { report in
            KafkaLog.write(report.text)
            if case .resumed(_, _, let notes) = report { for n in notes { KafkaLog.write("snapshot: \(n)") } }
            // A snapshot not written costs only a slower next start: the log says so (once per cause).
            if report.isProblem, !report.isWriteFailure { events.push(.error(report.text)) }
        } : nil
        snapshot = keeper
        restored = keeper?.load() ?? Inbox()
        feed = LiveFeed(settings: settings, kinds: kinds, events: events, outbox: box, overlay: overlay, snapshot: keeper)
        let sender = self.sender
        feed.onCaughtUp = { sender.receiptsCaughtUp() }
    }

    /// Hands over the restored inbox (no copy is kept here).
    public func takeRestored() -> Inbox {
        defer { restored = Inbox() }
        return restored
    }

    /// Starts the sender and the consumer thread.
    public func start() {
        sender.start(earlier: earlier)
        feed.start()
    }

    /// UI thread: the receipts of one action (returns at once).
    public func send(_ requests: [ReceiptRequest]) { sender.enqueue(requests) }

    /// UI thread, before each wait, with the inbox as the screen shows it.
    public func beforeWait(_ inbox: Inbox) { snapshot?.tick(inbox, drained: events.drainedCount) }

    /// What `finish` leaves to say.
    public struct Finished: Sendable {
        /// Receipts still unconfirmed (they stay in the outbox, except the `unsaved` ones).
        public var unconfirmed: Int
        /// Of those, the receipts the outbox could not take: lost (`problems` says so).
        public var unsaved: Int
        /// Problems found on the way out (the snapshot not written, receipts not kept), in words.
        public var problems: [String]
    }

    /// Stops the consumer thread, writes the snapshot of `inbox` (what the UI showed last),
    /// waits up to `flushTimeout` for pending receipts, stops the sender, and waits up to
    /// `joinTimeout` for the consumer thread (which may be inside a metadata request).
    /// Receipts kept in memory only (the journal could not take them) are waited for up to
    /// `unsavedTimeout` more: quitting loses them.
    @discardableResult
    public func finish(_ inbox: Inbox, flushTimeout: Duration, unsavedTimeout: Duration = .zero,
                       joinTimeout: Duration = .seconds(15)) -> Finished {
        feed.stop(wait: false)
        var problems: [String] = []
        if let report = snapshot?.finish(inbox, drained: events.drainedCount), report.isProblem { problems.append(report.text) }
        var left = sender.flush(timeout: flushTimeout)
        if sender.unsavedCount > 0 { left = sender.flush(timeout: unsavedTimeout, unsavedOnly: true) }
        if let problem = sender.stop() { problems.append(problem) }
        feed.stop(timeout: joinTimeout)
        return Finished(unconfirmed: left, unsaved: sender.unsavedCount, problems: problems)
    }
}
