import Foundation
import InboxSystem
import Synchronization

/// Runs hook commands (see `HookCommand`) in the background, a bounded number at a time,
/// each for a bounded time, and reports every failure instead of printing it.
///
/// `submit` never blocks: it queues the command for the runner's one thread ("hook-reaper",
/// started by the first `submit`), which starts queued commands while fewer than
/// `maxConcurrent` run, collects them every ~20 ms, and kills (with its process group) one
/// that runs longer than `timeoutMs`. Children get /dev/null as stdin, stdout and stderr and
/// their own process group (`Spawn`), so a hook can never draw on the terminal or read
/// keys. Call `stop` before letting go of a runner: its thread holds it until then.
public final class HookRunner: Sendable {
    private struct Job: Sendable {
        var argv: [String]
        var environment: [String: String]
        var label: String
    }

    private struct Shared {
        var waiting: [Job] = []
        var stopped = false
    }

    /// A started child, owned by the reaper thread.
    private struct Child {
        var label: String
        var argv0: String
        var pid: Int32
        var deadline: ContinuousClock.Instant
        var killed = false
    }

    /// The most commands running at once.
    public let maxConcurrent: Int
    /// The most commands waiting to start; one more is dropped (and reported `.dropped`).
    public let maxQueued: Int
    /// How long a command may run before it is killed, in milliseconds.
    public let timeoutMs: Int

    private let report: @Sendable (HookFailure) -> Void
    private let shared = Mutex(Shared())
    private let wake = DispatchSemaphore(value: 0)
    private let worker = Worker(name: "hook-reaper")
    private let launchedCount = Atomic<Int>(0)
    private let finishedCount = Atomic<Int>(0)
    private let parentEnvironment: [String: String]
    private static let pollInterval: Duration = .milliseconds(20)

    /// A runner. Limits below 1 are raised to 1. `report` is called
    /// for each failure: on the runner's thread, or for `.dropped` on the thread calling
    /// `submit`; it must return quickly and must not call `stop`.
    public init(maxConcurrent: Int = 4, maxQueued: Int = 64, timeoutMs: Int = 10_000,
                report: @escaping @Sendable (HookFailure) -> Void) {
        self.maxConcurrent = max(1, maxConcurrent)
        self.maxQueued = max(1, maxQueued)
        self.timeoutMs = max(1, timeoutMs)
        self.report = report
        self.parentEnvironment = ProcessInfo.processInfo.environment
    }

    /// Commands started so far (those that could not start are not counted).
    public var launched: Int { launchedCount.load(ordering: .acquiring) }

    /// Started commands collected so far, whatever their end (timed out ones included).
    public var finished: Int { finishedCount.load(ordering: .acquiring) }

    /// Queues `argv` to run with this process's environment plus `environment` (which wins
    /// on a shared name); `label` names it in reports. Returns at once. When `maxQueued`
    /// commands are already waiting, this one is dropped and reported; after `stop` it is
    /// ignored.
    public func submit(argv: [String], environment: [String: String], label: String) {
        let job = Job(argv: argv, environment: environment, label: label)
        let outcome: (accepted: Bool, queued: Int)? = shared.withLock { s in
            if s.stopped { return nil }
            if s.waiting.count >= maxQueued { return (false, s.waiting.count) }
            s.waiting.append(job)
            return (true, s.waiting.count)
        }
        guard let outcome else { return }
        guard outcome.accepted else {
            report(HookFailure(label: label, argv0: argv.first ?? "", reason: .dropped(queued: outcome.queued)))
            return
        }
        worker.start { [self] in self.loop() }
        wake.signal()
    }

    /// Drops the commands still waiting, kills the running ones (and their process groups),
    /// collects them and stops the thread. Nothing is reported for them. Later `submit`s
    /// are ignored.
    public func stop() {
        shared.withLock { s in
            s.stopped = true
            s.waiting.removeAll()
        }
        worker.stop { wake.signal() }
    }

    // MARK: - The reaper thread

    private func loop() {
        let clock = ContinuousClock()
        var children: [Child] = []
        while !worker.isStopping {
            startWaiting(&children, now: clock.now)
            collect(&children, now: clock.now)
            let more = shared.withLock { !$0.waiting.isEmpty }
            if more && children.count < maxConcurrent { continue }  // a slot just freed up
            let timeout: DispatchTime = children.isEmpty ? .distantFuture : .now() + Self.pollInterval.seconds
            _ = wake.wait(timeout: timeout)
        }
        killAll(&children, clock: clock)
    }

    /// Starts waiting commands while there are free slots.
    private func startWaiting(_ children: inout [Child], now: ContinuousClock.Instant) {
        while children.count < maxConcurrent {
            let next: Job? = shared.withLock { s in s.waiting.isEmpty ? nil : s.waiting.removeFirst() }
            guard let job = next else { return }
            let argv0 = job.argv.first ?? ""
            let environment = parentEnvironment.merging(job.environment) { _, new in new }
            do {
                let pid = try Spawn.start(job.argv, environment: environment)
                launchedCount.add(1, ordering: .releasing)
                children.append(Child(label: job.label, argv0: argv0, pid: pid, deadline: now + .milliseconds(timeoutMs)))
            } catch {
                report(HookFailure(label: job.label, argv0: argv0, reason: .couldNotStart(error)))
            }
        }
    }

    /// Collects the children that ended (reporting failures) and kills those past their deadline.
    private func collect(_ children: inout [Child], now: ContinuousClock.Instant) {
        var index = 0
        while index < children.count {
            let child = children[index]
            let status: Spawn.ExitStatus?
            do {
                status = try Spawn.poll(child.pid)
            } catch {
                status = .exited(0)  // ECHILD: collected elsewhere; nothing more is known
            }
            guard let status else {
                if !child.killed && now >= child.deadline {
                    Spawn.kill(child.pid)
                    children[index].killed = true
                }
                index += 1
                continue
            }
            children.remove(at: index)
            finishedCount.add(1, ordering: .releasing)
            if let reason = failure(status, killed: child.killed) {
                report(HookFailure(label: child.label, argv0: child.argv0, reason: reason))
            }
        }
    }

    private func failure(_ status: Spawn.ExitStatus, killed: Bool) -> HookFailure.Reason? {
        if killed { return .timedOut(ms: timeoutMs) }
        switch status {
        case .exited(0): return nil
        case .exited(let code): return .failed(code)
        case .signalled(let signal): return .signalled(signal)
        }
    }

    /// At stop: kills every child and collects them, waiting at most about two seconds
    /// (SIGKILL cannot be caught, so only a child stuck in the kernel takes longer).
    private func killAll(_ children: inout [Child], clock: ContinuousClock) {
        for child in children where !child.killed { Spawn.kill(child.pid) }
        let deadline = clock.now + .seconds(2)
        while !children.isEmpty && clock.now < deadline {
            children.removeAll { child in
                let ended: Bool
                do { ended = try Spawn.poll(child.pid) != nil } catch { ended = true }  // ECHILD: gone
                if ended { finishedCount.add(1, ordering: .releasing) }
                return ended
            }
            if !children.isEmpty { Thread.sleep(forTimeInterval: 0.01) }
        }
    }
}
