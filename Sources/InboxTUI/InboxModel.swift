import InboxEvents
import InboxCore

/// The inbox state machine: everything the screen shows, driven by keys and events,
/// with no terminal attached (tests drive it directly).
///
/// The visible rows are storage indices of `inbox`, newest first. The cursor follows a
/// notification id, so it stays on the same notification when rows are inserted above it
/// or the list is rebuilt; when its row leaves the view it moves to the next row.
public struct InboxModel: Sendable {
    /// The notifications and their states.
    public internal(set) var inbox: Inbox
    /// The current view (Unread by default).
    public internal(set) var view: InboxView = .unread
    /// The kind filter; nil shows every kind.
    public internal(set) var kindFilter: Kind?
    /// Storage indices of the rows in view, newest first (shared with the inbox's sorted
    /// list for the view, so switching views or filters copies nothing).
    public internal(set) var rows = RowList()
    /// The cursor's row index in `rows`.
    public internal(set) var cursor = 0
    /// The first row shown in the list.
    public internal(set) var scroll = 0
    /// Ids of tagged rows (always rows in view).
    public internal(set) var tags: Set<String> = []
    /// Incremental search state.
    public internal(set) var search = SearchState()
    /// Whether the preview pane is shown.
    public internal(set) var previewShown = false
    /// Lines scrolled in the preview.
    public internal(set) var previewScroll = 0
    /// Whether the help screen is shown.
    public internal(set) var helpShown = false
    /// Lines scrolled in the help screen.
    public internal(set) var helpScroll = 0
    /// The open question, if any.
    public internal(set) var prompt: Prompt?
    /// Connection, catch-up, pending receipts, last error.
    public internal(set) var status = StatusInfo()
    /// A one-shot message for the prompt line (cleared by the next key).
    public var message: String?
    /// Whether Enter (and Space on a closed preview) marks the notification read.
    public var markReadOnOpen: Bool
    /// The key map (also the source of the help screen).
    public let keyMap: KeyMap
    /// How many undo levels are kept.
    public static let undoLimit = 50

    var cursorID: String?
    /// Set by the first key press. While catching up, until then, the cursor stays on the
    /// newest row instead of following the first notification that happened to arrive.
    var userActed = false
    var pinned: (id: String, storage: Int)?
    var undoStack: [[UndoItem]] = []
    var listHeight = 10
    /// The last frame's layout (where the mouse lands).
    var layout = RenderLayout(listHeight: 10)
    var previewPage = 5
    var previewMaxScroll = Int.max
    var helpMaxScroll = Int.max
    /// Results of the queries typed since `/` (see `incremental()`); dropped when rows change.
    var searchMatches: [SearchMatches] = []
    var originID: String?

    /// The kinds the header counts and keys 1, 2, 3 select, in order (the configured ones).
    public let kinds: [Kind]
    /// Rules and filter compilation for triage.
    public let triage: TriageConfig
    /// The wall clock (ms since the epoch); tests set it.
    public var clock: @Sendable () -> Int64 = { Timestamps.nowMs() }
    /// The saved views (`[[views]]`), shown as tabs.
    public internal(set) var savedViews: [SavedView] = []
    /// The tab in view (an index into `savedViews`); nil: a built-in view.
    public internal(set) var tab: Int? { didSet { if filterQuery != nil { applyFilterQuery() } } }
    /// Whether the threaded view (`=`) is on.
    public internal(set) var threaded = false
    /// The thread opened from the threaded view, if any.
    public internal(set) var openThread: String?
    /// In the threaded view: the members of each thread in view, newest first.
    var threadMembers: [String: [Int]] = [:]
    /// The ad-hoc filter (`F`), within the view or tab; nil: none.
    public internal(set) var filterQuery: InboxQuery?
    /// Whether live arrivals are handed to the host (`ModelEffect.arrived`) for hooks and alerts.
    public var announceArrivals = false
    /// New rows that rules must see once the receipts are read (catch-up).
    var pendingRuleRows: [Int] = []
    /// When `tick` last looked at timed mutes.
    var lastMuteCheck: Int64?

    /// Creates a model over `inbox` showing the Unread view of every kind; `kinds` are the
    /// configured kinds (the header and keys 1, 2, 3 follow them).
    public init(inbox: Inbox = Inbox(), keyMap: KeyMap = .standard, markReadOnOpen: Bool = true, kinds: [Kind] = Kind.standard,
                triage: TriageConfig = TriageConfig(), views: [SavedView] = []) {
        self.inbox = inbox
        self.kinds = kinds.isEmpty ? Kind.standard : kinds
        self.keyMap = keyMap
        self.markReadOnOpen = markReadOnOpen
        self.triage = triage
        savedViews = views
        if !views.isEmpty { self.inbox.setQueries(views.map(\.query)) }
        self.inbox.applyTagRules(triage.rules, to: 0..<inbox.count)
        if !inbox.mutes.isEmpty { self.inbox.refreshMutes(nowMs: Timestamps.nowMs(), filter: triage.filterMatches) }
        // Rows restored from a snapshot meet the rules too, once the receipts are read (as in `list`).
        if !triage.rules.isEmpty { pendingRuleRows = (0..<inbox.count).filter { !inbox.isDecided(at: $0) } }
        rebuildRows()
    }

    /// The notification under the cursor, if the view is not empty.
    public var cursorNotification: Notification? {
        rows.indices.contains(cursor) ? inbox.notification(at: rows[cursor]) : nil
    }

    /// The notification shown in row `row` of the view.
    public func notification(atRow row: Int) -> Notification {
        inbox.notification(at: rows[row])
    }

    /// Whether row `row` is tagged.
    public func isTagged(row: Int) -> Bool {
        !tags.isEmpty && tags.contains(inbox.id(at: rows[row]))
    }

    /// Takes what the last frame's layout measured: list height (for paging and
    /// scrolling) and how far the preview and help can scroll.
    public mutating func updateLayout(_ layout: RenderLayout) {
        listHeight = max(1, layout.listHeight)
        previewPage = max(1, layout.previewHeight - 1)
        previewMaxScroll = max(0, layout.previewMaxScroll)
        self.layout = layout
        helpMaxScroll = max(0, layout.helpMaxScroll)
        previewScroll = min(previewScroll, previewMaxScroll)
        helpScroll = min(helpScroll, helpMaxScroll)
        ensureVisible()
    }

    /// Applies events from the queue, in order; the screen reflects them on the next render.
    /// Returns what the host must do: receipts that rules made, live arrivals to alert on.
    @discardableResult
    public mutating func apply(_ events: [InboxEvent]) -> [ModelEffect] {
        var changed = false
        let catchingUp = !status.caughtUp
        var arrivals = Arrivals()
        for event in events {
            switch event {
            case .notifications(let batch):
                insertArrivals(batch, into: &arrivals)
                changed = true
            case .receipts(let list):
                for receipt in list where applyReceipt(receipt, into: &arrivals) { changed = true }
            case .connection(let state):
                status.connection = state
            case .catchUp(let loaded, let total, let done):
                // Room for what catch-up brings (the total counts receipts too, which leaves
                // headroom for live growth), so that no table of the inbox grows (rehashing
                // every id, a stall of a frame) during catch-up.
                if !done, let total, total > 0 { inbox.reserveCapacity(total) }
                status.loaded = loaded
                status.total = total
                if done && !status.caughtUp {
                    arrivals.caughtUpNow = true
                    // Headroom for live growth: growing the id table rehashes every id, a stall
                    // of 100+ ms at a million; with room for half as many again it comes rarely.
                    inbox.reserveIDCapacity(inbox.count + inbox.count / 2 + 10_000)
                }
                status.caughtUp = done
            case .pendingReceipts(let count):
                status.pendingReceipts = count
            case .unsavedReceipts(let count, let why):
                status.unsavedReceipts = count
                status.notSavedLocally = why
            case .error(let text):
                status.lastError = text
            case .notice(let text):
                message = text
            case .hint(let text):
                status.hint = text
            case .resetInbox:
                inbox = Inbox()
                if !savedViews.isEmpty { inbox.setQueries(savedViews.map(\.query)) }
                filterQuery = nil
                prompt = nil  // it held storage indices of the old inbox
                tags = []
                undoStack = []
                pinned = nil
                pendingRuleRows = []
                changed = true
            }
        }
        let effects = finishArrivals(&arrivals)
        if arrivals.changed { changed = true }
        if changed && catchingUp && !userActed && cursor == 0 { cursorID = nil }
        if changed { refreshRows() } else { relocateCursor() }
        return effects
    }

    /// Handles one key press; returns what the host must do (send receipts, quit, …).
    public mutating func handle(_ key: Key) -> [ModelEffect] {
        message = nil
        if key == .resize { return [] }
        userActed = true
        if case .mouse(let row, let col, let kind) = key { return handleMouse(row: row, col: col, kind: kind) }
        if helpShown { return helpKey(key) }
        if let prompt { return answer(prompt, key) }
        if search.editing { searchInput(key); return [] }
        guard let action = keyMap.action(for: key) else { return [] }
        return perform(action)
    }

    /// Performs one action as if its key had been pressed.
    public mutating func perform(_ action: Action) -> [ModelEffect] {
        switch action {
        case .moveDown: moveCursor(to: cursor + 1)
        case .moveUp: moveCursor(to: cursor - 1)
        case .first: moveCursor(to: 0)
        case .last: moveCursor(to: rows.count - 1)
        case .pageDown: moveCursor(to: cursor + listHeight)
        case .pageUp: moveCursor(to: cursor - listHeight)
        case .open: if openThreadRow() { return [] } else { return open() }
        case .openThread: _ = openThreadRow()
        case .toggleThreads: toggleThreads()
        case .scrollPreview:
            if !previewShown { return open() }
            previewScroll = min(previewScroll + previewPage, previewMaxScroll)
        case .togglePreview:
            previewShown.toggle()
            previewScroll = 0
            if !previewShown { releasePin(force: true) }
        case .markRead: return mark(.read)
        case .markUnread: return mark(.unread)
        case .acknowledge: return mark(.acknowledged)
        case .markAllRead: askMarkAllRead()
        case .tag: toggleTag()
        case .tagAll: toggleTagAll()
        case .undo: return undo()
        case .search: beginSearch()
        case .searchNext: searchAgain(forward: true)
        case .searchPrevious: searchAgain(forward: false)
        case .filterGroup: if kinds.count > 0 { setFilter(kinds[0]) }
        case .filterOwner: if kinds.count > 1 { setFilter(kinds[1]) }
        case .filterWatching: if kinds.count > 2 { setFilter(kinds[2]) }
        case .filterAllKinds: setFilter(nil)
        case .cycleView: tab = nil; setView(view.next)
        case .nextTab, .previousTab: switchTab(forward: action == .nextTab)
        case .openURL: return openURL()
        case .copy:
            if let n = cursorNotification { return [.copy(n.url ?? n.id)] }
        case .help:
            helpShown = true
            helpScroll = 0
        case .close:
            if previewShown {
                previewShown = false
                releasePin(force: true)
            } else if closeThread() {
            } else if !tags.isEmpty {
                tags.removeAll()
            } else if filterQuery != nil {
                setFilterQuery(nil)
            }
        case .quit: return [.quit]
        case .snooze: askSnooze()
        case .mute: askMute()
        case .runAction: askAction()
        case .filterQuery: prompt = .filter(text: filterQuery?.text ?? "")
        }
        return []
    }
}
