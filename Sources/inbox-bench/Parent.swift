import Foundation
import InboxCore
import InboxEvents
import InboxService
import InboxTUI
import KafkaKit

/// The benchmark driver: broker, data, alternating inbox / kcat runs, receipts, report.
final class Bench {
    let options: Options
    let cluster: MockCluster
    let brokers: String
    var payloadBytes = 0
    var report = Report()

    init(options: Options) throws {
        self.options = options
        cluster = try MockCluster(brokers: 1)
        brokers = cluster.bootstrapServers
    }

    /// Partitions per topic so that no partition nears the embedded broker's ~5 MB limit.
    static func partitions(bytes: Int) -> Int32 {
        Int32(min(128, max(4, (bytes + 1_000_000 - 1) / 1_000_000)))
    }

    func run() throws {
        let n = options.notifications
        let r = options.receiptCount
        log("inbox-bench: \(n) notifications, \(r) receipts, embedded broker at \(brokers)")
        var notePartitions = Self.partitions(bytes: (n / 3 + 1) * 240)
        var receiptPartitions = Self.partitions(bytes: r * 300)
        // Experiments only (not for reported figures): INBOX_BENCH_PARTITIONS=notes[,receipts]
        // sets the partition counts (keep each partition under the embedded broker's ~5 MB).
        let env = ProcessInfo.processInfo.environment
        if let spec = env["INBOX_BENCH_PARTITIONS"] {
            let parts = spec.split(separator: ",").compactMap { Int32($0) }
            if let p = parts.first { notePartitions = p }
            if parts.count > 1 { receiptPartitions = parts[1] }
            log("INBOX_BENCH_PARTITIONS: \(notePartitions) per notification topic, \(receiptPartitions) receipts (experiment)")
        }
        for t in BenchData.notificationTopics { try cluster.createTopic(t, partitions: notePartitions) }
        try cluster.createTopic(BenchData.receiptsTopic, partitions: receiptPartitions)
        report.partitions = "\(notePartitions) per notification topic, \(receiptPartitions) receipts"
        try load(n: n, receipts: r)
        let kcat = options.skipKcat ? nil : Self.findKcat()
        // First, while the topics hold the backlog as loaded: the live phase and the mark-read
        // phase below add to them (at 1,000,000 the live phase's 100,000 come in small message
        // sets, which the embedded broker serves several times slower).
        let product = try runBacklogCommands(kcat: kcat)

        var inboxRuns: [Double] = []
        var kcatRuns: [Double] = []
        for run in 0..<options.runs {
            let full = run == options.runs - 1
            log("run \(run + 1)/\(options.runs): inbox\(full ? " (catch-up, keys, search, memory, live)" : " (catch-up)")")
            let before = threadCPUSeconds()
            let child = try runInbox(full: full)
            if !full {
                let after = threadCPUSeconds()
                let used = after.map { t in (t.name, t.seconds - (before.first { $0.name == t.name }?.seconds ?? 0)) }
                    .filter { $0.1 > 0.05 }.map { String(format: "%@ %.2f s", $0.0 as NSString, $0.1) }
                log("  broker (this process) CPU during the inbox run: " + used.joined(separator: ", "))
            }
            if let c = child["catchup_seconds"] as? Double { inboxRuns.append(c) }
            if let f = child["first_screen_ms"] as? Double { report.firstScreenRuns.append(f) }
            if full { report.child = child }
            if let kcat {
                let k = try runKcat(kcat)
                kcatRuns.append(k)
                log(String(format: "run %d/%d: kcat %.2f s", run + 1, options.runs, k))
            }
        }
        report.catchupRuns = inboxRuns
        report.kcatRuns = kcatRuns
        report.kcatMode = kcat == nil ? "kcat not run" :
            "kcat 1.7.1 -C reads one topic per process: 4 processes (3 notification topics + receipts) in parallel, wall time until the last exits"
        if options.markCount > 0 { report.receiptsSeconds = try markRead(count: options.markCount) }
        if options.mapped > 0 { try runMapped(n: options.mapped, runs: max(1, min(options.runs, 2)), kcat: kcat) }
        if let product, !options.skipSend && options.send > 0 { try runSend(product, kcat: kcat, count: options.send, runs: 2) }
        report.payloadBytes = payloadBytes
        report.notifications = n
        report.receipts = r
        report.print()
        if let path = options.json { try report.write(path) }
    }

    /// The snapshot phases, `count` and `list` (each unless skipped), in the state directory
    /// they share, removed afterwards (at 1,000,000 the snapshot is about 200 MB). Returns
    /// the `kafka-inbox` binary, for `send` (nil: none, or no phase needs it).
    private func runBacklogCommands(kcat: String?) throws -> ProductBinary? {
        let state = sharedState
        defer { try? FileManager.default.removeItem(atPath: state) }
        let runs = max(1, min(options.runs, 2))
        let opened = options.skipSnapshot ? nil : try runSnapshots(runs: runs)
        guard !(options.skipSnapshot && options.skipList && (options.skipSend || options.send == 0)),
              let binary = ProductBinary.find(state: state) else { return nil }
        log("kafka-inbox: \(binary.path) (\(binary.version), built \(binary.modified))")
        if let opened { try runCount(binary, opened: opened, runs: runs) }
        if !options.skipList { try runList(binary, kcat: kcat, expected: opened?.held, runs: 2) }
        return binary
    }

    // MARK: loading

    /// The loader's producer (fast, large batches). Experiments only: INBOX_BENCH_LOAD_LINGER=ms
    /// (the loader's linger, which sets how many message sets each partition of the embedded
    /// broker holds).
    func loader() throws -> KafkaProducer {
        var config = KafkaConfig()
        config.set("bootstrap.servers", brokers)
        config.set("linger.ms", ProcessInfo.processInfo.environment["INBOX_BENCH_LOAD_LINGER"] ?? "20")
        config.set("batch.num.messages", "10000")
        config.set("queue.buffering.max.messages", "500000")
        config.set("queue.buffering.max.kbytes", "1048576")
        config.set("log_level", "3")
        return try KafkaProducer(config: config)
    }

    private func load(n: Int, receipts: Int) throws {
        let start = monoNs()
        let producer = try loader()
        var reports: [DeliveryReport] = []
        var failed = 0
        var delivered = 0
        func take() {
            for r in reports { if r.delivered { delivered += 1 } else { failed += 1 } }
            reports.removeAll(keepingCapacity: true)
        }
        for i in 0..<n {
            let value = BenchData.notification(i)
            payloadBytes += value.count
            try producer.produce(topic: BenchData.topic(BenchData.kind(of: i)), key: Array(BenchData.id("01JBENCH", i).utf8),
                                 value: value, token: UInt(i + 1), reports: &reports)
            if i % 10_000 == 0 { reports += producer.poll(timeoutMs: 0); take() }
        }
        for k in 0..<receipts {
            let (key, value) = BenchData.receipt(k, count: receipts, n: n)
            try producer.produce(topic: BenchData.receiptsTopic, key: key, value: value, token: UInt(n + k + 1), reports: &reports)
            if k % 10_000 == 0 { reports += producer.poll(timeoutMs: 0); take() }
        }
        reports += producer.flush(timeoutMs: 300_000)
        take()
        guard failed == 0, delivered == n + receipts else {
            fail("loading: \(delivered) delivered, \(failed) failed of \(n + receipts)")
        }
        let avg = n > 0 ? payloadBytes / n : 0
        log(String(format: "loaded %d notifications (avg %d B, %.1f MB) + %d receipts in %.1f s",
                   n, avg, Double(payloadBytes) / 1e6, receipts, seconds(since: start)))
        report.loadSeconds = seconds(since: start)
    }

    // MARK: inbox child

    func runInbox(full: Bool, extra: [String] = []) throws -> [String: Any] {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        var args = ["--role", "inbox", "--brokers", brokers] + options.childArguments
        // Profiling: INBOX_BENCH_CHILD_PREFIX="valgrind --tool=callgrind" runs the child under it.
        let prefix = (ProcessInfo.processInfo.environment["INBOX_BENCH_CHILD_PREFIX"] ?? "").split(separator: " ").map(String.init)
        if let tool = prefix.first {
            p.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/" + tool)
            args = Array(prefix.dropFirst()) + [exe] + args
        }
        if full { args.append("--full") }
        args += extra
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.standardError
        args += ["--t0", String(monoNs())]
        p.arguments = args
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last(where: { $0.hasPrefix("RESULT ") }),
              let json = try JSONSerialization.jsonObject(with: Data(line.dropFirst(7).utf8)) as? [String: Any]
        else { fail("the inbox child failed (status \(p.terminationStatus))") }
        return json
    }

    // MARK: kcat

    static func findKcat() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["kcat", "kafkacat"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        log("kcat not found: the catch-up ratio is not measured")
        return nil
    }

    func runKcat(_ path: String, topics: [String] = BenchData.notificationTopics + [BenchData.receiptsTopic]) throws -> Double {
        let start = monoNs()
        var procs: [Process] = []
        for topic in topics {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = ["-C", "-e", "-o", "beginning", "-q", "-b", brokers, "-t", topic]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.standardError
            try p.run()
            procs.append(p)
        }
        for p in procs { p.waitUntilExit() }
        let elapsed = seconds(since: start)
        for p in procs where p.terminationStatus != 0 { log("kcat exited with \(p.terminationStatus)") }
        return elapsed
    }

    // MARK: receipts

    /// Marks `count` notifications read through the model (`R`, `y`), then produces the
    /// receipts with the idempotent producer (as the receipt sender does) until every
    /// delivery report has confirmed. Times key press to last confirmation.
    private func markRead(count: Int) throws -> Double {
        var notes: [InboxCore.Notification] = []
        notes.reserveCapacity(count)
        for i in 0..<count {
            let topic = BenchData.topic(BenchData.kind(of: i))
            notes.append(NotificationDecoder.decode(BenchData.notification(i, prefix: "01JMARK"),
                                                    source: SourcePosition(topic: topic, partition: 0, offset: Int64(i)),
                                                    timestampMs: 0, topicKind: BenchData.kind(of: i)))
        }
        var model = InboxModel()
        model.apply([.notifications(PackedNotifications(notes)), .catchUp(loaded: count, total: count, done: true)])
        notes = []
        // The product's receipt sender: journal (fsync'd outbox) on its thread, then the
        // idempotent producer, confirmed by delivery reports.
        let settings = try BenchData.settings(brokers: brokers)
        let events = try EventQueue()
        let outbox = try Outbox(path: settings.outboxPath)
        let sender = ReceiptSender(settings: settings, events: events, outbox: outbox, overlay: PendingOverlay())
        sender.start(earlier: [])
        defer { sender.stop() }
        try DeliveryEngine(settings: settings).checkReachable()  // connected, as a running inbox would be

        let start = monoNs()
        var requests: [ReceiptRequest] = []
        for effect in model.handle(.char("R")) + model.handle(.char("y")) {
            if case .send(let list) = effect { requests += list }
        }
        sender.enqueue(requests)
        let left = sender.flush(timeout: .seconds(60))
        let confirmed = requests.count - left
        let failed = left
        let elapsed = seconds(since: start)
        log(String(format: "receipts: %d requested, %d confirmed, %d failed in %.2f s", requests.count, confirmed, failed, elapsed))
        if confirmed != count { log("receipts: not every receipt was confirmed") }
        return elapsed
    }
}
