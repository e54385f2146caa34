import InboxCore

/// One `[keys]` entry as written: a key name, an action name, and the line it is on.
public struct KeySetting: Sendable, Hashable {
    /// The key, as written (`x`, `ctrl-r`).
    public var key: String
    /// The action, as written (`mark-read`).
    public var action: String
    /// `config file … line N`.
    public var origin: String
}

/// One `[theme]` entry as written: an element, a colour, and the line it is on.
public struct ThemeSetting: Sendable, Hashable {
    /// The element (`header`, `unread`, `kind-owner`, …).
    public var element: String
    /// The colour (`red`, `bright-blue`, `208`, `#ff8800`).
    public var color: String
    /// `config file … line N`.
    public var origin: String
}

extension Settings {
    /// `[theme]`: element = colour, checked by the inbox's theme.
    static func readTheme(_ file: TOMLSubset, origin: String) throws(ServiceError) -> [ThemeSetting] {
        var out: [ThemeSetting] = []
        for (path, value) in file.values where path.first == "theme" {
            let place = file.lines[path].map { "\(origin) line \($0)" } ?? origin
            guard path.count == 2, case .string(let color) = value else {
                throw configError("\(place): [theme] takes element = \"colour\", e.g. header = \"#5f87ff\"")
            }
            out.append(ThemeSetting(element: path[1], color: color, origin: place))
        }
        return out.sorted { $0.origin < $1.origin }
    }

    /// `[[views]]` (name and query, the query parsed) and `[keys]` (checked by the inbox's key map).
    static func readViews(_ file: TOMLSubset, origin: String) throws(ServiceError) -> (views: [SavedView], keys: [KeySetting]) {
        func line(_ path: [String]) -> String { file.lines[path].map { "\(origin) line \($0)" } ?? origin }
        var views: [SavedView] = []
        let numbers = file.lines.keys.filter { $0.count == 2 && $0[0] == "views" }.map { $0[1] }.sorted { Int($0) ?? 0 < Int($1) ?? 0 }
        for n in numbers {
            let keys = file.values.keys.filter { $0.count == 3 && $0[0] == "views" && $0[1] == n }.map { $0[2] }
            if let bad = keys.first(where: { $0 != "name" && $0 != "query" }) {
                throw configError("\(line(["views", n, bad])): views[\(n)] has no setting '\(bad)': a view has name = \"…\" and query = \"…\"")
            }
            guard case .string(let name)? = file["views", n, "name"], !name.isEmpty, TerminalText.sanitize(name) == name,
                  TerminalText.width(name) <= 24 else {
                throw configError("\(line(["views", n])): views[\(n)] needs name = \"…\" (printable, at most 24 columns)")
            }
            guard case .string(let text)? = file["views", n, "query"] else {
                throw configError("\(line(["views", n])): views[\(n)] needs query = \"…\", e.g. query = \"is:unread kind:owner -from:ci-bot\"")
            }
            do throws(QueryError) { views.append(SavedView(name: name, query: try InboxQuery(text))) } catch {
                throw configError("\(line(["views", n, "query"])): views[\(n)].query: \(TerminalText.sanitize(error.description))")
            }
        }
        var keys: [KeySetting] = []
        for (path, value) in file.values where path.first == "keys" {
            guard path.count == 2, case .string(let action) = value else {
                throw configError("\(line(path)): [keys] takes key = \"action\", e.g. x = \"mark-read\"")
            }
            keys.append(KeySetting(key: path[1], action: action, origin: line(path)))
        }
        keys.sort { $0.origin < $1.origin }
        return (views, keys)
    }
}
