import Foundation
import InboxCore
import KafkaKit

/// The send phase's data: a JSONL file in the shape `kafka-inbox send --file` takes (id,
/// kind, user, title, body, actor, url, created_at; ~260 bytes a line), for a user of its
/// own whose topics are not the catch-up's.
enum SendData {
    static let user = "sendbench"
    static let layout = TopicLayout()
    /// The user's notification topics and receipts topic (the default layout).
    static var topics: [String] { layout.topics(user: user) + [layout.receiptsTopic(user: user)] }
    /// The topic `kcat -P` writes the same file to.
    static let kcatTopic = "sendbench.kcat"

    /// Line `i` of the file, with its newline.
    static func line(_ i: Int) -> String {
        let actor = BenchData.actors[i % BenchData.actors.count]
        let verb = BenchData.verbs[(i / 7) % BenchData.verbs.count]
        let created = Timestamps.iso8601(ms: BenchData.baseMs + Int64(i) * 10)
        return "{\"id\":\"\(BenchData.id("01JSEND", i))\",\"kind\":\"\(BenchData.kind(of: i).rawValue)\",\"user\":\"\(user)\","
            + "\"title\":\"\(actor) \(verb) graph 'pathways \(i)'\",\"body\":\"The graph 'pathways \(i)' has \(i % 97) new nodes "
            + "and \(i % 13) comments.\",\"actor\":\"\(actor)\",\"url\":\"https://graphspace.org/graphs/\(i)\","
            + "\"created_at\":\"\(created)\"}\n"
    }

    /// Writes `count` lines to `path`; returns the file's size.
    static func write(count: Int, to path: String) throws -> Int {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 270)
        for i in 0..<count { bytes.append(contentsOf: line(i).utf8) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return bytes.count
    }
}

extension Bench {
    /// `kafka-inbox send --file F` against `kcat -P -l F` of the same file, alternating,
    /// `runs` each: wall times, and the send process's peak resident size. A run that does
    /// not exit 0 (and, for `send`, say "delivered N of N"), or after which the broker's
    /// high watermarks did not grow by N, leaves its figures out.
    func runSend(_ binary: ProductBinary, kcat: String?, count: Int, runs: Int) throws {
        var kcat = kcat
        let path = NSTemporaryDirectory() + "inbox-bench-send-\(getpid()).jsonl"
        defer {
            unlink(path)
            try? FileManager.default.removeItem(atPath: sharedState)
        }
        let size = try SendData.write(count: count, to: path)
        // Each topic holds every run's share under the embedded broker's ~5 MB a partition.
        let partitions = Self.partitions(bytes: runs * size / 3)
        for topic in SendData.topics { try cluster.createTopic(topic, partitions: partitions) }
        let kcatPartitions = Self.partitions(bytes: runs * size)
        try cluster.createTopic(SendData.kcatTopic, partitions: kcatPartitions)
        report.details["send_count"] = count
        report.details["send_file_bytes"] = size
        log(String(format: "send: %d notifications (%.1f MB) to %d partitions per topic; kcat -P to one topic of %d",
                   count, Double(size) / 1e6, partitions, kcatPartitions))
        let want = "delivered \(count) of \(count)"
        let notificationTopics = SendData.layout.topics(user: SendData.user)
        let probe = try loader()
        var peak = 0
        for run in 0..<runs {
            let before = try stored(notificationTopics, partitions: partitions, probe)
            let r = try binary.run(["send", "--brokers", brokers, "--user", SendData.user, "--file", path], output: .keep)
            r.logStderr("  send: ")
            let said = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let added = try stored(notificationTopics, partitions: partitions, probe) - before
            guard r.succeeded, said == want, added == count else {
                log("send: exit \(r.status), printed '\(said)' (not '\(want)'), the broker took \(added) of \(count); "
                    + "the send figures are left out")
                report.sendRuns = []
                report.sendPeakRSS = nil
                return
            }
            report.sendRuns.append(r.seconds)
            peak = max(peak, r.peakRSSBytes)
            report.sendPeakRSS = peak
            var line = String(format: "send %d/%d: %.2f s, peak RSS %d MB", run + 1, runs, r.seconds, r.peakRSSBytes >> 20)
            if let kcatPath = kcat {
                let before = try stored([SendData.kcatTopic], partitions: kcatPartitions, probe)
                let k = try ChildProcess.run([kcatPath, "-P", "-b", brokers, "-t", SendData.kcatTopic, "-l", path], output: .discard)
                k.logStderr("  kcat -P: ")
                let added = try stored([SendData.kcatTopic], partitions: kcatPartitions, probe) - before
                guard k.succeeded, added == count else {
                    log("kcat -P: exit \(k.status), the broker took \(added) of \(count); send_ratio is left out")
                    report.sendKcatRuns = []
                    kcat = nil
                    continue
                }
                report.sendKcatRuns.append(k.seconds)
                report.details["send_kcat_peak_rss_bytes"] = k.peakRSSBytes
                line += String(format: "; kcat -P %.2f s, peak RSS %d MB", k.seconds, k.peakRSSBytes >> 20)
            }
            log(line)
        }
    }

    /// Messages the broker has taken on `topics` so far: the sum of their high watermarks
    /// (the embedded broker's retention moves only the low ones).
    private func stored(_ topics: [String], partitions: Int32, _ probe: KafkaProducer) throws -> Int {
        let all = topics.flatMap { t in (0..<partitions).map { TopicPartition(topic: t, partition: $0) } }
        let (marks, failures) = probe.client.watermarks(of: all, timeoutMs: 10_000)
        if let failure = failures.first { throw failure.value }
        return marks.values.reduce(0) { $0 + Int($1.high) }
    }
}
