/// When the UI loop draws: at once after a key press or a resize (a keystroke's frame is
/// never delayed), and at most once per `intervalMs` for what arrives from Kafka.
///
/// Without it the loop drew after every batch the consumer thread pushed: about a thousand
/// frames a second while 10,000 notifications a second stream in, half a core of rendering
/// and a stream of screen updates no terminal (least of all one over ssh) can show. At
/// 100 frames a second an arrival waits at most 10 ms for its frame.
public struct FramePacer: Sendable {
    /// The shortest time between two frames drawn for arrivals.
    public let intervalMs: Int64
    private var lastFrameMs: Int64?
    private var pending = false
    private var urgent = false

    /// Creates a pacer; the first frame is due at once.
    public init(intervalMs: Int64 = 10) {
        self.intervalMs = intervalMs
        pending = true
        urgent = true
    }

    /// Something changed on screen: `urgent` for a key press, a resize or a timer (drawn
    /// now), not for arrivals (drawn within `intervalMs`).
    public mutating func changed(urgent: Bool) {
        pending = true
        if urgent { self.urgent = true }
    }

    /// Whether a frame is to be drawn now.
    public func isDue(nowMs: Int64) -> Bool {
        guard pending else { return false }
        guard !urgent, let last = lastFrameMs else { return true }
        return nowMs - last >= intervalMs || nowMs < last
    }

    /// A frame was drawn at `nowMs`.
    public mutating func drew(nowMs: Int64) {
        lastFrameMs = nowMs
        pending = false
        urgent = false
    }

    /// How long the loop may sleep before a pending frame is due; nil when none is pending.
    public func msUntilDue(nowMs: Int64) -> Int32? {
        guard pending else { return nil }
        guard !urgent, let last = lastFrameMs else { return 0 }
        return Int32(max(0, min(intervalMs, intervalMs - (nowMs - last))))
    }
}
