import Foundation
import Testing

/// A command that cannot deliver while the inbox is open (and holds the sender lock) leaves
/// its receipt in the outbox; the open inbox adopts and delivers it.
@Suite(.serialized) struct OutboxAdoptionTests {
    @Test func theOpenInboxDeliversWhatACommandCouldNot() throws {
        let world = try OutboxWorld()
        let tui = try TmuxSession(["-b", world.b, "--user", "alice"], environment: world.env)
        tui.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 3 }
        world.broker.control("produce-errors 5 topic-authorization-failed")
        let read = try world.inbox(["read", "n-2"])
        #expect(read.status == 75, "\(read.stderr)")
        #expect(try world.receipts().isEmpty)
        world.broker.control("clear-produce-errors")
        // Adopted within ~10 s, shown as read at once, then delivered with the same receipt id.
        let s = tui.waitFor("n-2 adopted", timeout: 25) { !$0.contains { $0.contains("title of n-2") } }
        #expect(s.listRows.count == 2)
        var receipts: [(key: String, value: [String: Any])] = []
        eventually("the adopted receipt is on the topic", timeout: 15) {
            receipts = (try? world.receipts()) ?? []
            return receipts.count == 1
        }
        #expect(receipts.first?.key == "n-2")
        #expect(receipts.first?.value["type"] as? String == "read")
        tui.waitUntilNothingPending(timeout: 10)
        let left = try world.inbox(["outbox"])
        #expect(left.stderr.contains("0 receipt(s) pending"), "\(left.stderr)")
    }
}
