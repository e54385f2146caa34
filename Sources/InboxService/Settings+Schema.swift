import InboxCore
import InboxFeed

extension Settings {
    /// `groups = [...]`, `[schema]` and `[schema.<kind>]` of the config file.
    static func readSchema(_ file: TOMLSubset, origin: String) throws(ServiceError) -> (groups: [String], schema: SchemaConfig?) {
        var groups: [String] = []
        if let v = file["groups"] {
            guard case .array(let items) = v, items.allSatisfy({ if case .array = $0 { return false } else { return true } }) else {
                throw configError("\(origin): groups must be an array of strings, e.g. groups = [\"sre\", \"42\"]")
            }
            groups = items.map(\.text)
        }
        var schema = SchemaConfig()
        var any = false
        for (path, value) in file.values where path.first == "schema" {
            guard case .string(let text) = value else {
                throw configError("\(origin): \(path.joined(separator: ".")) must be a jq expression in quotes, e.g. title = '.msg'")
            }
            any = true
            if path.count == 2 {
                schema.expressions[path[1]] = text
            } else {
                schema.overrides[path[1], default: [:]][path[2]] = text
            }
        }
        return (groups, any ? schema : nil)
    }

    /// With a schema: every expression compiles (a syntax error names the key and gives jq's
    /// message), the layout remembers the mapping. Shared notification topics need `for_me`.
    static func checkSchema(_ schema: SchemaConfig?, groups: [String], layout: inout TopicLayout, user: String,
                            origin: String) throws(ServiceError) {
        if layout.notificationsShared && schema?.expressions["for_me"] == nil {
            throw configError("topics.notifications '\(layout.notificationTemplate)' is shared by everyone (no {user} in it): "
                + "add [schema] for_me = '<jq>' to pick out your notifications, e.g. for_me = '.to == $user' (in \(origin))")
        }
        if let shared = layout.patterns.first(where: { !$0.contains("{user}") }), schema?.expressions["for_me"] == nil {
            throw configError("topics.patterns '\(shared)' matches everyone's topics (no {user} in it): "
                + "add [schema] for_me = '<jq>' to pick out your notifications (in \(origin))")
        }
        guard let schema else { return }
        if schema.expressions["title"] == nil && schema.expressions["body"] == nil && schema.overrides.values.allSatisfy({ $0["title"] == nil && $0["body"] == nil }) {
            throw configError("\(origin): [schema] gives neither title nor body, so every message would be malformed: add e.g. title = '.msg'")
        }
        let kinds = Set(layout.kinds.map(\.rawValue))
        if schema.expressions["kind"] == nil, layout.patterns.isEmpty, let stray = schema.overrides.keys.sorted().first(where: { !kinds.contains($0) }) {
            throw configError("\(origin): [schema.\(stray)] is for a kind that is not read (topics.kinds is "
                + "\(layout.kinds.map(\.rawValue).joined(separator: ", ")), and no [schema] kind expression gives kinds): a typo?")
        }
        do { _ = try MessageMapper(schema: schema, user: user, groups: groups) } catch {
            throw configError("\(origin): \(error)")
        }
        layout.mapping = schema.fingerprint + "\u{1E}" + groups.joined(separator: "\u{1F}")
    }
}
