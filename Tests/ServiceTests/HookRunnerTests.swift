import Foundation
import InboxCore
@testable import InboxService
@testable import InboxSystem
import Synchronization
import Testing

/// Hook commands as real child processes: environment, failures, timeouts, limits.
/// Bounds on time are generous: the machine running the tests may be busy.
@Suite struct HookRunnerTests {
    /// The failures a runner reported.
    final class Reports: Sendable {
        private let list = Mutex<[HookFailure]>([])
        func add(_ failure: HookFailure) { list.withLock { $0.append(failure) } }
        var all: [HookFailure] { list.withLock { $0 } }
    }

    /// A fresh directory for what the children write.
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hooks-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    @Test func aHookSeesTheNotificationInItsEnvironmentAndNoTerminal() throws {
        let dir = try Self.scratch()
        let reports = Reports()
        let runner = HookRunner(report: reports.add)
        defer { runner.stop() }
        var n = InboxCore.Notification(id: "n-9", kind: .owner, title: "Deploy \u{1B}[31mfailed\u{7}\nnow", createdAtMs: 0,
                                       source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 9))
        n.actor = "carol"
        let hook = HookCommand(run: ["sh", "-c", #"printf %s "$KAFKA_INBOX_TITLE" > "$1"; printf '%s|%s' "$2" "${PATH:+path}" > "$1.args""#,
                                     "sh", dir + "/title", "{actor}"])
        let (argv, environment) = hook.expand(for: n)
        runner.submit(argv: argv, environment: environment, label: "hooks[0]")
        #expect(waitUntil { runner.finished == 1 })
        #expect(Self.contents(dir + "/title") == "Deploy \\x1b[31mfailed\\x07 now")
        #expect(Self.contents(dir + "/title.args") == "carol|path", "the parent's environment is passed on")
        #expect(reports.all.isEmpty)

        // Its standard streams are /dev/null, and it leads its own process group.
        let probe = #"fds=$(readlink /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2); group=$(cut -d' ' -f5 /proc/$$/stat)"#
            + #"; printf '%s\n%s %s\n' "$fds" "$$" "$group" > "$1""#
        runner.submit(argv: ["sh", "-c", probe, "sh", dir + "/probe"], environment: [:], label: "probe")
        #expect(waitUntil { runner.finished == 2 })
        let lines = (Self.contents(dir + "/probe") ?? "").split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["/dev/null", "/dev/null", "/dev/null"])
        let ids = lines.last?.split(separator: " ") ?? []
        #expect(ids.count == 2 && ids[0] == ids[1], "pid == process group id: \(lines)")
    }

    @Test func aNonZeroExitIsReportedAsFailed() {
        let reports = Reports()
        let runner = HookRunner(report: reports.add)
        defer { runner.stop() }
        runner.submit(argv: ["false"], environment: [:], label: "hooks[1]")
        runner.submit(argv: ["sh", "-c", "exit 2"], environment: [:], label: "hooks[2]")
        runner.submit(argv: ["sh", "-c", "kill -TERM $$"], environment: [:], label: "hooks[3]")
        #expect(waitUntil { reports.all.count == 3 })
        let byLabel = Dictionary(uniqueKeysWithValues: reports.all.map { ($0.label, $0) })
        #expect(byLabel["hooks[1]"]?.reason == .failed(1))
        #expect(byLabel["hooks[1]"]?.argv0 == "false")
        #expect(byLabel["hooks[2]"]?.message == #"hook "sh" exited with status 2"#)
        #expect(byLabel["hooks[3]"]?.reason == .signalled(15))
        #expect(byLabel["hooks[3]"]?.message == #"hook "sh" was killed by signal 15 (SIGTERM)"#)
        #expect(runner.launched == 3)
    }

    @Test func aMissingProgramCannotStart() throws {
        let reports = Reports()
        let runner = HookRunner(report: reports.add)
        defer { runner.stop() }
        runner.submit(argv: ["kafka-inbox-no-such-hook"], environment: [:], label: "hooks[0]")
        runner.submit(argv: ["/nonexistent/dir/hook"], environment: [:], label: "hooks[1]")
        #expect(waitUntil { reports.all.count == 2 })
        for failure in reports.all {
            guard case .couldNotStart(let error) = failure.reason else {
                Issue.record("expected couldNotStart, got \(failure.reason)")
                continue
            }
            #expect(error.errno == ENOENT)
        }
        #expect(reports.all.contains { $0.message == #"hook "kafka-inbox-no-such-hook" could not start: No such file or directory"# })
        #expect(runner.launched == 0)
        #expect(throws: SystemError.self) { try Spawn.start([], environment: [:]) }
    }

    @Test func aHookThatRunsTooLongIsKilledWithItsChildren() throws {
        let dir = try Self.scratch()
        let reports = Reports()
        let runner = HookRunner(timeoutMs: 300, report: reports.add)
        defer { runner.stop() }
        let started = ContinuousClock.now
        runner.submit(argv: ["sleep", "30"], environment: [:], label: "sleepy")
        // A shell that leaves a grandchild behind: the kill reaches the whole group.
        runner.submit(argv: ["sh", "-c", #"sleep 30 & echo $! > "$1"; wait"#, "sh", dir + "/grandchild"], environment: [:], label: "tree")
        #expect(waitUntil(timeout: .seconds(10)) { reports.all.count == 2 })
        #expect(ContinuousClock.now - started < .seconds(5), "killed soon after 0.3 s")
        #expect(reports.all.allSatisfy { $0.reason == .timedOut(ms: 300) })
        #expect(reports.all.first { $0.label == "sleepy" }?.message == #"hook "sleep" killed after 0.3 s"#)
        #expect(runner.finished == 2)
        let grandchild = try #require(Self.contents(dir + "/grandchild").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(waitUntil(timeout: .seconds(5)) {
            // Gone, or a zombie waiting for init to collect it.
            guard let stat = Self.contents("/proc/\(grandchild)/stat") else { return true }
            return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
        }, "the grandchild was killed with its group")
    }

    @Test func noMoreThanMaxConcurrentRunAtOnce() throws {
        let dir = try Self.scratch()
        let reports = Reports()
        let runner = HookRunner(maxConcurrent: 2, report: reports.add)
        defer { runner.stop() }
        let script = #"date +%s%N > "$1.start"; sleep 0.3; date +%s%N > "$1.end""#
        for i in 0..<6 {
            runner.submit(argv: ["sh", "-c", script, "sh", "\(dir)/\(i)"], environment: [:], label: "job \(i)")
        }
        #expect(waitUntil(timeout: .seconds(30)) { runner.finished == 6 })
        #expect(reports.all.isEmpty, "\(reports.all.map(\.message))")
        #expect(runner.launched == 6)
        let spans: [(start: Int, end: Int)] = (0..<6).compactMap { i in
            guard let s = Self.contents("\(dir)/\(i).start").flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                  let e = Self.contents("\(dir)/\(i).end").flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            else { return nil }
            return (s, e)
        }
        #expect(spans.count == 6)
        // Each child's span lies within the runner's start..collect, so at no start can more than two overlap.
        let most = spans.map { s in spans.filter { $0.start <= s.start && s.start <= $0.end }.count }.max() ?? 0
        #expect(most >= 1 && most <= 2, "\(spans)")
    }

    @Test func aFullQueueDropsAndReports() {
        let reports = Reports()
        let runner = HookRunner(maxConcurrent: 1, maxQueued: 2, report: reports.add)
        for i in 0..<6 {
            runner.submit(argv: ["sleep", "30"], environment: [:], label: "job \(i)")
        }
        // One may already run; at most two wait; the rest are dropped at once.
        let dropped = reports.all.filter { if case .dropped = $0.reason { return true } else { return false } }
        #expect(dropped.count == 3 || dropped.count == 4, "\(reports.all.map(\.message))")
        #expect(dropped.first?.message == #"hook "sleep" not run: 2 hooks already waiting"#)
        #expect(dropped.last?.label == "job 5")
        let started = ContinuousClock.now
        runner.stop()
        #expect(ContinuousClock.now - started < .seconds(5), "stop kills what runs")
        #expect(runner.launched == runner.finished)
        runner.submit(argv: ["sleep", "30"], environment: [:], label: "late")
        #expect(runner.launched <= 1 && reports.all.count == dropped.count, "ignored after stop")
    }

    @Test func whichFindsExecutablesOnAPath() {
        #expect(Spawn.which("sh", path: "/nonexistent:/bin:/usr/bin") != nil)
        #expect(Spawn.which("sh", path: "/nonexistent") == nil)
        #expect(Spawn.which("/bin/sh", path: "") == "/bin/sh")
        #expect(Spawn.which("/etc/passwd", path: nil) == nil, "not executable")
        #expect(Spawn.which("passwd", path: "/etc") == nil)
        #expect(Spawn.which("kafka-inbox-no-such-hook", path: nil) == nil)
        #expect(Spawn.which("", path: nil) == nil)
    }

    @Test func exitStatusesDecode() {
        #expect(Spawn.decode(0) == .exited(0))
        #expect(Spawn.decode(2 << 8) == .exited(2))
        #expect(Spawn.decode(9) == .signalled(9))
        #expect(Spawn.decode(15 | 0x80) == .signalled(15), "core dumped")
        #expect(HookFailure.seconds(10_000) == "10" && HookFailure.seconds(1_250) == "1.25" && HookFailure.seconds(5) == "0.005")
    }
}
