import InboxCore

/// InboxCore's notification, not Foundation's.
typealias Notification = InboxCore.Notification
