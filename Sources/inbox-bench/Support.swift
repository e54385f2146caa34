import Foundation
import InboxCore
import InboxFeed
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
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
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

    /// The product's reader configuration for the benchmark's user on `brokers` (the default
    /// topic layout: `notify.bench.{kind}`, `notify.bench.receipts`), as `kafka-inbox` builds it
    /// from its settings. Experiments (not used for reported figures):
    /// INBOX_BENCH_FETCH_WAIT=ms, INBOX_BENCH_PROPS="key=value,key=value".
    static func feedConfig(brokers: String) -> InboxFeedConfig {
        var config = KafkaConfig()
        config.set("log_level", "3")
        config.set("client.id", "kafka-inbox")
        config.set("socket.connection.setup.timeout.ms", "10000")
        config.set("bootstrap.servers", brokers)
        let env = ProcessInfo.processInfo.environment
        for kv in (env["INBOX_BENCH_PROPS"] ?? "").split(separator: ",") {
            let parts = kv.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { config.set(parts[0], parts[1]) }
        }
        return InboxFeedConfig(user: user, layout: TopicLayout(), kafka: config, timeoutMs: 10_000, kinds: nil,
                               fetchWaitMaxMs: env["INBOX_BENCH_FETCH_WAIT"] ?? InboxReaderTuning.embeddedBrokerFetchWaitMaxMs)
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
        return (ReceiptCodec.key(r), ReceiptCodec.encode(r))
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
