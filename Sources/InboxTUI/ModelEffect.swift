import InboxEvents
import InboxCore

/// Something the model asks its host to do after a key press.
public enum ModelEffect: Sendable, Hashable {
    /// Publish these receipts (the local state already shows them).
    case send([ReceiptRequest])
    /// Leave the inbox.
    case quit
    /// Open this URL in a browser (already checked to be http or https).
    case openURL(String)
    /// Copy this text (notification id or URL) to the clipboard, if the host allows it.
    case copy(String)
    /// Notifications that arrived live, not muted and not decided by a rule: for hooks and alerts.
    case arrived([Notification])
}

/// What the status bar reports.
public struct StatusInfo: Sendable, Hashable {
    /// The broker connection, once known.
    public var connection: ConnectionState?
    /// Messages loaded so far during catch-up.
    public var loaded = 0
    /// The catch-up total, when known.
    public var total: Int?
    /// Whether catch-up has finished.
    public var caughtUp = false
    /// Whether a catch-up is under way (its total known, not finished): counts are not final.
    public var catchingUp: Bool { !caughtUp && total != nil }
    /// Receipts waiting for a delivery report.
    public var pendingReceipts = 0
    /// Unconfirmed receipts kept in memory only (the outbox journal cannot be written).
    public var unsavedReceipts = 0
    /// Why receipts are not saved locally (nil: they are).
    public var notSavedLocally: String?
    /// The last error, in words.
    public var lastError: String?
    /// What to do, shown while the list is empty (no broker, no topics, nothing configured).
    public var hint: String?

    /// Creates an empty status.
    public init() {}
}

/// A question on the prompt line.
public enum Prompt: Sendable, Hashable {
    /// `R`: mark these storage indices read (exactly the rows in view when `R` was pressed).
    case markAllRead(rows: RowList, changing: Int)
    /// `s`: until when to snooze these storage indices; `text` is what was typed.
    case snooze(targets: [Int], text: String)
    /// `m`: what of the notification at this storage index to mute.
    case mute(index: Int, hasThread: Bool)
    /// `A`: which of the notification's actions to run (their labels, in order).
    case runAction(index: Int, labels: [String])
    /// `F`: the query typed so far.
    case filter(text: String)

    /// The question shown.
    public var text: String {
        switch self {
        case .markAllRead(_, let changing):
            return "Mark \(changing) read? y/n"
        case .snooze(let targets, let text):
            let what = targets.count == 1 ? "" : " \(targets.count)"
            return "Snooze\(what) until? (30m 2h 3d tomorrow mon 17:00 2026-12-24) " + text
        case .mute(_, let hasThread):
            return "Mute: " + (hasThread ? "t thread  " : "") + "a actor  k kind  (Esc cancels)"
        case .filter(let text):
            return "Filter (is:unread kind: from: after:2d \"text\" -term OR): " + text
        case .runAction(_, let labels):
            return "Action: " + labels.enumerated().map { "\($0.offset + 1) \(TerminalText.line($0.element, width: 24))" }
                .joined(separator: "  ")
        }
    }
}

/// Incremental search state.
public struct SearchState: Sendable, Hashable {
    /// Whether the user is typing a query (`/` pressed, not yet Enter / Esc).
    public var editing = false
    /// The query being typed.
    public var query = ""
    /// The last committed query, for `n` / `N`.
    public var lastQuery = ""
    /// The cursor row when `/` was pressed (restored on Esc).
    var origin = 0

    /// Creates an idle search.
    public init() {}
}

/// One notification changed by an action, with what it was before (for undo).
struct UndoItem: Sendable, Hashable {
    var id: String
    var kind: Kind
    var source: SourcePosition
    var previous: ReadState
    var previousUntil: Int64?
    var storageIndex: Int
}

