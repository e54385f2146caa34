import Foundation

/// An action the producer offers with a notification (`"actions": [{"id": "approve",
/// "label": "Approve"}, {"id": "open", "label": "Open graph", "url": "https://…"}]`): a URL
/// action opens the browser, any other is answered with an `action` event on the receipts topic.
public struct NotificationAction: Sendable, Hashable {
    /// The field that carries the actions.
    public static let field = "actions"
    /// At most this many actions are read (`A` + a digit runs one).
    public static let limit = 9

    /// The producer's id for the action (what the `action` event names).
    public var id: String
    /// What the preview shows; the id when the producer gave none.
    public var label: String
    /// For a link: where it goes (http or https only, as `o` opens).
    public var url: String?

    /// Creates an action.
    public init(id: String, label: String, url: String? = nil) {
        self.id = id
        self.label = label
        self.url = url
    }

    /// The actions of `n`, in the order sent: entries without an id, and ids after the
    /// first `limit` distinct ones, are left out; an id may be a string or a number.
    public static func list(of n: Notification) -> [NotificationAction] {
        list(extra: n.extra)
    }

    /// The actions in a notification's extra fields (see `list(of:)`).
    public static func list(extra: [ExtraField]) -> [NotificationAction] {
        guard let field = extra.first(where: { $0.key == field }), field.isJSON,
              let array = (try? JSONSerialization.jsonObject(with: Data(field.value.utf8), options: [.fragmentsAllowed])) as? [Any]
        else { return [] }
        var out: [NotificationAction] = []
        var seen = Set<String>()
        for case let item as [String: Any] in array {
            guard let id = text(item["id"]), !id.isEmpty, seen.insert(id).inserted else { continue }
            let label = text(item["label"]).flatMap { $0.isEmpty ? nil : $0 } ?? id
            out.append(NotificationAction(id: id, label: label, url: text(item["url"]).flatMap { $0.isEmpty ? nil : $0 }))
            if out.count == limit { break }
        }
        return out
    }

    /// The action of `n` whose id is `id`, if it offers one.
    public static func find(_ id: String, in n: Notification) -> NotificationAction? {
        list(of: n).first { $0.id == id }
    }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let b as Bool where type(of: value!) == Bool.self: return b ? "true" : "false"
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}
