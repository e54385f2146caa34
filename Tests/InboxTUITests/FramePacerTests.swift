import Testing
@testable import InboxTUI

/// When the UI loop draws: keys at once, arrivals at most every 10 ms.
@Suite struct FramePacerTests {
    @Test func theFirstFrameIsDueAtOnce() {
        let p = FramePacer(intervalMs: 10)
        #expect(p.isDue(nowMs: 1000))
        #expect(p.msUntilDue(nowMs: 1000) == 0)
    }

    @Test func arrivalsWithinTheIntervalShareOneFrame() {
        var p = FramePacer(intervalMs: 10)
        p.drew(nowMs: 1000)
        #expect(!p.isDue(nowMs: 1001))
        #expect(p.msUntilDue(nowMs: 1001) == nil)  // nothing to draw: sleep until woken
        p.changed(urgent: false)
        #expect(!p.isDue(nowMs: 1003))
        #expect(p.msUntilDue(nowMs: 1003) == 7)
        p.changed(urgent: false)
        #expect(!p.isDue(nowMs: 1009))
        #expect(p.isDue(nowMs: 1010))
        p.drew(nowMs: 1010)
        #expect(!p.isDue(nowMs: 1030))  // drawn: nothing pending
    }

    @Test func aKeyPressIsDrawnAtOnceEvenRightAfterAFrame() {
        var p = FramePacer(intervalMs: 10)
        p.drew(nowMs: 1000)
        p.changed(urgent: false)
        p.changed(urgent: true)
        #expect(p.isDue(nowMs: 1001))
        #expect(p.msUntilDue(nowMs: 1001) == 0)
    }

    @Test func aClockThatGoesBackDoesNotHoldFramesForever() {
        var p = FramePacer(intervalMs: 10)
        p.drew(nowMs: 5000)
        p.changed(urgent: false)
        #expect(p.isDue(nowMs: 4000))
    }
}
