/// The read state of one notification, as the latest receipt for its id says.
public enum ReadState: String, Sendable, Hashable, CaseIterable, Codable {
    /// No receipt, or the latest receipt is `unread`.
    case unread
    /// The latest receipt is `read`.
    case read
    /// The latest receipt is `acknowledged` (done).
    case acknowledged
}

/// Which notifications a view shows.
public enum InboxView: String, Sendable, Hashable, CaseIterable {
    /// Unread notifications only (the default view).
    case unread
    /// Every notification, whatever its state.
    case all
    /// Acknowledged notifications.
    case done

    /// Whether a notification in `state` belongs to this view.
    public func contains(_ state: ReadState) -> Bool {
        switch self {
        case .unread: return state == .unread
        case .all: return true
        case .done: return state == .acknowledged
        }
    }

    /// The view after this one when cycling (`v`).
    public var next: InboxView {
        switch self {
        case .unread: return .all
        case .all: return .done
        case .done: return .unread
        }
    }

    /// A capitalised name for headers.
    public var displayName: String {
        switch self {
        case .unread: return "Unread"
        case .all: return "All"
        case .done: return "Done"
        }
    }
}
