/// A `[[views]]` entry: a named query shown as a tab in the inbox.
public struct SavedView: Sendable, Hashable {
    /// The tab's name.
    public var name: String
    /// What the tab shows.
    public var query: InboxQuery

    /// Creates a view.
    public init(name: String, query: InboxQuery) {
        self.name = name
        self.query = query
    }
}
