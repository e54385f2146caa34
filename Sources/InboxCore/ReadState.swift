/// The read state of one notification, as the latest receipt for its id says.
public enum ReadState: String, Sendable, Hashable, CaseIterable, Codable {
    /// No receipt, or the latest receipt is `unread`, or a snooze that has ended.
    case unread
    /// The latest receipt is `read`.
    case read
    /// The latest receipt is `acknowledged` (done).
    case acknowledged
    /// The latest receipt is `snoozed` and its `until` is still ahead.
    case snoozed
}

/// Where a notification's row belongs: its state, except that an unread notification a
/// mute covers is `muted` (not counted as unread, shown in All only).
public enum RowClass: Int, Sendable, Hashable, CaseIterable {
    case unread, read, acknowledged, snoozed, muted

    /// The class of a notification in `state`, muted or not.
    @inline(__always)
    public init(_ state: ReadState, muted: Bool) {
        switch state {
        case .unread: self = muted ? .muted : .unread
        case .read: self = .read
        case .acknowledged: self = .acknowledged
        case .snoozed: self = .snoozed
        }
    }
}

/// Which notifications a view shows.
public enum InboxView: String, Sendable, Hashable, CaseIterable {
    /// Unread notifications that no mute covers (the default view).
    case unread
    /// Every notification, whatever its state.
    case all
    /// Acknowledged notifications.
    case done
    /// Snoozed notifications, until their time comes.
    case snoozed

    /// The one row class this view holds; nil for All.
    public var rowClass: RowClass? {
        switch self {
        case .unread: return .unread
        case .all: return nil
        case .done: return .acknowledged
        case .snoozed: return .snoozed
        }
    }

    /// Whether a notification of row class `c` belongs to this view.
    public func contains(_ c: RowClass) -> Bool { rowClass.map { $0 == c } ?? true }

    /// Whether a notification in `state`, not muted, belongs to this view.
    public func contains(_ state: ReadState) -> Bool { contains(RowClass(state, muted: false)) }

    /// The view after this one when cycling (`v`).
    public var next: InboxView {
        switch self {
        case .unread: return .all
        case .all: return .done
        case .done: return .snoozed
        case .snoozed: return .unread
        }
    }

    /// A capitalised name for headers.
    public var displayName: String {
        switch self {
        case .unread: return "Unread"
        case .all: return "All"
        case .done: return "Done"
        case .snoozed: return "Snoozed"
        }
    }
}
