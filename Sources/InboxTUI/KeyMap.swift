import InboxCore

/// What a key does in the list (mutt / vim / aerc habits).
public enum Action: String, Sendable, Hashable, CaseIterable {
    case moveDown, moveUp, first, last, pageDown, pageUp
    case open, scrollPreview, togglePreview
    case markRead, markUnread, acknowledge, markAllRead
    case tag, tagAll, undo
    case search, searchNext, searchPrevious
    case filterGroup, filterOwner, filterWatching, filterAllKinds
    case cycleView, openURL, copy, help, close, quit
    case snooze, mute, runAction
    case nextTab, previousTab, filterQuery, toggleThreads, openThread
}

/// One binding: the keys, the action, and the words the help screen shows.
public struct KeyBinding: Sendable, Hashable {
    /// Keys that trigger the action.
    public var keys: [Key]
    /// The action.
    public var action: Action
    /// A short description for the help screen.
    public var help: String

    /// Creates a binding.
    public init(_ keys: [Key], _ action: Action, _ help: String) {
        self.keys = keys
        self.action = action
        self.help = help
    }
}

/// The key map: the one source of truth for both key handling and the help screen.
public struct KeyMap: Sendable {
    /// Bindings in help-screen order.
    public let bindings: [KeyBinding]
    private let byKey: [Key: Action]

    /// Creates a key map; a key bound twice keeps its first binding.
    public init(bindings: [KeyBinding]) {
        self.bindings = bindings
        var map: [Key: Action] = [:]
        for binding in bindings {
            for key in binding.keys where map[key] == nil { map[key] = binding.action }
        }
        byKey = map
    }

    /// The action bound to `key`, if any.
    public func action(for key: Key) -> Action? { byKey[key] }

    /// Help lines: keys, padded to a column, then the description.
    /// `kinds`: the configured kinds, which keys 1, 2, 3 select (their help names them).
    public func helpLines(kinds: [Kind] = Kind.standard) -> [String] {
        let names = bindings.map { $0.keys.map(\.description).joined(separator: " ") }
        let column = min(20, (names.map(CellGrid.width).max() ?? 0) + 2)
        let byPosition: [Action: Int] = [.filterGroup: 0, .filterOwner: 1, .filterWatching: 2]
        return zip(names, bindings).compactMap { name, binding in
            var help = binding.help
            if let i = byPosition[binding.action] {
                guard i < kinds.count else { return nil }
                help = "\(kinds[i].displayName) only"
            }
            let pad = max(1, column - CellGrid.width(name))
            return name + String(repeating: " ", count: pad) + help
        }
    }

    /// The default bindings (mutt / vim / aerc habits).
    public static let standard = KeyMap(bindings: [
        KeyBinding([.char("j"), .down], .moveDown, "move down"),
        KeyBinding([.char("k"), .up], .moveUp, "move up"),
        KeyBinding([.char("g"), .home], .first, "first"),
        KeyBinding([.char("G"), .end], .last, "last"),
        KeyBinding([.pageDown, .ctrl("d")], .pageDown, "page down"),
        KeyBinding([.pageUp, .ctrl("u")], .pageUp, "page up"),
        KeyBinding([.enter], .open, "open preview (marks read)"),
        KeyBinding([.char(" ")], .scrollPreview, "open / scroll preview"),
        KeyBinding([.char("p")], .togglePreview, "toggle preview"),
        KeyBinding([.char("r")], .markRead, "mark read (cursor or tagged)"),
        KeyBinding([.char("u")], .markUnread, "mark unread"),
        KeyBinding([.char("a"), .char("e")], .acknowledge, "acknowledge (done)"),
        KeyBinding([.char("R")], .markAllRead, "mark all in view read"),
        KeyBinding([.char("t")], .tag, "tag / untag"),
        KeyBinding([.char("T")], .tagAll, "tag / untag all in view"),
        KeyBinding([.char("z")], .undo, "undo last action"),
        KeyBinding([.char("s")], .snooze, "snooze (asks until when)"),
        KeyBinding([.char("m")], .mute, "mute thread / actor / kind"),
        KeyBinding([.char("A")], .runAction, "run an action of the producer (+ digit)"),
        KeyBinding([.char("/")], .search, "search"),
        KeyBinding([.char("=")], .toggleThreads, "threads on / off"),
        KeyBinding([.char("l")], .openThread, "open the thread (Esc goes back)"),
        KeyBinding([.char("F")], .filterQuery, "filter with a query (Enter applies, Esc clears)"),
        KeyBinding([.char("n")], .searchNext, "next match"),
        KeyBinding([.char("N")], .searchPrevious, "previous match"),
        KeyBinding([.char("1")], .filterGroup, "Group only"),
        KeyBinding([.char("2")], .filterOwner, "Owner only"),
        KeyBinding([.char("3")], .filterWatching, "Watching only"),
        KeyBinding([.char("0")], .filterAllKinds, "all kinds"),
        KeyBinding([.tab, .char("]")], .nextTab, "next saved view (tab)"),
        KeyBinding([.backTab, .char("[")], .previousTab, "previous saved view (tab)"),
        KeyBinding([.char("v")], .cycleView, "view Unread/All/Done/Snoozed"),
        KeyBinding([.char("o")], .openURL, "open URL"),
        KeyBinding([.char("y")], .copy, "copy id / URL"),
        KeyBinding([.char("?")], .help, "help"),
        KeyBinding([.escape], .close, "close preview / cancel"),
        KeyBinding([.char("q")], .quit, "quit"),
    ])
}
