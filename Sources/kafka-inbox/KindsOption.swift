import ArgumentParser
import InboxCore

/// `--kinds group,owner`: which kinds to read.
struct KindsOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only these kinds, comma-separated (group, owner, watching, …).", valueName: "list"))
    var kinds: String?

    /// The kinds asked for, or nil for all.
    var parsed: [Kind]? {
        guard let kinds else { return nil }
        return kinds.split(separator: ",").map { Kind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    }

    func validate() throws {
        guard let list = parsed else { return }
        if list.isEmpty { throw ValidationError("--kinds needs at least one kind, e.g. --kinds group,owner") }
        for k in list where !Kind.isValidName(k.rawValue) {
            throw ValidationError("--kinds: '\(k.rawValue)' is not a kind name (\(Kind.nameRule))")
        }
    }
}

/// `--unread | --all | --done`.
enum ViewFlag: String, EnumerableFlag {
    case unread, all, done, snoozed

    var view: InboxView {
        switch self {
        case .unread: return .unread
        case .all: return .all
        case .done: return .done
        case .snoozed: return .snoozed
        }
    }

    static func help(for value: ViewFlag) -> ArgumentHelp? {
        switch value {
        case .unread: return "Unread notifications."
        case .all: return "Every notification, with its state."
        case .snoozed: return "Snoozed notifications, with when they come back."
        case .done: return "Acknowledged notifications."
        }
    }
}
