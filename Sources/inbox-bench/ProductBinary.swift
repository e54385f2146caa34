import Foundation

/// The `kafka-inbox` executable built next to this one (the same `.build/<configuration>`
/// directory as `/proc/self/exe`), run as a person would: its own process, the benchmark's
/// state directory as `XDG_STATE_HOME` (and `XDG_CONFIG_HOME`, so no config file of the
/// machine's user is read), brokers and user from the flags.
struct ProductBinary {
    /// The executable's path.
    let path: String
    /// What is set on top of this process's environment.
    let environment: [String: String]

    /// The binary next to this executable, with `state` as its state directory; nil (and a
    /// log line saying how to build it) when there is none.
    static func find(state: String) -> ProductBinary? {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kafka-inbox").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            log("no kafka-inbox next to inbox-bench (\(path)): the send, list and count figures are left out; "
                + "build it first with `swift build -c release --product kafka-inbox`")
            return nil
        }
        let env = ["XDG_STATE_HOME": state, "XDG_CONFIG_HOME": state, "KAFKA_INBOX_BROKERS": "", "KAFKA_INBOX_USER": "",
                   "HOME": state]
        return ProductBinary(path: path, environment: env)
    }

    /// Runs `kafka-inbox ARGS`.
    func run(_ arguments: [String], output: ChildProcess.Output) throws -> ChildProcess {
        try ChildProcess.run([path] + arguments, environment: environment, output: output)
    }

    /// `kafka-inbox --version` (logged, so a stale binary shows).
    var version: String {
        let r = try? run(["--version"], output: .keep)
        return r?.stdout.split(separator: "\n").joined(separator: "; ") ?? "?"
    }

    /// The binary's modification time, for the log.
    var modified: String {
        guard let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return "?" }
        return ISO8601DateFormatter().string(from: date)
    }
}
