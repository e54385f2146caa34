import InboxCore
import InboxFeed

extension StartPosition {
    /// Parses `beginning`, `end`, an offset, an ISO 8601 time or `-<duration>` (`-2h`).
    init(parsing text: String, nowMs: Int64) throws {
        switch text.lowercased() {
        case "beginning", "earliest", "start": self = .beginning
        case "end", "latest", "now": self = .end
        default:
            if let n = Int64(text), n >= 0 { self = .offset(n); return }
            // "-2h" (as --from=-2h) or "2h": that long ago.
            let span = text.hasPrefix("-") ? String(text.dropFirst()) : text
            if let d = Timestamps.parseDuration(span) {
                self = .time(nowMs - d); return
            }
            if let t = Timestamps.parseISO8601(text) { self = .time(t); return }
            throw CommandFailure(message: "--from takes beginning, end, an offset, an ISO 8601 time "
                + "(2026-11-25T14:00:00Z) or a duration ago (2h, or --from=-2h); got '\(text)'", exit: .validationFailure)
        }
    }
}
