import Foundation
import InboxCore
import InboxFeed
import InboxService
import KafkaKit
import Synchronization

/// Monotonic nanoseconds (CLOCK_MONOTONIC is system-wide, so parent and child agree).
func monoNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Seconds since `start`.
func seconds(since start: UInt64) -> Double { Double(monoNs() - start) / 1e9 }

/// Percentile (nearest rank) of unsorted samples; nil when empty.
func percentile(_ samples: [Double], _ p: Double) -> Double? {
    guard !samples.isEmpty else { return nil }
    let sorted = samples.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(0, rank), sorted.count - 1)]
}

func median(_ xs: [Double]) -> Double? { percentile(xs, 50) }

/// A field of /proc/self/status in bytes (VmHWM, VmRSS).
func procStatusBytes(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let digits = line.split(separator: " ").dropFirst().first { Int($0) != nil }
        return (digits.flatMap { Int($0) } ?? 0) * 1024
    }
    return 0
}

/// A stop flag shared between threads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// An integer shared between threads.
final class Counter: Sendable {
    private let storage = Atomic<Int>(0)
    var value: Int {
        get { storage.load(ordering: .acquiring) }
        set { storage.store(newValue, ordering: .releasing) }
    }
}

/// Writes a line to stderr (progress; stdout of the child carries its result).
func log(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The benchmark's user, topics and data shapes.
enum BenchData {
    static let user = "bench"
    static let kinds: [Kind] = [.group, .owner, .watching]
    static func topic(_ kind: Kind) -> String { "notify.\(user).\(kind.rawValue)" }
    static let receiptsTopic = "notify.\(user).receipts"
    static var notificationTopics: [String] { kinds.map(topic) }
    /// 2026-01-01T00:00:00Z; notification i is created i × 10 ms later, in produce order.
    static let baseMs: Int64 = 1_767_225_600_000

    /// The product's settings for the benchmark's user on `brokers` (the default topic layout:
    /// `notify.bench.{kind}`, `notify.bench.receipts`), resolved as `kafka-inbox` resolves its
    /// own, with the state directory (`XDG_STATE_HOME`) `stateDirectory` or one of this
    /// process's own in a temporary folder. Experiments (not used for reported figures):
    /// INBOX_BENCH_FETCH_WAIT=ms, INBOX_BENCH_PROPS="key=value,key=value".
    static func settings(brokers: String, configPath: String? = nil, stateDirectory: String? = nil) throws -> Settings {
        let env = ProcessInfo.processInfo.environment
        let props = (env["INBOX_BENCH_PROPS"] ?? "").split(separator: ",").map(String.init)
        let state = stateDirectory ?? NSTemporaryDirectory() + "inbox-bench-\(getpid())"
        var settings = try Settings.resolve(SettingsInput(brokers: brokers, user: configPath == nil ? user : nil,
                                                          configPath: configPath, properties: props),
                                            environment: ["XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state, "USER": user])
        settings.fetchWaitMaxMs = fetchWaitMaxMs
        return settings
    }

    /// The readers' `fetch.wait.max.ms` against the embedded broker (which holds every empty
    /// fetch for the full wait), as `kafka-inbox demo` sets it; INBOX_BENCH_FETCH_WAIT overrides.
    static var fetchWaitMaxMs: String {
        ProcessInfo.processInfo.environment["INBOX_BENCH_FETCH_WAIT"] ?? InboxReaderTuning.embeddedBrokerFetchWaitMaxMs
    }

    static let actors = ["bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"]
    static let verbs = ["commented on", "shared", "starred", "edited", "forked"]

    static func id(_ prefix: String, _ i: Int) -> String {
        let digits = String(i)
        return prefix + String(repeating: "0", count: max(0, 18 - digits.count)) + digits
    }

    static func kind(of i: Int) -> Kind { kinds[i % 3] }

    /// About 220 bytes of notification JSON for item `i`; `sentNs` adds a timing stamp.
    static func notification(_ i: Int, prefix: String = "01JBENCH", sentNs: UInt64? = nil) -> [UInt8] {
        let actor = actors[i % actors.count]
        let verb = verbs[(i / 7) % verbs.count]
        let kind = kind(of: i)
        let created = Timestamps.iso8601(ms: baseMs + Int64(i) * 10)
        var s = "{\"id\":\"\(id(prefix, i))\",\"kind\":\"\(kind.rawValue)\",\"user\":\"\(user)\","
        s += "\"title\":\"\(actor) \(verb) graph 'pathways \(i)'\",\"actor\":\"\(actor)\","
        s += "\"url\":\"https://graphspace.org/graphs/\(i)\",\"created_at\":\"\(created)\","
        s += "\"object\":{\"type\":\"graph\",\"id\":\"\(i)\"}"
        if let sentNs { s += ",\"bench_sent_ns\":\(sentNs)" }
        s += "}"
        return Array(s.utf8)
    }

    /// The receipt for the k-th of `count` receipts over `n` notifications.
    static func receipt(_ k: Int, count: Int, n: Int) -> (key: [UInt8], value: [UInt8]) {
        let i = n > 0 ? Int((Double(k) * Double(n) / Double(max(1, count))).rounded(.down)) % n : k
        let nid = id("01JBENCH", i)
        let r = Receipt(type: k % 5 == 0 ? .acknowledged : .read, receiptID: IDGenerator.next(), notificationID: nid,
                        user: user, kind: kind(of: i).rawValue, at: Timestamps.iso8601(ms: baseMs + Int64(i) * 10 + 60_000),
                        client: "inbox-bench", source: SourcePosition(topic: topic(kind(of: i)), partition: 0, offset: Int64(i / 3)))
        return (ReceiptCodec.key(r, layout: TopicLayout()), ReceiptCodec.encode(r))
    }
}

/// CPU seconds (user + system) used so far by each thread of this process, by thread name.
func threadCPUSeconds() -> [(name: String, seconds: Double)] {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    guard let tids = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return [] }
    var result: [(String, Double)] = []
    for tid in tids {
        guard let stat = try? String(contentsOfFile: "/proc/self/task/\(tid)/stat", encoding: .utf8),
              let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")") else { continue }
        let name = String(stat[stat.index(after: open)..<close])
        let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
        // Fields after the name start at field 3 (state); utime and stime are fields 14 and 15.
        guard fields.count > 12, let u = Double(fields[11]), let s = Double(fields[12]) else { continue }
        result.append((name, (u + s) / ticks))
    }
    return result.sorted { $0.1 > $1.1 }
}

/// `threadCPUSeconds()` as one line: the busiest threads first.
func threadCPUSummary(limit: Int = 6) -> String {
    threadCPUSeconds().prefix(limit).map { String(format: "%@ %.2f s", $0.name as NSString, $0.seconds) }.joined(separator: ", ")
}

/// Stage times of each live item (index = item − N), to split produce-to-screen latency:
/// sent → acked (producer linger + produce round trip, seen at the producer's next poll),
/// sent → consumed (out of `InboxReader.step` on the consumer thread), consumed → shown
/// (EventQueue + UI thread). Diagnostics only; cheap (one lock per batch).
final class LiveTrace: Sendable {
    private struct State {
        var sent: [UInt64] = []
        var acked: [UInt64] = []
        var consumed: [UInt64] = []
        var shown: [UInt64] = []
        var partition: [Int32] = []
        var topic: [UInt8] = []
    }
    private let state = Mutex(State())

    func start(count: Int) {
        state.withLock {
            $0.sent = Array(repeating: 0, count: count)
            $0.acked = $0.sent
            $0.consumed = $0.sent
            $0.shown = $0.sent
            $0.partition = Array(repeating: -1, count: count)
            $0.topic = Array(repeating: 0, count: count)
        }
    }

    func acked(_ reports: [DeliveryReport], at now: UInt64) {
        guard !reports.isEmpty else { return }
        state.withLock { s in
            for r in reports where r.token > 0 && Int(r.token) <= s.acked.count { s.acked[Int(r.token) - 1] = now }
        }
    }

    func consumed(_ notes: [InboxCore.Notification], base: Int, at now: UInt64) {
        guard !notes.isEmpty else { return }
        state.withLock { s in
            for n in notes {
                guard let id = n.objectID.flatMap({ Int($0) }) else { continue }
                let i = id - base
                guard i >= 0, i < s.consumed.count else { continue }
                s.consumed[i] = now
                s.partition[i] = n.source.partition
                s.topic[i] = UInt8(n.source.topic.last?.asciiValue ?? 0)
            }
        }
    }

    func shown(_ i: Int, sent: UInt64, at now: UInt64) {
        state.withLock { s in
            guard i >= 0, i < s.shown.count else { return }
            s.sent[i] = sent
            s.shown[i] = now
        }
    }

    func report(into result: inout [String: Any]) {
        let s = state.withLock { $0 }
        var ack: [Double] = [], fetch: [Double] = [], ui: [Double] = [], total: [Double] = [], toConsumed: [Double] = []
        var rows: [(i: Int, total: Double, ack: Double, fetch: Double, ui: Double)] = []
        for i in 0..<s.sent.count where s.sent[i] > 0 && s.shown[i] > 0 && s.consumed[i] > 0 && s.acked[i] > 0 {
            let a = Double(Int64(bitPattern: s.acked[i] &- s.sent[i])) / 1e6
            let f = Double(Int64(bitPattern: s.consumed[i] &- s.acked[i])) / 1e6
            let u = Double(Int64(bitPattern: s.shown[i] &- s.consumed[i])) / 1e6
            let t = Double(s.shown[i] - s.sent[i]) / 1e6
            ack.append(a); fetch.append(f); ui.append(u); total.append(t)
            toConsumed.append(Double(Int64(bitPattern: s.consumed[i] &- s.sent[i])) / 1e6)
            rows.append((i, t, a, f, u))
        }
        guard !rows.isEmpty else { log("  live trace: no complete samples"); return }
        func line(_ name: String, _ xs: [Double]) -> String {
            String(format: "    %-34@ p50 %7.2f  p90 %7.2f  p99 %7.2f  max %7.2f ms", name as NSString,
                   percentile(xs, 50) ?? 0, percentile(xs, 90) ?? 0, percentile(xs, 99) ?? 0, xs.max() ?? 0)
        }
        log("  live trace (\(rows.count) items with every stage):")
        log(line("sent -> acked (producer)", ack))
        log(line("acked -> consumed (broker/fetch)", fetch))
        log(line("sent -> consumed", toConsumed))
        log(line("consumed -> shown (queue + UI)", ui))
        log(line("sent -> shown", total))
        // What the slowest 1 % spent where.
        let p99 = percentile(total, 99) ?? 0
        let slow = rows.filter { $0.total >= p99 }
        let n = Double(slow.count)
        log(String(format: "    slowest 1%% (%d, >= %.1f ms): mean ack %.2f, fetch %.2f, ui %.2f ms", slow.count, p99,
                   slow.map(\.ack).reduce(0, +) / n, slow.map(\.fetch).reduce(0, +) / n, slow.map(\.ui).reduce(0, +) / n))
        // When they happened (100 ms buckets of send time) and on which partitions.
        let t0 = s.sent.filter { $0 > 0 }.min() ?? 0
        var buckets: [Int: Int] = [:]
        var parts: [String: Int] = [:]
        for r in slow {
            buckets[Int((s.sent[r.i] - t0) / 100_000_000), default: 0] += 1
            parts["\(Character(UnicodeScalar(s.topic[r.i])))\(s.partition[r.i])", default: 0] += 1
        }
        let b = buckets.sorted { $0.key < $1.key }.map { "\(Double($0.key) / 10)s:\($0.value)" }.joined(separator: " ")
        log("    slowest 1% by send time (100 ms buckets): \(b)")
        let p = parts.sorted { $0.value > $1.value }.prefix(12).map { "\($0.key):\($0.value)" }.joined(separator: " ")
        log("    slowest 1% by partition (topic last letter + partition), top: \(p) of \(parts.count) partitions")
        // p99 of each second of the run.
        var perSecond: [Int: [Double]] = [:]
        for r in rows { perSecond[Int((s.sent[r.i] - t0) / 1_000_000_000), default: []].append(r.total) }
        let ps = perSecond.sorted { $0.key < $1.key }.map { String(format: "%.0f", percentile($0.value, 99) ?? 0) }.joined(separator: " ")
        log("    p99 per second of the run (ms): \(ps)")
        result["live_ack_p99_ms"] = percentile(ack, 99)
        result["live_fetch_p99_ms"] = percentile(fetch, 99)
        result["live_consumed_p99_ms"] = percentile(toConsumed, 99)
        result["live_ui_p99_ms"] = percentile(ui, 99)
        // The inbox's own part of "broker acknowledgement → frame": acked → consumed also holds
        // the broker's side of the fetch (the embedded broker holds an empty fetch for the full
        // fetch.wait.max.ms) and librdkafka's fetch thread, so the inbox's part is consumed → shown.
        result["live_inbox_p99_ms"] = percentile(ui, 99)
        result["live_acked_to_shown_p99_ms"] = percentile(zip(fetch, ui).map { $0 + $1 }, 99)
    }
}

/// Names the calling thread for `top -H` / perf (Foundation's `Thread.name` does not reach
/// the kernel on Linux). Diagnostics only.
func nameThread(_ name: String) {
    try? String(name.prefix(15)).write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
}
