import InboxEvents
import InboxSystem
import InboxCore
@testable import InboxTUI

/// Shared test data: a fixed clock and small notifications.
enum Fixture {
    /// 2026-11-25 14:00:00Z.
    static let now: Int64 = 1_795_615_200_000
    static let minute: Int64 = 60_000

    static func note(_ id: String, kind: Kind = .owner, minutesAgo: Int64 = 1, title: String? = nil,
                     actor: String? = "bob", body: String? = nil, url: String? = nil,
                     offset: Int64 = 0) -> Notification {
        Notification(id: id, kind: kind, title: title ?? "title \(id)", body: body, actor: actor, url: url,
                     createdAtMs: now - minutesAgo * minute,
                     source: SourcePosition(topic: "notify.alice.\(kind)", partition: 0, offset: offset))
    }

    static func receipt(_ type: ReceiptType, _ id: String) -> Receipt {
        Receipt(type: type, receiptID: "r-\(id)-\(type)", notificationID: id, user: "alice", kind: nil,
                at: "2026-11-25T14:00:00.000Z", client: "other-terminal", source: nil)
    }

    /// A model holding `notes`, caught up and connected.
    static func model(_ notes: [Notification], markReadOnOpen: Bool = true) -> InboxModel {
        var model = InboxModel(markReadOnOpen: markReadOnOpen)
        model.apply([.arrived(notes), .catchUp(loaded: notes.count, total: notes.count, done: true),
                     .connection(.up("localhost:9092"))])
        return model
    }

    /// Five owner/group/watching notifications, a newest (1 min) to e oldest (5 min).
    static func five() -> InboxModel {
        model([note("a", kind: .group, minutesAgo: 1), note("b", kind: .owner, minutesAgo: 2),
               note("c", kind: .watching, minutesAgo: 3), note("d", kind: .owner, minutesAgo: 4),
               note("e", kind: .group, minutesAgo: 5)])
    }

    static func render(_ model: InboxModel, rows: Int = 10, cols: Int = 40) -> CellGrid {
        InboxRenderer().render(model, rows: rows, cols: cols, nowMs: now).0
    }

    /// Ids of the rows in view, top to bottom.
    static func ids(_ model: InboxModel) -> [String] {
        model.rows.indices.map { model.notification(atRow: $0).id }
    }

    /// Receipt requests sent by `effects`, as "type:id".
    static func sent(_ effects: [ModelEffect]) -> [String] {
        effects.flatMap { effect -> [String] in
            if case .send(let requests) = effect { return requests.map { "\($0.type.rawValue):\($0.notificationID)" } }
            return []
        }
    }
}

extension InboxModel {
    /// Presses keys given as a string of characters.
    mutating func type(_ keys: String) -> [ModelEffect] {
        keys.flatMap { handle(.char($0)) }
    }
}
