import ArgumentParser
import InboxCore
import InboxService

/// `--filter JQ` of `list`, `count` and `watch`.
struct FilterOption: ParsableArguments {
    @Option(help: ArgumentHelp("Only notifications for which this jq expression is true, over the notification as list --json prints it, "
        + "e.g. '.kind == \"mentions\" and (.title | test(\"outage\"; \"i\"))'.", valueName: "jq"))
    var filter: String?

    @Option(help: ArgumentHelp("Only notifications this query selects: is:unread|read|done|snoozed|muted|tagged, kind:K, from:NAME, "
        + "thread:TYPE:ID, after:2d, before:2026-11-01, has:url|actions|body, \"text\", words, -term, OR, ( ). "
        + "With --query and no view flag, every state is searched.", valueName: "query"))
    var query: String?

    /// The parsed query (nil: none). A bad query is a usage error (exit 64) naming the token.
    func parsedQuery() throws -> InboxQuery? {
        guard let query else { return nil }
        do throws(QueryError) { return try InboxQuery(query) } catch {
            throw CommandFailure(message: "--query: \(error.description)", exit: .validationFailure)
        }
    }

    /// Whether the notification at storage index `i` of `inbox` passes `query` and `filter`.
    static func passes(_ inbox: Inbox, _ i: Int, _ n: InboxCore.Notification, query: InboxQuery?, filter: NotificationFilter?) -> Bool {
        if let query, !query.matches(n, InboxQuery.Facts(rowClass: inbox.rowClass(at: i), tagged: !inbox.labels(at: i).isEmpty)) {
            return false
        }
        if let filter, !filter.matches(n, state: inbox.state(at: i)) { return false }
        return true
    }

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
