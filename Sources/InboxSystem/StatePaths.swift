/// Where kafka-inbox keeps its local state: `$XDG_STATE_HOME/kafka-inbox` (default
/// `~/.local/state/kafka-inbox`). The outbox and the snapshot are per user and cluster:
/// `<prefix>-<user>-<servers, sanitised>-<hash>.<ext>`, where `user` is already a
/// file-name-safe form of the identity (the caller's `Identity.topicSafe`).
public struct StatePaths: Sendable, Hashable {
    /// The directory.
    public let directory: String

    /// The state directory for this environment.
    public init(environment: [String: String]) {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        directory = base + "/kafka-inbox"
    }

    /// The outbox journal of `user` on the cluster at `bootstrap`.
    public func outbox(user: String, bootstrap: String) -> String {
        directory + "/" + Self.fileName("outbox", user: user, bootstrap: bootstrap, ext: "jsonl")
    }

    /// The snapshot of `user` on the cluster at `bootstrap`.
    public func snapshot(user: String, bootstrap: String) -> String {
        directory + "/" + Self.fileName("snapshot", user: user, bootstrap: bootstrap, ext: "bin")
    }

    /// The interactive inbox's log file of `user`.
    public func log(user: String) -> String { directory + "/\(user).log" }

    /// `<prefix>-<user>-<servers, sanitised>-<hash>.<ext>`. The servers are normalised
    /// (`ClusterAddress`); the FNV-1a hash of them keeps names that sanitise alike apart.
    public static func fileName(_ prefix: String, user: String, bootstrap: String, ext: String) -> String {
        let servers = ClusterAddress.normalised(bootstrap)
        let safe = String(servers.unicodeScalars.prefix(60).map { c -> Character in
            c.properties.isASCIIHexDigit || ("a"..."z").contains(c) || c == "." || c == "-" ? Character(c) : "_"
        })
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in servers.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return "\(prefix)-\(user)-\(safe)-\(String(repeating: "0", count: 16 - hex.count) + hex).\(ext)"
    }
}

/// A cluster's bootstrap list in one canonical form.
public enum ClusterAddress {
    /// Servers lower-cased, trimmed and sorted: the same cluster however it is listed.
    public static func normalised(_ bootstrap: String) -> String {
        bootstrap.lowercased().split(separator: ",").map(trimmed).filter { !$0.isEmpty }.sorted().joined(separator: ",")
    }

    private static func trimmed(_ s: Substring) -> String {
        guard let first = s.firstIndex(where: { !$0.isWhitespace }), let last = s.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(s[first...last])
    }
}
