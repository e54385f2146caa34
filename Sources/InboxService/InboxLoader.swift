import InboxCore
import InboxFeed
import KafkaKit

/// Reads the user's topics and receipts to their ends into an `Inbox` (list, count, mark).
public struct InboxLoader {
    let settings: Settings
    let kinds: [Kind]?
    /// The local snapshot to resume from and write (nil: off).
    var snapshot: SnapshotKeeper?
    /// When the snapshot is written once everything is read.
    public var snapshotWriting = SnapshotWriting.now

    /// A loader of `kinds` (nil: all), resuming from `snapshot` when given.
    public init(settings: Settings, kinds: [Kind]?, snapshot: SnapshotKeeper? = nil) {
        self.settings = settings
        self.kinds = kinds
        self.snapshot = snapshot
    }

    /// What a load found.
    public struct Loaded {
        /// The inbox as Kafka holds it now.
        public var inbox: Inbox
        /// What went wrong on the way, in words (errors seen, malformed receipts).
        public var warnings: [String]
        /// Which of the receipt ids looked for are on the receipts topic.
        public var found: Set<String>
    }

    /// Loads the inbox and reports which of `receiptIDs` are on the receipts topic.
    ///
    /// Two threads share the work: a reading thread consumes and decodes (`InboxReader.step`)
    /// while this one adds what it decoded to the inbox, a few batches behind at most.
    public func load(lookingFor receiptIDs: Set<String> = []) throws(ServiceError) -> Loaded {
        var found = Set<String>()
        let restored = snapshot?.load()
        let reader = try settings.startReader(kinds: kinds) { reader in
            snapshot?.prepare(reader, resumeReceipts: receiptIDs.isEmpty)
        }
        defer { reader.close() }
        var inbox = Inbox()
        if let snapshot, snapshot.started(reader) == .resumed, let restored { inbox = restored }
        // The id table sized once (growing it rehashes every id), for at most what is to be read.
        inbox.reserveIDCapacity(inbox.count + Int(min(reader.catchUpTotal, Self.reserveLimit)))
        let handoff = BatchHandoff(capacity: Self.batchesAhead)
        let reading = Worker(name: "inbox-load")
        reading.start {
            while !reading.isStopping && !reader.caughtUp {
                guard handoff.put(reader.step(timeoutMs: 200)) else { break }
            }
            handoff.finish()
        }
        defer { reading.stop(wake: handoff.close) }
        var warnings: [String] = []
        var badReceipts = 0
        let clock = ContinuousClock()
        var health = BrokerHealth()
        var lastProgress = clock.now
        while let batch = handoff.take() {
            inbox.insert(contentsOf: batch.notifications)
            batch.receipts.withUnsafeBufferPointer { receipts in  // read in place: a copy retains every field
                for r in receipts.indices {
                    inbox.applyEvent(receipts[r])
                    if !receiptIDs.isEmpty && receiptIDs.contains(receipts[r].receiptID) { found.insert(receipts[r].receiptID) }
                }
            }
            badReceipts += batch.badReceipts
            if batch.hasMessages { lastProgress = clock.now }
            for c in batch.conditions {
                // A failing broker is one warning, however often librdkafka retries it.
                if case .leaderSilent = c {
                    // A command's answer would lack that partition: say so instead of answering.
                    throw .unreachable("\(c.description)" + (warnings.last.map { " (\($0))" } ?? ""))
                } else if case .brokerUnreachable = c {
                    if let change = health.note(c) { warnings.append(change.description) }
                } else if !warnings.contains(c.description) {
                    warnings.append(c.description)
                }
            }
            if clock.now - lastProgress > .milliseconds(Int(settings.timeoutMs) * 3) {
                reading.stop(wake: handoff.close)  // the reader is this thread's again
                throw .unreachable("reading stalled at \(reader.catchUpRead) of \(reader.catchUpTotal) messages from \(settings.kafka.brokers)"
                    + (warnings.last.map { ": \($0)" } ?? ""))
            }
        }
        reading.stop()
        snapshot?.finish(reader: reader, inbox: inbox, writing: snapshotWriting)  // before pending receipts go on top
        if badReceipts > 0 { warnings.append("\(badReceipts) malformed receipt(s) on \(settings.receiptsTopic) were skipped") }
        return Loaded(inbox: inbox, warnings: warnings, found: found)
    }

    /// Batches the reading thread may be ahead of the inbox (each up to the consumer's
    /// batch size): bounds the memory of decoded notifications waiting.
    static let batchesAhead = 8
    /// The most ids the table is sized for in advance.
    static let reserveLimit: Int64 = 4_000_000
}
