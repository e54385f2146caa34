import Foundation
import InboxCore
import InboxService
import InboxTUI
import KafkaKit

/// Wires the TUI to the service pipeline: consumer thread → event queue → UI loop → receipt sender.
struct InteractiveInbox {
    let settings: Settings
    let kinds: [Kind]?
    let noColor: Bool
    let markReadOnOpen: Bool
    /// Whether to start from (and keep) the local snapshot; never with a kind filter.
    var snapshots = true

    /// Opens the inbox; returns after the user quits, with pending receipts flushed.
    func run(banner: String? = nil) throws {
        let keyMap: KeyMap
        let theme: Theme
        do throws(KeyMapError) {
            keyMap = try KeyMap.standard.rebinding(settings.keys.map { ($0.key, $0.action, $0.origin) })
            theme = try Theme.standard.applying(settings.theme.map { ($0.element, $0.color, $0.origin) })
        } catch {
            throw CommandFailure(message: error.message, exit: ExitStatus.configError)
        }
        guard isatty(0) == 1 && isatty(1) == 1 else {
            throw CommandFailure(message: "the interactive inbox needs a terminal; for scripts use `kafka-inbox list` or `watch`",
                                 exit: .failure)
        }
        let logPath = LogFile.open(settings)
        let pipeline = try InboxPipeline(settings: settings, kinds: kinds, snapshots: snapshots)
        pipeline.start()
        if let banner { pipeline.events.push(.notice(banner)) }
        var model = InboxModel(inbox: pipeline.takeRestored(), keyMap: keyMap, markReadOnOpen: markReadOnOpen,
                               kinds: kinds ?? settings.layout.kinds, triage: settings.triage.config, views: settings.views)
        model.announceArrivals = settings.triage.alerts != "off" || !settings.triage.hooks.isEmpty
        var options = TUIOptions(noColor: noColor ? true : nil, theme: theme)
        options.alerts = AlertMode(rawValue: settings.triage.alerts) ?? .off
        options.mouse = settings.mouse
        let env = ProcessInfo.processInfo.environment
        options.osc9 = AlertWriter.prefersOSC9(termProgram: env["TERM_PROGRAM"], term: env["TERM"])
        let app = InboxApp(model: model, events: pipeline.events, send: { pipeline.send($0) }, options: options)
        app.beforeWait = { pipeline.beforeWait($0.inbox) }
        let announcer = ArrivalAnnouncer(settings: settings, events: pipeline.events, logPath: logPath)
        defer { announcer.stop() }
        if announcer.isActive { app.onArrival = { announcer.announce($0) } }
        let exit: TUIExit
        do { exit = try app.run() } catch {
            pipeline.finish(app.model.inbox, flushTimeout: .zero, joinTimeout: .milliseconds(200))
            throw CommandFailure(message: "terminal: \(error)", exit: .failure)
        }
        if pipeline.sender.pending > 0 { Console.error("kafka-inbox: sending \(pipeline.sender.pending) receipt(s)…") }
        if pipeline.sender.unsavedCount > 0 {
            Console.error("kafka-inbox: \(pipeline.sender.unsavedCount) of them are not saved locally: waiting up to 15 s for the broker")
        }
        // The consumer thread may be inside a metadata request: it is not waited for long.
        let finished = pipeline.finish(app.model.inbox, flushTimeout: .seconds(5), unsavedTimeout: .seconds(15),
                                       joinTimeout: .milliseconds(500))
        for problem in finished.problems { Console.error("kafka-inbox: \(problem)") }
        // The unsaved ones are said to be lost among the problems; the others are in the outbox.
        let kept = finished.unconfirmed - finished.unsaved
        if kept > 0, let outbox = pipeline.outbox {
            Console.error("kafka-inbox: \(kept) receipt(s) not yet confirmed by \(settings.kafka.brokers) are kept in the outbox "
                + "(\(outbox.path)) and sent at the next start of kafka-inbox; see \(logPath)")
        }
        if case .signal(let sig) = exit, sig != SIGINT { Foundation.exit(128 + sig) }
    }
}

/// The log file of the interactive inbox (librdkafka's lines never reach the screen).
enum LogFile {
    /// Opens the user's log in the state directory and sends librdkafka's logs there.
    static func open(_ settings: Settings) -> String {
        let path = settings.logPath
        try? FileManager.default.createDirectory(atPath: settings.state.directory, withIntermediateDirectories: true)
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        KafkaLog.redirect(to: fd >= 0 ? fd : -1, level: 4)
        return path
    }
}
