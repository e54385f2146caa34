import InboxCore

/// The receipt sender's receipts that the outbox journal could not take (the state
/// directory full, read-only, missing…): kept in memory only, oldest first, until a
/// delivery report confirms them or the journal takes them after all; and the trouble,
/// with which cause was last reported (each cause is told once, not per attempt).
struct UnsavedReceipts: Sendable {
    /// The receipts kept in memory only, oldest first.
    private(set) var receipts: [Receipt] = []
    private var ids = Set<String>()
    /// Why the journal cannot be written (nil: it can, as far as is known).
    private(set) var trouble: StorageTrouble?
    private var reported: Int32?

    /// How many receipts are kept in memory only.
    var count: Int { receipts.count }

    /// Whether the receipt with this id is kept in memory only.
    func contains(_ receiptID: String) -> Bool { ids.contains(receiptID) }

    /// Keeps `list` in memory only because of `trouble`; true when the cause is new (to be told).
    mutating func keep(_ list: [Receipt], because trouble: StorageTrouble) -> Bool {
        for r in list where ids.insert(r.receiptID).inserted { receipts.append(r) }
        self.trouble = trouble
        guard reported != trouble.errno else { return false }
        reported = trouble.errno
        return true
    }

    /// The journal took everything: true when there had been trouble (to say it is over).
    mutating func saved() -> Bool {
        defer {
            receipts = []
            ids = []
            trouble = nil
            reported = nil
        }
        return trouble != nil
    }

    /// Forgets receipts a delivery report confirmed; returns those of `receiptIDs` that
    /// were journaled (the outbox is to mark them done).
    mutating func delivered(_ receiptIDs: [String]) -> [String] {
        if ids.isEmpty { return receiptIDs }  // the usual case: nothing hashed
        let journaled = receiptIDs.filter { !ids.contains($0) }
        guard journaled.count < receiptIDs.count else { return journaled }
        let done = Set(receiptIDs)
        ids.subtract(done)
        receipts.removeAll { done.contains($0.receiptID) }
        return journaled
    }
}
