/// The kind of a notification: which of a user's topics it came from.
///
/// The three standard kinds are `group`, `owner` and `watching`; a topic pattern can
/// bring in kinds created later, so a kind is an open set of lower-case names.
public struct Kind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kind's name as it appears in topic names and JSON (`owner`).
    public let rawValue: String

    /// Creates a kind from its name; the name is lower-cased.
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }

    /// Something shared with a group the user is in.
    public static let group = Kind(rawValue: "group")
    /// Activity on things the user owns.
    public static let owner = Kind(rawValue: "owner")
    /// Things the user follows.
    public static let watching = Kind(rawValue: "watching")
    /// The three standard kinds in display order (keys 1, 2, 3).
    public static let standard: [Kind] = [.group, .owner, .watching]

    /// A capitalised name for headers (`Owner`).
    public var displayName: String {
        guard let first = rawValue.first else { return "?" }
        return first.uppercased() + rawValue.dropFirst()
    }

    public var description: String { rawValue }

    /// The one rule for kind names, wherever a kind comes from (a message, a flag, the config
    /// file): a short plain name, `[A-Za-z0-9._-]{1,64}`, so a kind can never carry terminal
    /// controls and always fits a topic name.
    public static func isValidName(_ text: String) -> Bool { isValidName(bytes: text.utf8) }

    /// `isValidName` of a name's UTF-8 bytes.
    public static func isValidName<C: Collection<UInt8>>(bytes u: C) -> Bool {
        !u.isEmpty && u.count <= 64 && u.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D
        }
    }

    /// What `isValidName` accepts, in words (for error messages).
    public static let nameRule = "1 to 64 letters, digits, '.', '_' or '-'"

    /// Standard kinds sort in their display order, others after them by name.
    public static func < (lhs: Kind, rhs: Kind) -> Bool {
        let l = standard.firstIndex(of: lhs) ?? Int.max
        let r = standard.firstIndex(of: rhs) ?? Int.max
        return l != r ? l < r : lhs.rawValue < rhs.rawValue
    }
}
