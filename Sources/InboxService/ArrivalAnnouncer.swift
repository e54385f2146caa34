import Foundation
import InboxCore
import InboxEvents
import InboxSystem

/// Runs the `[[hooks]]` for live arrivals and, with `alerts = "desktop"`, `notify-send`;
/// bounded by a `HookRunner`. Failures go to the log and the status line, never the screen.
public final class ArrivalAnnouncer: Sendable {
    private let hooks: [TriageSettings.Hook]
    private let desktop: String?
    private let runner: HookRunner

    /// An announcer for `settings`; failures are pushed to `events` as errors and appended to `logPath`.
    public init(settings: Settings, events: EventQueue, logPath: String?,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        hooks = settings.triage.hooks
        desktop = settings.triage.alerts == "desktop" ? Spawn.which("notify-send", path: environment["PATH"]) : nil
        runner = HookRunner { failure in
            events.push(.error(failure.message))
            if let logPath, let h = FileHandle(forWritingAtPath: logPath) {
                h.seekToEndOfFile()
                h.write(Data("\(Timestamps.iso8601(ms: Timestamps.nowMs())) \(failure.label): \(failure.message)\n".utf8))
                try? h.close()
            }
        }
    }

    /// Whether anything is configured to run.
    public var isActive: Bool { !hooks.isEmpty || desktop != nil }

    /// Runs what applies to each live arrival (on the caller's thread: only matching and
    /// queueing; the runner's thread starts the processes).
    public func announce(_ arrivals: [InboxCore.Notification]) {
        for n in arrivals {
            for hook in hooks where hook.predicate?.matches(n, state: .unread) ?? true {
                let (argv, env) = hook.command.expand(for: n)
                runner.submit(argv: argv, environment: env, label: hook.label)
            }
        }
        if let desktop, let first = arrivals.first {
            let title = arrivals.count == 1 ? HookCommand.sanitize(first.actor ?? first.kind.rawValue) : "\(arrivals.count) new notifications"
            runner.submit(argv: [desktop, "--app-name=kafka-inbox", "--", title, HookCommand.sanitize(first.title)], environment: [:],
                          label: "alerts")
        }
    }

    /// Stops the runner (running hooks are killed).
    public func stop() { runner.stop() }
}
