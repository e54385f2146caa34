import Foundation
import Testing

/// Issue 4's promises, seen in the real inbox under tmux: exact bulk actions and a UI that
/// does not wait for a slow broker.
@Suite(.serialized) struct TriageGuaranteeTests {
    static let seeds = InteractiveInboxTests.seeds

    @Test func aNotificationArrivingDuringMarkAllReadStaysUnread() throws {
        let broker = try BrokerProcess(arguments: ["--user", "alice"])
        try Harness.seed(broker.bootstrap, Self.seeds)
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"])
        tui.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 5 }
        tui.press("R")
        tui.waitFor(text: "Mark 5 read? y/n")
        // Older by created_at than everything in view, but it arrives after R was pressed.
        let late = Seed(id: "late-1", kind: "owner", actor: "zed", title: "arrived while asking", minutesAgo: 55)
        try Harness.seed(broker.bootstrap, [late])
        var s = tui.waitFor("the late notification on screen") { $0.listRows.count == 6 }
        #expect(s.listRows.last == late.row())
        #expect(s.messageLine == "Mark 5 read? y/n")
        tui.press("y")
        s = tui.waitFor(text: "5 marked read")
        #expect(s.listRows == [late.row()])
        let receipts = try Harness.waitForReceipts(broker.bootstrap, count: 5, settle: 0.5)
        #expect(Set(receipts.map(\.description)) == Set(Self.seeds.map { "read:\($0.id)" }))
        #expect(!receipts.contains { $0.description.hasSuffix("late-1") })
    }

    @Test func aSlowBrokerNeverHoldsTheScreen() throws {
        let broker = try ControlledBroker()
        try Harness.seed(broker.bootstrap, Self.seeds)
        let state = NSTemporaryDirectory() + "kafka-inbox-rtt-\(getpid())-\(UUID().uuidString)"
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: ["XDG_STATE_HOME": state])
        tui.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 5 }
        broker.control("rtt 3000")
        tui.press("r")
        // The row leaves and the receipt shows as pending before the broker has answered.
        var s = tui.waitFor(text: "1 receipt pending", timeout: 2.5)
        #expect(s.listRows.count == 4)
        #expect(!s.listRows.contains(InteractiveInboxTests.row("o-2")))
        tui.press("j")
        s = tui.waitFor("the cursor moved while the receipt is in flight", timeout: 2.5) { _ in tui.cursorRow() == 2 }
        #expect(s.statusBar.contains("pending"))
        broker.control("rtt 0")
        s = tui.waitUntilNothingPending(timeout: 20)
        #expect(!s.statusBar.contains("pending"))
        let receipts = try Harness.waitForReceipts(broker.bootstrap, count: 1)
        #expect(receipts.map(\.description) == ["read:o-2"])
    }

    @Test func anUnreachableBrokerIsAStatusThatClearsWhenItReturns() throws {
        let broker = try ControlledBroker()
        try Harness.seed(broker.bootstrap, Self.seeds)
        let state = NSTemporaryDirectory() + "kafka-inbox-down-\(getpid())-\(UUID().uuidString)"
        let tui = try TmuxSession(["-b", broker.bootstrap, "--user", "alice"], environment: ["XDG_STATE_HOME": state])
        tui.waitFor("catch-up") { $0.statusBar.contains("up to date") && $0.listRows.count == 5 }
        broker.control("down")
        var s = tui.waitFor(text: "broker unreachable: \(broker.bootstrap)", timeout: 20)
        #expect(s.statusBar.hasPrefix("broker unreachable: \(broker.bootstrap)"))
        #expect(s.listRows.count == 5, "what was read stays on screen")
        tui.press("j")
        s = tui.waitFor("the cursor still moves") { _ in tui.cursorRow() == 2 }
        broker.control("up")
        s = tui.waitFor(text: "connected to \(broker.bootstrap)", timeout: 20)
        #expect(s.statusBar.hasPrefix("connected to \(broker.bootstrap)"))
    }
}
