import Foundation
import Testing

/// A `kafka-inbox broker --control` process: fault injection through its stdin.
final class ControlledBroker {
    private let process = Process()
    private let input = Pipe()
    private let lines = LineCollector()
    let bootstrap: String

    init(user: String = "alice", partitions: Int = 2, brokers: Int = 1) throws {
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = ["broker", "--control", "--user", user, "--partitions", String(partitions), "--brokers", String(brokers)]
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        lines.start(out.fileHandleForReading)
        bootstrap = lines.next(timeout: 10) ?? ""
    }

    /// Sends one command and waits for its answer (`ok …`).
    @discardableResult
    func control(_ command: String) -> String {
        input.fileHandleForWriting.write(Data((command + "\n").utf8))
        let reply = lines.next(timeout: 10) ?? "no reply"
        #expect(reply.hasPrefix("ok"), "broker control '\(command)': \(reply)")
        return reply
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

/// Lines from a pipe, as they come.
final class LineCollector: @unchecked Sendable {
    private var buffer = Data()
    private var ready: [String] = []
    private let lock = NSCondition()

    func start(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 0x0A) {
                    ready.append(String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self))
                    buffer.removeSubrange(buffer.startIndex...nl)
                }
                lock.broadcast()
                lock.unlock()
            }
        }
    }

    func next(timeout: TimeInterval) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock(); defer { lock.unlock() }
        while ready.isEmpty { if !lock.wait(until: deadline) { return nil } }
        return ready.removeFirst()
    }
}

/// A kafka-inbox process running in the background (to be killed or waited for).
final class BackgroundInbox {
    let process = Process()
    private let out: DataCollector
    private let err: DataCollector

    init(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "kafka-inbox-tests-noconfig"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let o = Pipe(), e = Pipe()
        process.standardOutput = o
        process.standardError = e
        process.standardInput = FileHandle.nullDevice
        out = DataCollector(o.fileHandleForReading)
        err = DataCollector(e.fileHandleForReading)
        try process.run()
    }

    func kill9() { kill(process.processIdentifier, SIGKILL) }

    /// Waits for the exit (killing it after `timeout`).
    func wait(timeout: TimeInterval = 60) -> RunResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill9() }
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: out.text(), stderr: err.text())
    }
}

/// One test's world: a controlled broker, alice's notifications, a private state dir.
struct OutboxWorld {
    let broker: ControlledBroker
    let env: [String: String]
    var b: String { broker.bootstrap }

    init(notifications ids: [String] = ["n-1", "n-2", "n-3"]) throws {
        broker = try ControlledBroker()
        let dir = NSTemporaryDirectory() + "kafka-inbox-outbox-\(getpid())-\(UUID().uuidString)"
        env = ["XDG_STATE_HOME": dir]
        let lines = ids.map { #"{"id":"\#($0)","kind":"owner","title":"title of \#($0)","actor":"bob"}"# }.joined(separator: "\n")
        let sent = try Harness.inbox(["send", "-b", broker.bootstrap, "--user", "alice", "--file", "-"], input: lines)
        #expect(sent.status == 0, "\(sent.stderr)")
    }

    /// Runs kafka-inbox for alice on this broker.
    func inbox(_ arguments: [String], timeout: TimeInterval = 60) throws -> RunResult {
        var args = arguments
        args.insert(contentsOf: ["-b", b, "--user", "alice"], at: 1)
        return try Harness.inbox(args, environment: env, timeout: timeout)
    }

    /// Starts kafka-inbox for alice in the background.
    func background(_ arguments: [String]) throws -> BackgroundInbox {
        var args = arguments
        args.insert(contentsOf: ["-b", b, "--user", "alice"], at: 1)
        return try BackgroundInbox(args, environment: env)
    }

    /// The outbox file's path (from `kafka-inbox outbox --path`).
    func outboxPath() throws -> String {
        try inbox(["outbox", "--path"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits until the outbox file holds `count` add records.
    func waitForOutbox(adds count: Int, timeout: TimeInterval = 20) throws -> [String] {
        let path = try outboxPath()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let adds = text.split(separator: "\n").filter { $0.hasPrefix(#"{"op":"add""#) }.map(String.init)
            if adds.count >= count { return adds }
            usleep(20_000)
        }
        Issue.record("outbox never held \(count) entries")
        return []
    }

    /// The receipts topic as kcat reads it: (key, decoded value) in log order per partition.
    func receipts() throws -> [(key: String, value: [String: Any])] {
        let k = try Harness.kcat(b, ["-C", "-t", "notify.alice.receipts", "-e", "-o", "beginning", "-q", "-f", "%k\t%s\n"])
        return try k.lines.map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            let value = try #require(try JSONSerialization.jsonObject(with: Data(parts[1].utf8)) as? [String: Any])
            return (parts[0], value)
        }
    }

    /// States by id from `list --all --json`.
    func states() throws -> (states: [String: String], run: RunResult) {
        let listed = try inbox(["list", "--all", "--json"])
        var states: [String: String] = [:]
        for line in listed.lines {
            if let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
               let id = o["id"] as? String, let s = o["state"] as? String { states[id] = s }
        }
        return (states, listed)
    }
}
