import InboxEvents
import InboxSystem
#if canImport(Glibc)
import Glibc
#endif

/// How `InboxApp.run()` ended.
public enum TUIExit: Sendable, Hashable {
    /// The user pressed `q`.
    case quit
    /// A terminating signal arrived (SIGINT, SIGTERM, SIGHUP); the terminal is restored.
    case signal(Int32)
    /// The terminal went away (standard input hung up).
    case hangup
}

/// The interactive inbox's event loop.
///
/// Sleeps in `poll()` on standard input, the event queue's wake-up descriptor and a
/// signal self-pipe; on each wake it drains everything, applies it to the model and
/// renders one frame. The only timeout redraws relative ages once a minute.
public final class InboxApp {
    /// The model, as left by the last key or event (the executable may read it after `run`).
    public var model: InboxModel
    private let events: EventQueue
    private let send: @Sendable ([ReceiptRequest]) -> Void
    private let options: TUIOptions
    private let renderer = InboxRenderer()
    private let opener: URLOpener
    /// Called on the UI thread before each wait (at least once a minute), with the model
    /// as the screen shows it: every drained event applied. Must be cheap (the local
    /// snapshot uses it to hand a copy of the inbox to a writer thread now and then).
    public var beforeWait: ((InboxModel) -> Void)?
    /// Called on the UI thread with each batch of drained events, once applied.
    public var onApply: (([InboxEvent]) -> Void)?
    /// Called on the UI thread after each frame is drawn.
    public var onFrame: (() -> Void)?
    /// Called with live arrivals that are not muted and not decided by a rule (hooks run from here).
    public var onArrival: (([InboxCore.Notification]) -> Void)?
    /// Checked after each frame: true ends `run(on:)` (a headless run's way out).
    public var shouldStop: ((InboxModel) -> Bool)?
    /// The longest sleep between two turns (nil: until the next minute's redraw).
    public var maxWaitMs: Int32?
    /// UI-thread work so far: nanoseconds applying events and rendering, and frames drawn.
    public private(set) var applyNs: UInt64 = 0
    public private(set) var renderNs: UInt64 = 0
    public private(set) var frames = 0

    /// Creates the app; `send` is called on the UI thread with the receipts of each action
    /// (already applied locally) and must not block.
    public init(model: InboxModel, events: EventQueue, send: @escaping @Sendable ([ReceiptRequest]) -> Void,
                options: TUIOptions) {
        self.model = model
        self.events = events
        self.send = send
        self.options = options
        opener = URLOpener(browser: options.browser)
    }

    /// Runs until the user quits or a terminating signal arrives; the terminal is restored
    /// before this returns or throws.
    @discardableResult
    public func run() throws -> TUIExit {
        // Signals are caught before the terminal changes and until after it is restored, so
        // no SIGINT/SIGTERM can end the process with the terminal left in curses mode.
        let signals = try SignalPipe(signals: [SIGINT, SIGTERM, SIGHUP, SIGWINCH])
        defer { signals.uninstall() }
        let terminal = try Terminal(options: options)
        defer { terminal.close() }
        return try run(on: terminal, signalFD: signals.readFD) { signals.drain() }
    }

    /// The loop itself, on any screen: `signalFD` (negative: none) wakes it for the signals
    /// `takeSignals` returns.
    @discardableResult
    public func run(on terminal: Screen, signalFD: Int32 = -1, takeSignals: () -> [Int32] = { [] }) throws -> TUIExit {
        applyDrained(terminal)
        var pacer = FramePacer()
        while true {
            if pacer.isDue(nowMs: Posix.nowMs()) {
                render(terminal)
                pacer.drew(nowMs: Posix.nowMs())
                onFrame?()
            }
            if shouldStop?(model) == true { return .quit }
            if let bytes = pendingCopy {
                terminal.writeRaw(bytes)
                pendingCopy = nil
            }
            beforeWait?(model)
            let fds = [terminal.inputFD, events.readFD, signalFD]
            let wake = model.nextWakeMs  // before the wait: afterwards a mute that has ended is no longer "next"
            let now = Posix.nowMs()
            var wait = pacer.msUntilDue(nowMs: now) ?? Self.msToNextMinute(now)
            if let wake { wait = min(wait, Int32(clamping: max(0, wake - now))) }
            if let maxWaitMs { wait = min(wait, maxWaitMs) }
            let ready = try Posix.poll(fds, timeoutMs: wait)
            // Woken by nothing: the minute's redraw of relative ages, or a paced frame now due.
            if ready.allSatisfy({ $0 == 0 }) { pacer.changed(urgent: true) }
            if let wake, wake <= Posix.nowMs(), model.tick() { pacer.changed(urgent: true) }
            if ready[2] != 0 {
                pacer.changed(urgent: true)
                for sig in takeSignals() {
                    if sig == SIGWINCH {
                        terminal.resize()
                        terminal.invalidate()
                    } else {
                        return .signal(sig)
                    }
                }
            }
            if ready[1] != 0 {
                applyDrained(terminal)
                pacer.changed(urgent: false)
            }
            if ready[0] & (Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)) != 0 { return .hangup }
            if ready[0] & Int16(POLLIN) != 0 {
                pacer.changed(urgent: true)
                while let key = terminal.readKey() {
                    // ncurses has already resized when it reports KEY_RESIZE; calling resizeterm()
                    // again here would queue another KEY_RESIZE (ncurses 6 always does) and spin.
                    if key == .resize { terminal.invalidate() }
                    for effect in model.handle(key) where perform(effect, on: terminal) { return .quit }
                }
            }
            opener.reap()
        }
    }

    /// Does what the model asked; returns true for quit.
    private func perform(_ effect: ModelEffect, on terminal: Screen) -> Bool {
        switch effect {
        case .send(let requests): send(requests)
        case .quit: return true
        case .openURL(let url): model.message = opener.open(url) ?? "opened \(url)"
        case .copy(let text): pendingCopy = copy(text)
        case .arrived(let list):
            onArrival?(list)
            if let bytes = AlertWriter.bytes(for: list, mode: options.alerts, osc9: options.osc9) { terminal.writeRaw(bytes) }
        }
        return false
    }

    private var pendingCopy: [UInt8]?

    private func applyDrained(_ terminal: Screen? = nil) {
        let list = events.drain()
        let t = DispatchClock.nowNs()
        let effects = model.apply(list)
        applyNs += DispatchClock.nowNs() - t
        onApply?(list)
        for effect in effects {
            if let terminal { _ = perform(effect, on: terminal) } else if case .send(let r) = effect { send(r) }
        }
    }

    /// Renders a frame at the terminal's size and feeds the layout back to the model.
    private func render(_ terminal: Screen) {
        let t = DispatchClock.nowNs()
        defer {
            renderNs += DispatchClock.nowNs() - t
            frames += 1
        }
        let size = terminal.size
        let now = Posix.nowMs()
        var (grid, layout) = renderer.render(model, rows: size.rows, cols: size.cols, nowMs: now)
        let before = (model.scroll, model.previewScroll, model.helpScroll)
        model.updateLayout(layout)
        if before != (model.scroll, model.previewScroll, model.helpScroll) {
            (grid, layout) = renderer.render(model, rows: size.rows, cols: size.cols, nowMs: now)
        }
        terminal.draw(grid)
    }

    /// OSC 52 bytes for `text` when enabled; otherwise only a message saying what would be copied.
    private func copy(_ text: String) -> [UInt8]? {
        let shown = TerminalText.line(text, width: 60)
        guard options.osc52 else {
            model.message = "copy: \(shown) (clipboard writes are off)"
            return nil
        }
        model.message = "copied: \(shown)"
        return Array("\u{1b}]52;c;".utf8) + Base64.encode(Array(text.utf8)) + [0x07]
    }

    /// A monotonic clock in nanoseconds (the UI thread's work counters).
    enum DispatchClock {
        static func nowNs() -> UInt64 {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
        }
    }

    /// Milliseconds until the next whole minute (when relative ages change), at least 1.
    static func msToNextMinute(_ now: Int64) -> Int32 {
        Int32(max(1, 60_000 - now % 60_000))
    }
}

import InboxCore

/// Standard Base64 (for OSC 52).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((data.count + 2) / 3 * 4)
        var i = 0
        while i < data.count {
            let b0 = Int(data[i])
            let b1 = i + 1 < data.count ? Int(data[i + 1]) : 0
            let b2 = i + 2 < data.count ? Int(data[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(i + 1 < data.count ? alphabet[((b1 & 15) << 2) | (b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < data.count ? alphabet[b2 & 63] : UInt8(ascii: "="))
            i += 3
        }
        return out
    }
}
