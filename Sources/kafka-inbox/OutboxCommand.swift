import ArgumentParser
import Foundation
import InboxCore
import InboxService

/// `kafka-inbox outbox`: what waits in the user's outbox, without contacting Kafka.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "Show receipts waiting in the local outbox (not yet confirmed by the broker).",
        discussion: """
        Receipts are written to $XDG_STATE_HOME/kafka-inbox/outbox-<user>-<cluster>.jsonl before they are sent,
        and removed once the broker confirms them. Every kafka-inbox command sends pending ones first.
        Prints one receipt per line (JSON, as it goes on the receipts topic); the count goes to stderr.
        """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print only the outbox file's path.") var path = false

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            let file = settings.outboxPath
            if path {
                Console.out(file)
                return
            }
            // Listing creates nothing: no file means nothing pending.
            guard FileManager.default.fileExists(atPath: file) else {
                Console.error("kafka-inbox: 0 receipt(s) pending (no outbox at \(file))")
                return
            }
            let outbox: Outbox
            do { outbox = try Outbox(path: file) } catch {
                throw CommandFailure(message: "outbox: \(error)", exit: ExitStatus.cannotCreate)
            }
            if let note = outbox.damageNote { Console.error("kafka-inbox: \(note)") }
            let pending: [Receipt]
            do { pending = try outbox.pending() } catch {
                throw CommandFailure(message: "outbox: \(error)", exit: ExitStatus.cannotCreate)
            }
            for r in pending { Console.out(String(decoding: ReceiptCodec.encode(r), as: UTF8.self)) }
            Console.error("kafka-inbox: \(pending.count) receipt(s) pending in \(outbox.path)")
        }
    }
}
