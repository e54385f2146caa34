import Foundation
import InboxCore
import KafkaKit

/// The mapped run: the same number of notifications in a producer's own shape on topics
/// shared by everyone, half of them for other users, read through a `[schema]` mapping.
/// Its catch-up is compared with kcat reading the same three topics.
enum MappedData {
    static let user = "bench@example.com"
    static let kinds = ["assigned", "mentions", "watching"]
    static func topic(_ i: Int) -> String { "shared." + kinds[i % 3] }
    static var topics: [String] { kinds.map { "shared." + $0 } }

    /// The config file of the mapped run (the broker's address comes from the flag).
    static let config = """
    user = "\(user)"
    groups = ["sre"]
    [topics]
    notifications = "shared.{kind}"
    kinds = ["assigned", "mentions", "watching"]
    receipts = "inbox.{user}.receipts"
    [schema]
    for_me = '.to == $user or (.team | IN($groups[]))'
    title = '.msg'
    actor = '.by'
    id = '.ticket_event_id'
    created_at = '.ts'
    url = '.link'
    """

    /// Message `i`: for the user when `i` is even (every tenth of those through its team),
    /// for someone else when odd. About as large as the native benchmark's.
    static func value(_ i: Int) -> [UInt8] {
        let to = i % 2 == 1 ? "\"to\":\"user\(i % 997)@example.com\"" : (i % 20 == 0 ? "\"team\":\"sre\"" : "\"to\":\"\(user)\"")
        let actor = BenchData.actors[i % BenchData.actors.count]
        let text = "{\(to),\"ticket_event_id\":\"TE-\(i)\",\"msg\":\"\(actor) \(BenchData.verbs[i % BenchData.verbs.count]) ticket 'pathways \(i)' "
            + "in the service desk queue\",\"by\":\"\(actor)\",\"ts\":\((BenchData.baseMs + Int64(i) * 10) / 1000),"
            + "\"link\":\"https://desk.example.com/tickets/\(i)\",\"priority\":\"p\(i % 4)\"}"
        return Array(text.utf8)
    }
}

extension Bench {
    /// Creates the shared topics, loads `n` messages, then runs one mapped catch-up in a
    /// child and kcat on the same topics, alternating, `runs` times.
    func runMapped(n: Int, runs: Int, kcat: String?) throws {
        let partitions = Self.partitions(bytes: (n / 3 + 1) * 260)
        for t in MappedData.topics { try cluster.createTopic(t, partitions: partitions) }
        let start = monoNs()
        let producer = try loader()
        var reports: [DeliveryReport] = []
        var failed = 0
        for i in 0..<n {
            try producer.produce(topic: MappedData.topic(i), key: Array("TE-\(i)".utf8), value: MappedData.value(i),
                                 token: UInt(i + 1), reports: &reports)
            if i % 10_000 == 0 {
                reports += producer.poll(timeoutMs: 0)
                failed += reports.filter { !$0.delivered }.count
                reports.removeAll(keepingCapacity: true)
            }
        }
        reports += producer.flush(timeoutMs: 300_000)
        failed += reports.filter { !$0.delivered }.count
        guard failed == 0 else { fail("loading the mapped run: \(failed) not delivered") }
        log(String(format: "mapped: loaded %d messages on 3 shared topics (%d partitions each) in %.1f s", n, partitions, seconds(since: start)))
        let path = NSTemporaryDirectory() + "inbox-bench-mapped-\(getpid()).toml"
        try MappedData.config.write(toFile: path, atomically: true, encoding: .utf8)
        for run in 0..<runs {
            let child = try runInbox(full: false, extra: ["--config-path", path])
            if let c = child["catchup_seconds"] as? Double { report.mappedRuns.append(c) }
            if let kept = child["inbox_count"] as? Int { report.mappedKept = kept }
            if let kcat {
                let k = try runKcat(kcat, topics: MappedData.topics)
                report.mappedKcatRuns.append(k)
                log(String(format: "mapped run %d/%d: inbox %.2f s (%d kept of %d), kcat %.2f s", run + 1, runs,
                           report.mappedRuns.last ?? 0, report.mappedKept, n, k))
            }
        }
    }
}
