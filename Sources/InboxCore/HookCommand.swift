/// A command the user configured to run when a matching notification arrives live
/// (`[[hooks]]` in the config file), and how it is filled in for one notification.
///
/// The command is an argv run without a shell. In every element but `argv[0]`, these
/// placeholders are replaced by the notification's fields: `{id}`, `{kind}`, `{title}`,
/// `{body}`, `{actor}`, `{url}`, `{object}` (`type:id`), `{created_at}` (ISO 8601, UTC),
/// `{topic}`. `{{` stands for a literal `{`; any other `{…}` is left as is. A missing
/// field is the empty string.
///
/// Every value (in argv and in the environment) is sanitised first: control characters,
/// escape sequences and bidi controls are shown escaped (`TerminalText.sanitize`, newlines
/// and tabs become spaces), and it is cut to `maxValueBytes` UTF-8 bytes at a character
/// boundary. A value is otherwise passed as sent: one starting with `-` is *not* altered.
/// With no shell there is no injection, but a value substituted as a whole argument can
/// look like an option to the command: write `--` before it, or use a form like
/// `--title={title}`, when the command parses options after its placeholders.
public struct HookCommand: Sendable, Hashable {
    /// The argv as configured, placeholders unexpanded; `run[0]` is the program.
    public var run: [String]
    /// The longest value substituted or exported, in UTF-8 bytes.
    public static let maxValueBytes = 1024

    /// The placeholder names `expand` knows, in the order of the documentation.
    public static let placeholders = ["id", "kind", "title", "body", "actor", "url", "object", "created_at", "topic"]

    /// Creates a hook.
    public init(run: [String]) {
        self.run = run
    }

    /// The argv to run for `n` (placeholders replaced in all but `argv[0]`) and the
    /// variables to add to the child's environment: `KAFKA_INBOX_ID`, `_KIND`, `_TITLE`,
    /// `_URL`, `_ACTOR`, `_BODY`, `_OBJECT`, `_CREATED_AT` and `_TOPIC`, all sanitised as
    /// above (the caller adds them to its own environment).
    public func expand(for n: Notification) -> (argv: [String], environment: [String: String]) {
        let values = Self.values(for: n)
        var argv = run
        for i in argv.indices.dropFirst() where argv[i].contains("{") {
            argv[i] = Self.substitute(argv[i], values)
        }
        var environment: [String: String] = [:]
        for (name, value) in values {
            environment["KAFKA_INBOX_" + name.uppercased()] = value
        }
        return (argv, environment)
    }

    /// The sanitised value of every placeholder for `n`.
    static func values(for n: Notification) -> [String: String] {
        let object: String
        switch (n.objectType, n.objectID) {
        case (nil, nil): object = ""
        case let (type, id): object = "\(type ?? ""):\(id ?? "")"
        }
        let raw: [String: String] = [
            "id": n.id,
            "kind": n.kind.rawValue,
            "title": n.title,
            "body": n.body ?? "",
            "actor": n.actor ?? "",
            "url": n.url ?? "",
            "object": object,
            "created_at": Timestamps.iso8601(ms: n.createdAtMs),
            "topic": n.source.topic,
        ]
        return raw.mapValues(sanitize)
    }

    /// `text` made safe to pass on: sanitised for a terminal, then cut to `maxValueBytes`.
    public static func sanitize(_ text: String) -> String {
        let clean = TerminalText.sanitize(text)
        guard clean.utf8.count > maxValueBytes else { return clean }
        var out = ""
        var used = 0
        for c in clean {
            let size = c.utf8.count
            if used + size > maxValueBytes { break }
            out.append(c)
            used += size
        }
        return out
    }

    /// `template` with its known placeholders replaced and `{{` turned into `{`.
    static func substitute(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            if afterOpen < rest.endIndex, rest[afterOpen] == "{" {
                out += "{"
                rest = rest[rest.index(after: afterOpen)...]
                continue
            }
            if let close = rest[afterOpen...].firstIndex(of: "}"),
               let value = values[String(rest[afterOpen..<close])] {
                out += value
                rest = rest[rest.index(after: close)...]
            } else {
                out += "{"  // not a placeholder: kept, and what follows is scanned again
                rest = rest[afterOpen...]
            }
        }
        return out + rest
    }
}
