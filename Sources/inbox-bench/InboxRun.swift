import Foundation
import InboxCore
import InboxFeed
import InboxTUI
import KafkaKit

/// The inbox side of the benchmark, run in a child process so that its memory is its own
/// (the embedded broker, holding every message, lives in the parent): catch-up through the
/// real pipeline (consumer thread → decode → EventQueue → UI thread: InboxModel.apply +
/// InboxRenderer into a 120×40 CellGrid), then, with `--full`, keys, search and live latency.
final class InboxRun {
    let options: Options
    var model = InboxModel(inbox: Inbox(), keyMap: .standard, markReadOnOpen: true)
    var grid = CellGrid(rows: 40, cols: 120)
    let renderer = InboxRenderer()
    let events: EventQueue
    let stop = Flag()
    var result: [String: Any] = [:]
    var applyNs: UInt64 = 0
    var renderNs: UInt64 = 0
    var frames = 0
    var pacer = FramePacer()
    /// Events applied and not drawn yet (the pacer holds arrivals for at most 10 ms).
    var unshown: [InboxEvent] = []
    /// Live-phase stage times per live item (diagnostics: where the latency is spent).
    let trace = LiveTrace()
    /// `KafkaConsumer.fetcherWakeUps`, copied by the consumer thread after each step.
    let fetcherWakeUps = Counter()
    /// Notifications the consumer thread has pushed (diagnostics: the backlog in the EventQueue).
    let pushedNotifications = Counter()
    var appliedNotifications = 0
    var maxBacklog = 0

    init(options: Options) throws {
        self.options = options
        events = try EventQueue()
    }

    func run() throws {
        let t0 = options.t0 > 0 ? options.t0 : monoNs()
        let reader = try InboxReader(config: BenchData.feedConfig(brokers: options.brokers))
        reader.timeDecoding = true
        reader.packsNotifications = true  // as LiveFeed reads
        let startAt = monoNs()
        try reader.start()
        log(String(format: "  inbox: start (metadata, watermarks, assign): %.3f s after launch, took %.3f s",
                   seconds(since: t0) - seconds(since: startAt), seconds(since: startAt)))
        startFeed(reader)
        while !model.status.caughtUp {
            pump(timeoutMs: 1000)
        }
        while !unshown.isEmpty {  // the frame that shows "up to date"
            pump(timeoutMs: 1000)
        }
        let catchup = seconds(since: t0)
        result["catchup_seconds"] = catchup
        result["catchup_frames"] = frames
        result["catchup_apply_seconds"] = Double(applyNs) / 1e9
        log(String(format: "  inbox: UI thread during catch-up: %d frames, apply %.2f s, render %.2f s",
                   frames, Double(applyNs) / 1e9, Double(renderNs) / 1e9))
        log("  inbox: CPU by thread during catch-up: " + threadCPUSummary())
        result["catchup_fetcher_wakeups"] = fetcherWakeUps.value
        result["catchup_max_ui_backlog"] = maxBacklog
        log("  inbox: at most \(maxBacklog) decoded notifications waited for the UI thread during catch-up")
        log("  inbox: consumer woke librdkafka's fetcher \(fetcherWakeUps.value) times during catch-up (its queue had reached queued.min.messages)")
        result["inbox_count"] = model.inbox.count
        result["unread_rows"] = model.rows.count
        result["catchup_messages"] = Int(reader.catchUpRead)
        result["rss_hwm_after_catchup"] = procStatusBytes("VmHWM")
        log(String(format: "  inbox: caught up on %d messages (%d notifications, %d unread) in %.2f s, VmHWM %d MB",
                   reader.catchUpRead, model.inbox.count, model.rows.count, catchup, procStatusBytes("VmHWM") >> 20))
        if options.full {
            measureKeys()
            measureSearch()
            result["rss_bytes"] = procStatusBytes("VmHWM")
            result["rss_now_bytes"] = procStatusBytes("VmRSS")
            if options.liveRate > 0 && options.liveSeconds > 0 {
                let wakeUps = fetcherWakeUps.value
                measureLive()
                log("  live: fetcher wake-ups during the live phase: \(fetcherWakeUps.value - wakeUps)")
            }
        }
        stop.set()
    }

    // MARK: pipeline

    /// The consumer thread, as LiveFeed runs it.
    private func startFeed(_ reader: InboxReader) {
        let events = self.events
        let stop = self.stop
        let trace = self.trace
        let wakeUps = self.fetcherWakeUps
        let pushedNotes = self.pushedNotifications
        let base = options.notifications
        let thread = Thread {
            nameThread("inbox-consumer")
            var reportedCaughtUp = false
            var stepNs: UInt64 = 0
            // Experiment only (not the product's behaviour): INBOX_BENCH_PUSH_MIN_MS=ms holds
            // decoded events until that long after the previous push (fewer, larger UI frames).
            let pushMinNs = UInt64(ProcessInfo.processInfo.environment["INBOX_BENCH_PUSH_MIN_MS"].flatMap { Double($0) }.map { $0 * 1e6 } ?? 0)
            var held: [InboxEvent] = []
            var lastPush: UInt64 = 0
            while !stop.isSet {
                events.waitForRoom(limit: EventQueue.backlogLimit) { stop.isSet }
                let t = monoNs()
                var timeout: Int32 = 200
                if !held.isEmpty { timeout = Int32(max(0, Int64(lastPush + pushMinNs) - Int64(t)) / 1_000_000) }
                let batch = reader.step(timeoutMs: timeout)
                let got = monoNs()
                wakeUps.value = reader.consumer.fetcherWakeUps
                if !reportedCaughtUp { stepNs += got - t }
                if reportedCaughtUp { trace.consumed(batch.packed.notifications, base: base, at: got) }
                if !reportedCaughtUp && reader.caughtUp {
                    log(String(format: "  inbox: consumer thread in step() (consume + decode) during catch-up: %.2f s, of which decoding notifications %.2f s", Double(stepNs) / 1e9, Double(reader.decodeNs) / 1e9))
                }
                var out: [InboxEvent] = []
                if !batch.packed.isEmpty { out.append(.packed(batch.packed)) }
                pushedNotes.value += batch.packed.count
                if !batch.receipts.isEmpty { out.append(.receipts(batch.receipts)) }
                if !reportedCaughtUp {
                    let done = reader.caughtUp
                    out.append(.catchUp(loaded: Int(reader.catchUpRead), total: Int(reader.catchUpTotal), done: done))
                    reportedCaughtUp = done
                }
                if pushMinNs > 0 {
                    held += out
                    let now = monoNs()
                    if !held.isEmpty && now >= lastPush + pushMinNs {
                        events.push(contentsOf: held)
                        held.removeAll(keepingCapacity: true)
                        lastPush = now
                    }
                } else if !out.isEmpty {
                    events.push(contentsOf: out)
                }
            }
        }
        thread.name = "inbox-consumer"
        thread.start()
    }

    /// One turn of the UI loop, as InboxApp runs it: sleep in poll() on the wake-up fd (or
    /// until a paced frame is due), drain, apply, render when the pacer says so. Returns the
    /// events applied whose frame was drawn in this turn.
    @discardableResult
    func pump(timeoutMs: Int32) -> [InboxEvent] {
        var pfd = pollfd(fd: events.readFD, events: Int16(POLLIN), revents: 0)
        let wait = min(timeoutMs, pacer.msUntilDue(nowMs: Timestamps.nowMs()) ?? timeoutMs)
        let ready = poll(&pfd, 1, wait)
        if ready > 0 {
            let list = events.drain()
            // Decoded notifications waiting for this thread (pushed, not yet applied).
            maxBacklog = max(maxBacklog, pushedNotifications.value - appliedNotifications)
            for case .packed(let notes) in list { appliedNotifications += notes.count }
            let t = monoNs()
            model.apply(list)
            applyNs += monoNs() - t
            unshown += list
            pacer.changed(urgent: false)
        } else if !unshown.isEmpty {
            pacer.changed(urgent: true)  // woken by nothing: the paced frame is due
        }
        // Frames are paced as InboxApp paces them (FramePacer): arrivals wait for the next one.
        guard pacer.isDue(nowMs: Timestamps.nowMs()) else { return [] }
        let t1 = monoNs()
        frame()
        renderNs += monoNs() - t1
        pacer.drew(nowMs: Timestamps.nowMs())
        frames += 1
        defer { unshown = [] }
        return unshown
    }

    private func frame() {
        let layout = renderer.render(model, into: &grid, nowMs: Timestamps.nowMs())
        model.updateLayout(layout)
    }

    // MARK: keys

    private func timed(_ key: Key) -> Double {
        let start = monoNs()
        _ = model.handle(key)
        frame()
        return Double(monoNs() - start) / 1e6
    }

    private func measureKeys() {
        frame()
        let round: [(String, Key)] = [
            ("j", .char("j")), ("j", .char("j")), ("j", .char("j")), ("k", .char("k")),
            ("PgDn", .pageDown), ("PgDn", .pageDown), ("PgUp", .pageUp),
            ("r", .char("r")), ("t", .char("t")), ("t", .char("t")), ("a", .char("a")), ("z", .char("z")),
            ("v", .char("v")), ("j", .char("j")), ("v", .char("v")), ("j", .char("j")), ("v", .char("v")),
            ("2", .char("2")), ("j", .char("j")), ("3", .char("3")), ("1", .char("1")), ("0", .char("0")),
            ("G", .char("G")), ("g", .char("g")),
        ]
        var all: [Double] = []
        var byKey: [String: [Double]] = [:]
        // One warm-up round (first-touch effects), not recorded.
        for (_, key) in round { _ = timed(key) }
        for r in 0..<options.keyRounds {
            // Start each round at a different depth of the list.
            model.apply([])
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
            _ = model.handle(.char("/"))
            frame()
            var typed = ""
            for c in q {
                typed.append(c)
                let ms = timed(.char(c))
                samples.append(ms)
                if ms > 8 { log(String(format: "    search '%@': %.2f ms", typed as NSString, ms)) }
            }
            _ = model.handle(.escape)
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
