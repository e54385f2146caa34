import ArgumentParser
import InboxCore
import InboxService

/// `--filter JQ` of `list`, `count` and `watch`.
struct FilterOption: ParsableArguments {
    @Option(help: ArgumentHelp("Only notifications for which this jq expression is true, over the notification as list --json prints it, "
        + "e.g. '.kind == \"mentions\" and (.title | test(\"outage\"; \"i\"))'.", valueName: "jq"))
    var filter: String?

    /// The compiled filter (nil: none). A syntax error is a usage error (exit 64) with jq's message.
    func compiled() throws -> NotificationFilter? {
        guard let filter else { return nil }
        do { return try NotificationFilter(filter) } catch {
            throw CommandFailure(message: "--filter: \(error.message)", exit: .validationFailure)
        }
    }
}

extension NotificationFilter {
    /// Tells the user, on stderr, when the expression failed on some notifications.
    func reportFailures() {
        if let note = failureNote { Console.error("kafka-inbox: \(note)") }
    }
}
