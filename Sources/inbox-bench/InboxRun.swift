import Foundation
import InboxCore
import InboxEvents
import InboxFeed
import InboxService
import InboxTUI
import KafkaKit

/// The inbox side of the benchmark, run in a child process so that its memory is its own
/// (the embedded broker, holding every message, lives in the parent): catch-up through the
/// product's own pipeline (`InboxPipeline`: the consumer thread `LiveFeed` → `EventQueue` →
/// the UI loop `InboxApp.run(on:)` applying events and rendering into a 120×40 headless
/// screen), then, with `--full`, keys, search and live latency. With `--snapshot write` it
/// catches up with the local snapshot on and writes it at the end, as the inbox does at quit;
/// with `--snapshot open` it starts from that snapshot (see `InboxRun+Snapshot`).
final class InboxRun {
    let options: Options
    let pipeline: InboxPipeline
    let app: InboxApp
    let screen = HeadlessScreen(rows: 40, cols: 120)
    var grid = CellGrid(rows: 40, cols: 120)
    let renderer = InboxRenderer()
    var result: [String: Any] = [:]
    /// Live-phase stage times per live item (diagnostics: where the latency is spent).
    let trace = LiveTrace()
    /// `KafkaConsumer.fetcherWakeUps`, copied by the consumer thread after each step.
    let fetcherWakeUps = Counter()
    /// Notifications the consumer thread has pushed (diagnostics: the backlog in the EventQueue).
    let pushedNotifications = Counter()
    /// Nanoseconds the consumer thread spent decoding notifications during catch-up.
    let decodeNs = Counter()
    let live = StopFlag()
    var appliedNotifications = 0
    var maxBacklog = 0
    /// Events applied since the last frame (the pacer holds arrivals for at most 10 ms).
    var unshown: [InboxEvent] = []
    /// Called with the events each frame showed (the live phase's latency).
    var shown: (([InboxEvent], UInt64) -> Void)?
    /// The rows on screen at each catch-up frame (first_screen_ms; cold catch-ups only).
    var firstScreen: FirstScreen?
    /// When the first frame showing rows was drawn (snapshot_open_ms).
    var firstRowsAt: UInt64?
    /// The product's settings for this child.
    let settings: Settings
    /// The process's start, as the parent took it (or this process's own).
    let t0: UInt64

    init(options: Options) throws {
        self.options = options
        t0 = options.t0 > 0 ? options.t0 : monoNs()
        let entered = monoNs()
        settings = try BenchData.settings(brokers: options.brokers, configPath: options.configPath, stateDirectory: options.stateDir)
        let start = t0
        let resolved = monoNs()
        pipeline = try InboxPipeline(settings: settings, kinds: nil, snapshots: options.snapshot != nil)
        let piped = monoNs()
        // The restored inbox: the snapshot's with `--snapshot open`, else empty (as the inbox starts).
        app = InboxApp(model: InboxModel(inbox: pipeline.takeRestored(), keyMap: .standard, markReadOnOpen: true,
                                         views: Self.savedViews), events: pipeline.events,
                       send: { [pipeline] in pipeline.send($0) }, options: TUIOptions(noColor: true))
        if options.snapshot == .open {
            log(String(format: "  open: process running after %.0f ms, settings after %.0f ms, pipeline (snapshot loaded) after %.0f ms, model after %.0f ms",
                       Double(entered - start) / 1e6, Double(resolved - start) / 1e6, Double(piped - start) / 1e6,
                       Double(monoNs() - start) / 1e6))
        }
        if options.snapshot == nil { firstScreen = FirstScreen() }
    }

    func run() throws {
        let t0 = self.t0
        hookPipeline()
        if options.snapshot != nil { hookSnapshot() }
        pipeline.start()
        app.shouldStop = { $0.status.caughtUp }  // the frame that shows "up to date"
        try app.run(on: screen)
        let catchup = seconds(since: t0)
        result["catchup_seconds"] = catchup
        reportFirstScreen()
        result["catchup_frames"] = app.frames
        result["catchup_apply_seconds"] = Double(app.applyNs) / 1e9
        log(String(format: "  inbox: UI thread during catch-up: %d frames, apply %.2f s, render %.2f s",
                   app.frames, Double(app.applyNs) / 1e9, Double(app.renderNs) / 1e9))
        log(String(format: "  inbox: consumer thread decoding notifications during catch-up: %.2f s", Double(decodeNs.value) / 1e9))
        log("  inbox: CPU by thread during catch-up: " + threadCPUSummary())
        result["catchup_fetcher_wakeups"] = fetcherWakeUps.value
        result["catchup_max_ui_backlog"] = maxBacklog
        log("  inbox: at most \(maxBacklog) decoded notifications waited for the UI thread during catch-up")
        log("  inbox: consumer woke librdkafka's fetcher \(fetcherWakeUps.value) times during catch-up (its queue had reached queued.min.messages)")
        // Read through `app` (no local copy of the model: a copy held on would make the
        // first live insert copy every array of the inbox, a stall the product never has).
        let (held, unreadRows, loaded) = (app.model.inbox.count, app.model.rows.count, app.model.status.loaded)
        result["inbox_count"] = held
        result["unread_rows"] = unreadRows
        result["catchup_messages"] = loaded
        result["rss_hwm_after_catchup"] = procStatusBytes("VmHWM")
        log(String(format: "  inbox: caught up on %d messages (%d notifications, %d unread) in %.2f s, VmHWM %d MB",
                   loaded, held, unreadRows, catchup, procStatusBytes("VmHWM") >> 20))
        if options.full {
            measureKeys()
            measureSearch()
            result["rss_bytes"] = procStatusBytes("VmHWM")
            result["rss_now_bytes"] = procStatusBytes("VmRSS")
            if options.liveRate > 0 && options.liveSeconds > 0 {
                let wakeUps = fetcherWakeUps.value
                try measureLive()
                log("  live: fetcher wake-ups during the live phase: \(fetcherWakeUps.value - wakeUps)")
            }
        }
        if options.snapshot != nil { finishSnapshot() } else { pipeline.finish(app.model.inbox, flushTimeout: .zero) }
    }

    // MARK: pipeline

    /// Diagnostics on the product's threads: the consumer thread's stage times and counts
    /// (`LiveFeed.afterStep`), the UI thread's backlog and frames (`InboxApp` hooks).
    private func hookPipeline() {
        let trace = self.trace
        let wakeUps = self.fetcherWakeUps
        let pushed = self.pushedNotifications
        let decodeNs = self.decodeNs
        let live = self.live
        let base = options.notifications
        pipeline.feed.afterStep = { batch, reader in
            if !reader.timeDecoding { reader.timeDecoding = true }
            let got = monoNs()
            wakeUps.value = reader.consumer.fetcherWakeUps
            pushed.value += batch.notifications.count
            if live.isSet { trace.consumed(batch.notifications.notifications, base: base, at: got) } else { decodeNs.value = Int(reader.decodeNs) }
        }
        app.onApply = { [unowned self] list in
            // Decoded notifications waiting for this thread (pushed, not yet applied).
            self.maxBacklog = max(self.maxBacklog, self.pushedNotifications.value - self.appliedNotifications)
            for case .notifications(let notes) in list { self.appliedNotifications += notes.count }
            // Kept for the frame only while the live phase traces them: held otherwise, the
            // events' batches would outlive their apply as they never do in the product.
            if self.shown != nil { self.unshown += list }
        }
        app.onFrame = { [unowned self] in
            let at = monoNs()
            if self.firstRowsAt == nil && !self.app.model.rows.isEmpty { self.firstRowsAt = at }
            if !live.isSet, self.firstScreen != nil {
                // The list's rows: the screen less the header, status and message lines
                // (`InboxRenderer` with neither preview nor help, which a catch-up never opens).
                self.firstScreen?.frame(self.app.model, listHeight: self.screen.size.rows - 3, at: at)
            }
            if !self.unshown.isEmpty { self.shown?(self.unshown, at) }
            self.unshown = []
        }
    }

    private func frame() {
        let layout = renderer.render(app.model, into: &grid, nowMs: Timestamps.nowMs())
        app.model.updateLayout(layout)
    }

    // MARK: keys

    private func timed(_ key: Key) -> Double {
        let start = monoNs()
        _ = app.model.handle(key)
        frame()
        return Double(monoNs() - start) / 1e6
    }

    /// The saved views the benchmark's inbox has (its tab keys switch to the first and back).
    static let savedViews: [SavedView] = [SavedView(name: "Grace", query: try! InboxQuery("from:grace -kind:watching"))]

    private func measureKeys() {
        frame()
        let round: [(String, Key)] = [
            ("j", .char("j")), ("j", .char("j")), ("j", .char("j")), ("k", .char("k")),
            ("PgDn", .pageDown), ("PgDn", .pageDown), ("PgUp", .pageUp),
            ("r", .char("r")), ("t", .char("t")), ("t", .char("t")), ("a", .char("a")), ("z", .char("z")),
            // Round every view once (Unread, All, Done, Snoozed), so that each round ends where it began.
            ("v", .char("v")), ("j", .char("j")), ("v", .char("v")), ("j", .char("j")), ("v", .char("v")), ("v", .char("v")),
            ("2", .char("2")), ("j", .char("j")), ("3", .char("3")), ("1", .char("1")), ("0", .char("0")),
            ("G", .char("G")), ("g", .char("g")),
            // A saved view (tab) and back; one more character of an F query (typed, then cancelled).
            ("Tab", .tab), ("j", .char("j")), ("Tab", .tab),
            ("F+char", .char("F")), ("F+char", .char("f")), ("F+char", .char("r")), ("Esc", .escape),
        ]
        var all: [Double] = []
        var byKey: [String: [Double]] = [:]
        // One warm-up round (first-touch effects), not recorded.
        for (_, key) in round { _ = timed(key) }
        for r in 0..<options.keyRounds {
            // Start each round at a different depth of the list.
            app.model.apply([])
            for _ in 0..<(r % 5) { _ = timed(.pageDown) }
            for (name, key) in round {
                let ms = timed(key)
                all.append(ms)
                byKey[name, default: []].append(ms)
            }
        }
        result["key_samples"] = all.count
        result["key_p50_ms"] = percentile(all, 50)
        result["key_p99_ms"] = percentile(all, 99)
        result["key_max_ms"] = all.max()
        result["key_p99_by_key_ms"] = byKey.mapValues { percentile($0, 99) ?? 0 }
        log(String(format: "  keys: %d samples, p50 %.3f ms, p99 %.3f ms", all.count,
                   percentile(all, 50) ?? 0, percentile(all, 99) ?? 0))
        for (k, v) in byKey.sorted(by: { $0.key < $1.key }) {
            log(String(format: "    %-5@ p50 %8.3f ms  p99 %8.3f ms", k as NSString, percentile(v, 50) ?? 0, percentile(v, 99) ?? 0))
        }
    }

    // MARK: search

    private func measureSearch() {
        let n = options.notifications
        // A common word, a rare number (found far away), one that ends in a typo (full scan),
        // and a number near the end of the list.
        let queries = ["grace starred", "pathways \(n * 3 / 7)", "pathways 1234q", "graph 'pathways \(max(1, n / 50))'"]
        var samples: [Double] = []
        for q in queries {
            _ = app.model.handle(.char("/"))
            frame()
            var typed = ""
            for c in q {
                typed.append(c)
                let ms = timed(.char(c))
                samples.append(ms)
                if ms > 8 { log(String(format: "    search '%@': %.2f ms", typed as NSString, ms)) }
            }
            _ = app.model.handle(.escape)
            frame()
        }
        result["search_samples"] = samples.count
        result["search_p50_ms"] = percentile(samples, 50)
        result["search_p99_ms"] = percentile(samples, 99)
        result["search_max_ms"] = samples.max()
        log(String(format: "  search: %d characters, p50 %.3f ms, p99 %.3f ms", samples.count,
                   percentile(samples, 50) ?? 0, percentile(samples, 99) ?? 0))
    }
}
