import Foundation
import Testing

/// The result of running a program.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// Runs the real kafka-inbox binary, kcat and friends as a user would.
enum Harness {
    /// The built binary (`swift build` first); override with KAFKA_INBOX_BIN.
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["KAFKA_INBOX_BIN"] { return b }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for config in ["debug", "release"] {
            let p = root.appendingPathComponent(".build/\(config)/kafka-inbox").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return root.appendingPathComponent(".build/debug/kafka-inbox").path
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, feeding `input`, and waits (killing it after `timeout`).
    static func run(_ executable: String, _ arguments: [String], input: String? = nil,
                    environment: [String: String] = [:], timeout: TimeInterval = 60,
                    holdInputOpen: Bool = false) throws -> RunResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "kafka-inbox-tests-noconfig"
        env["XDG_STATE_HOME"] = NSTemporaryDirectory() + "kafka-inbox-tests-state-\(getpid())"
        env.removeValue(forKey: "KAFKA_INBOX_BROKERS")
        env.removeValue(forKey: "KAFKA_INBOX_USER")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        let outData = DataCollector(out.fileHandleForReading)
        let errData = DataCollector(err.fileHandleForReading)
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        if !holdInputOpen { try? inp.fileHandleForWriting.close() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate(); usleep(200_000); if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        p.waitUntilExit()
        try? inp.fileHandleForWriting.close()
        return RunResult(status: p.terminationStatus, stdout: outData.text(), stderr: errData.text())
    }

    /// Runs kafka-inbox.
    static func inbox(_ arguments: [String], input: String? = nil, environment: [String: String] = [:],
                      timeout: TimeInterval = 60) throws -> RunResult {
        try run(binary, arguments, input: input, environment: environment, timeout: timeout)
    }

    /// Runs kcat against `brokers`.
    static func kcat(_ brokers: String, _ arguments: [String], input: String? = nil) throws -> RunResult {
        let path = try #require(which("kcat"), "kcat is not installed (scripts/setup.sh installs it)")
        return try run(path, ["-b", brokers] + arguments, input: input, timeout: 30)
    }
}

/// Collects everything a pipe delivers, on a background thread.
final class DataCollector: @unchecked Sendable {
    private var data = Data()
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock(); data.append(chunk); lock.unlock()
            }
            done.signal()
        }
    }

    func text() -> String {
        _ = done.wait(timeout: .now() + 5)
        lock.lock(); defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A `kafka-inbox broker` process for one test, stopped when released.
final class BrokerProcess {
    let process = Process()
    let bootstrap: String

    init(arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: Harness.binary)
        process.arguments = ["broker"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        let handle = out.fileHandleForReading
        while !line.contains(0x0A) {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        bootstrap = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}
