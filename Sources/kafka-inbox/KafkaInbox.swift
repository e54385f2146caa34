import ArgumentParser
import CBuildInfo
import Foundation
import InboxService
import InboxSystem
import KafkaKit
import Synchronization

/// The `kafka-inbox` command: the interactive inbox by default, and one-shot commands.
@main
struct KafkaInbox: ParsableCommand {
    static let version = ProductInfo.version

    /// What `--version` prints: the version, the commit built from, and the libraries run with.
    static let versionText = "kafka-inbox \(ProductInfo.version) (commit \(String(cString: kafka_inbox_commit())))\n"
        + "librdkafka \(KafkaClient.libraryVersion) (features: \(KafkaClient.libraryFeatures))"

    static let configuration = CommandConfiguration(
        commandName: "kafka-inbox",
        abstract: "A terminal notification inbox for Apache Kafka.",
        discussion: """
        Without a subcommand, opens the interactive inbox of the configured user.
        Exit codes: 0 ok, 64 usage, 65 bad input line, 66 unknown id or unreadable input file, \
        69 broker unreachable, 73 outbox not writable (`outbox`), 74 output not writable, \
        75 delivery not confirmed (kept in the outbox, or lost if it cannot be written), \
        77 authentication failed, 78 bad configuration.
        """,
        version: versionText,
        subcommands: [InboxCommand.self, WatchCommand.self, ListCommand.self, CountCommand.self,
                      ReadCommand.self, UnreadCommand.self, AckCommand.self, SnoozeCommand.self, MuteCommand.self, MutesCommand.self,
                      UnmuteCommand.self, ActCommand.self, SendCommand.self,
                      BrokerCommand.self, DemoCommand.self, OutboxCommand.self, SchemaCommand.self, DoctorCommand.self, ManualCommand.self],
        defaultSubcommand: InboxCommand.self
    )

    /// Sets up the allocator, then parses and runs the command.
    static func main() {
        Allocator.keepResidentSizeDown()
        main(nil)
    }
}

/// Runs a command body, turning our failures into a message on stderr and an exit code.
func runReportingFailures(_ body: () throws -> Void) throws {
    defer { Console.runPending() }
    do {
        try body()
    } catch let failure as CommandFailure {
        Console.error("kafka-inbox: \(failure.message)")
        throw failure.exit
    } catch let error as ServiceError {
        Console.error("kafka-inbox: \(error.message)")
        throw CommandFailure(error).exit
    }
}

/// stderr/stdout helpers (stdout is for data only). A write that fails (stdout redirected
/// to a full disk or past a file-size limit) never crashes: stdout's failure is said on
/// stderr and ends the command (exit 74), since the data would be incomplete; stderr's is ignored.
enum Console {
    static func error(_ line: String) {
        try? Posix.writeAll(2, Array((line + "\n").utf8), call: "write stderr")
    }

    static func out(_ line: String) { write(Array((line + "\n").utf8)) }

    /// Writes `bytes` to stdout, or ends the command saying why it cannot.
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes `bytes` to stdout, or ends the command saying why it cannot.
    static func write(_ bytes: UnsafeRawBufferPointer) {
        do { try Posix.writeAll(1, bytes, call: "write stdout") } catch {
            if error.errno == EPIPE { exit(0) }  // the reader went away (SIGPIPE ignored)
            Console.error("kafka-inbox: cannot write the output: \(error) (\(error.errnoName)); it is incomplete")
            exit(ExitStatus.ioError.rawValue)
        }
    }

    /// Work a command must let finish before the process ends (a snapshot being written).
    private static let pending = Mutex<[@Sendable () -> Void]>([])

    /// Runs `work` before the process ends, however the command ends (`exit`, or the
    /// command returning: `runPending`).
    static func beforeExit(_ work: @escaping @Sendable () -> Void) { pending.withLock { $0.append(work) } }

    /// Runs the work given to `beforeExit` (once).
    static func runPending() {
        let work = pending.withLock { all in defer { all = [] }; return all }
        for w in work { w() }
    }

    /// Ends the process with `code`, after the work given to `beforeExit`.
    static func exit(_ code: Int32) -> Never {
        runPending()
        Foundation.exit(code)
    }

    static var stdoutIsTerminal: Bool { isatty(1) == 1 }
}
