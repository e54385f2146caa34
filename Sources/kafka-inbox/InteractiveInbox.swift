import Foundation
import InboxCore
import InboxTUI
import KafkaKit

/// Wires the TUI to Kafka: consumer thread → event queue → UI loop → receipt sender.
struct InteractiveInbox {
    let settings: Settings
    let kinds: [Kind]?
    let noColor: Bool
    let markReadOnOpen: Bool
    /// Whether to start from (and keep) the local snapshot; never with a kind filter.
    var snapshots = true

    /// Opens the inbox; returns after the user quits, with pending receipts flushed.
    func run(banner: String? = nil) throws {
        guard isatty(0) == 1 && isatty(1) == 1 else {
            throw CommandFailure(message: "the interactive inbox needs a terminal; for scripts use `kafka-inbox list` or `watch`",
                                 exit: .failure)
        }
        let logPath = try LogFile.open(user: settings.user)
        let events: EventQueue
        do { events = try EventQueue() } catch { throw CommandFailure(message: "cannot create the event queue: \(error)", exit: .failure) }
        var outbox: Outbox?
        do { outbox = try Outbox(user: settings.user, bootstrap: settings.kafka.brokers) } catch {
            events.push(.error("outbox unavailable (\(error)): receipts are kept in memory only"))
        }
        if let outbox, outbox.damagedAtOpen > 0 {
            events.push(.error("outbox: \(outbox.damagedAtOpen) damaged line(s) skipped (kept in \(outbox.path).damaged)"))
        }
        // Receipts from earlier runs: shown at once, delivered first (DESIGN §3, issue 4).
        let earlier = (try? outbox?.pending()) ?? []
        let overlay = PendingOverlay(earlier)
        if !earlier.isEmpty { events.push(.receipts(earlier)) }
        let sender = ReceiptSender(settings: settings, events: events, outbox: outbox, overlay: overlay)
        sender.start(earlier: earlier)
        let keeper = snapshots && kinds == nil ? SnapshotKeeper(settings: settings, events: events) : nil
        let restored = keeper?.load() ?? Inbox()
        LiveFeed(settings: settings, kinds: kinds, events: events, outbox: outbox, overlay: overlay, snapshot: keeper,
                 onCaughtUp: { sender.caughtUp.store(true, ordering: .releasing) }).start()
        if let banner { events.push(.notice(banner)) }
        let model = InboxModel(inbox: restored, keyMap: .standard, markReadOnOpen: markReadOnOpen)
        let app = InboxApp(model: model, events: events, send: { sender.enqueue($0) },
                           options: TUIOptions(noColor: noColor ? true : nil))
        if let keeper { app.beforeWait = { keeper.tick($0) } }
        let exit: TUIExit
        do { exit = try app.run() } catch {
            throw CommandFailure(message: "terminal: \(error)", exit: .failure)
        }
        if sender.pending > 0 { Console.error("kafka-inbox: sending \(sender.pending) receipt(s)…") }
        if let problem = keeper?.finish(app.model.inbox) { Console.error("kafka-inbox: \(problem)") }
        let left = sender.flush(seconds: 5)
        if left > 0, let outbox {
            Console.error("kafka-inbox: \(left) receipt(s) not yet confirmed by \(settings.kafka.brokers) are kept in the outbox "
                + "(\(outbox.path)) and sent at the next start of kafka-inbox; see \(logPath)")
        } else if left > 0 {
            Console.error("kafka-inbox: \(left) receipt(s) could not be delivered to \(settings.kafka.brokers) and are lost "
                + "(the outbox could not be opened); see \(logPath)")
        }
        if case .signal(let sig) = exit, sig != SIGINT { Foundation.exit(128 + sig) }
    }
}

/// The log file of the interactive inbox (librdkafka's lines never reach the screen).
enum LogFile {
    /// Opens `$XDG_STATE_HOME/kafka-inbox/<user>.log` and sends librdkafka's logs there.
    static func open(user: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "/tmp") + "/.local/state")
        let dir = base + "/kafka-inbox"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/\(user).log"
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        KafkaLog.redirect(to: fd >= 0 ? fd : -1, level: 4)
        return path
    }
}
