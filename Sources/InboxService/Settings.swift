import Foundation
import InboxCore
import InboxFeed
import InboxSystem
import KafkaKit

/// What the user gave on the command line (or a program in code): the most specific
/// layer of the settings. nil: not given.
public struct SettingsInput: Sendable, Hashable {
    /// Bootstrap brokers, `host:port[,host:port…]`.
    public var brokers: String?
    /// Whose inbox.
    public var user: String?
    /// The config file (default `$XDG_CONFIG_HOME/kafka-inbox/config.toml`, when it exists).
    public var configPath: String?
    /// librdkafka properties as `key=value`.
    public var properties: [String]
    /// Seconds to wait for the cluster.
    public var timeout: Double?

    /// Creates an input.
    public init(brokers: String? = nil, user: String? = nil, configPath: String? = nil, properties: [String] = [],
                timeout: Double? = nil) {
        self.brokers = brokers
        self.user = user
        self.configPath = configPath
        self.properties = properties
        self.timeout = timeout
    }
}

/// Everything a command needs, resolved from flags, environment and the config file
/// (most specific first), each librdkafka property remembering where it came from.
public struct Settings: Sendable {
    /// Whose inbox.
    public var user: String
    /// The topics of the user's notifications and receipts.
    public var layout: TopicLayout
    /// librdkafka properties (bootstrap servers included).
    public var kafka: KafkaConfig
    /// How long to wait for the cluster.
    public var timeoutMs: Int32
    /// Where the config file was read from, if one was.
    public var configPath: String?
    /// `fetch.wait.max.ms` of the reader unless `-X`/the config file set it.
    public var fetchWaitMaxMs: String? = InboxReaderTuning.fetchWaitMaxMs
    /// Where the outbox, the snapshot and the log are kept.
    public var state: StatePaths
    /// The intervals of the feed, the sender and the snapshot.
    public var timings = ServiceTimings.standard
    /// Whether nothing was configured: no config file, no broker from a flag or the
    /// environment (the built-in default is in force).
    public var isUnconfigured = false
    /// The user's teams or groups (`$groups` in the `[schema]` expressions).
    public var groups: [String] = []
    /// How to read a producer's own message shape (nil: the native contract).
    public var schema: SchemaConfig?
    /// Rules, hooks and alerts.
    public var triage = TriageSettings()
    /// Saved views (tabs), in file order.
    public var views: [SavedView] = []
    /// `[keys]` bindings, as written.
    public var keys: [KeySetting] = []
    /// `[theme]` colours, as written.
    public var theme: [ThemeSetting] = []
    /// Whether the inbox takes the mouse (`mouse = false`: no).
    public var mouse = true

    /// Resolves settings for a command.
    public static func resolve(_ options: SettingsInput,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws(ServiceError) -> Settings {
        let (file, path) = try loadConfigFile(explicit: options.configPath, environment: environment)
        var kafka = KafkaConfig()
        kafka.set("log_level", "3")
        kafka.set("client.id", "kafka-inbox")
        // Broker reachability is decided by our own bounded metadata request.
        kafka.set("socket.connection.setup.timeout.ms", "10000")

        var layout = TopicLayout()
        var groups: [String] = []
        var schema: SchemaConfig?
        var triage = TriageSettings()
        var views: [SavedView] = []
        var keys: [KeySetting] = []
        var themeSettings: [ThemeSetting] = []
        var fileOrigin = "the config file"
        var timeout: Double = 10
        var user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "me"
        var userOrigin = "$USER"
        var brokers = "127.0.0.1:9092"
        var brokersOrigin = "built-in default"

        if let file {
            let origin = "config file \(path ?? "")"
            fileOrigin = origin
            try checkKnownKeys(file, origin: origin)
            try checkTypes(file, origin: origin)
            (groups, schema) = try readSchema(file, origin: origin)
            triage = try readTriage(file, origin: origin, environment: environment)
            (views, keys) = try readViews(file, origin: origin)
            themeSettings = try readTheme(file, origin: origin)
            if let v = file["brokers"] { brokers = v.text; brokersOrigin = origin }
            if let v = file["user"] { user = v.text; userOrigin = origin }
            if let v = file["timeout"] {
                guard case .integer(let n) = v, n > 0, n <= 3600 else {
                    throw configError("\(origin): timeout must be a whole number of seconds from 1 to 3600")
                }
                timeout = Double(n)
            }
            if let v = file["topics", "notifications"] { layout.notificationTemplate = v.text }
            if let v = file["topics", "receipts"] { layout.receiptsTemplate = v.text }
            if case .array(let items)? = file["topics", "kinds"] { layout.kinds = items.map { Kind(rawValue: $0.text) } }
            if case .array(let items)? = file["topics", "patterns"] { layout.patterns = items.map(\.text) }
            for (key, value) in file.entries(under: "kafka") { kafka.set(key, value.text, origin: origin) }
        }
        if let v = environment["KAFKA_INBOX_BROKERS"], !v.isEmpty { brokers = v; brokersOrigin = "KAFKA_INBOX_BROKERS" }
        if let v = environment["KAFKA_INBOX_USER"], !v.isEmpty { user = v; userOrigin = "KAFKA_INBOX_USER" }
        if let v = options.brokers { brokers = v; brokersOrigin = "--brokers" }
        if let v = options.user { user = v; userOrigin = "--user" }
        if let v = options.timeout { timeout = v }
        kafka.set("bootstrap.servers", brokers, origin: brokersOrigin)
        for p in options.properties {
            let parts = p.split(separator: "=", maxSplits: 1)
            kafka.set(String(parts[0]), parts.count > 1 ? String(parts[1]) : "", origin: "-X \(parts[0])")
        }
        try checkUserName(user, origin: userOrigin)
        if !layout.notificationTemplate.contains("{kind}") && schema?.expressions["kind"] == nil {
            throw configError("topics.notifications must contain {kind}, got '\(layout.notificationTemplate)' "
                + "(or, for one topic of every kind, give the kind with [schema] kind = '<jq>')")
        }
        try checkSchema(schema, groups: groups, layout: &layout, user: user, origin: fileOrigin)
        do { try kafka.validate() } catch { throw configError((error as? KafkaError)?.reason ?? "\(error)") }
        var settings = Settings(user: user, layout: layout, kafka: kafka, timeoutMs: Int32(timeout * 1000), configPath: path,
                                state: StatePaths(environment: environment))
        settings.groups = groups
        settings.schema = schema
        settings.triage = triage
        settings.views = views
        if let v = file?["mouse"] {
            guard case .bool(let on) = v else { throw configError("\(fileOrigin): mouse must be true or false, e.g. mouse = false") }
            settings.mouse = on
        }
        settings.keys = keys
        settings.theme = themeSettings
        settings.isUnconfigured = path == nil && brokersOrigin == "built-in default"
        return settings
    }

    /// The user's outbox journal.
    public var outboxPath: String { state.outbox(user: Identity.topicSafe(user), bootstrap: kafka.brokers) }

    /// The user's snapshot file.
    public var snapshotPath: String { state.snapshot(user: Identity.topicSafe(user), bootstrap: kafka.brokers) }

    /// The interactive inbox's log file.
    public var logPath: String { state.log(user: Identity.topicSafe(user)) }

    /// The bootstrap servers in canonical form (the cluster's identity in local files).
    public var cluster: String { ClusterAddress.normalised(kafka.brokers) }

    /// A user is any identity (an e-mail address, `DOMAIN\user`, a Unicode name) that is not
    /// empty, at most 200 bytes, and free of control characters; `{user}` in topic and file
    /// names is its topic-safe form.
    public static func checkUserName(_ user: String, origin: String) throws(ServiceError) {
        if !Identity.isValid(user) {
            throw configError("user '\(TerminalText.sanitize(user))' (from \(origin)) is not a usable identity: "
                + "give a name without control characters whose topic-safe form has at most \(Identity.maxSafeLength) bytes, "
                + "e.g. --user alice or --user alice@corp.example")
        }
    }

    /// The user's notification topics for `kinds` (default: the configured kinds).
    public func notificationTopics(kinds: [Kind]? = nil) -> [String] { layout.topics(user: user, kinds: kinds) }

    /// The user's receipts topic.
    public var receiptsTopic: String { layout.receiptsTopic(user: user) }

    /// A Kafka configuration for a client, with `extra` properties added.
    public func kafkaConfig(_ extra: [String: String] = [:]) -> KafkaConfig {
        var c = kafka
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) where c[k] == nil { c.set(k, v, origin: "kafka-inbox") }
        return c
    }

    private static let knownTopLevel: Set<String> = ["brokers", "user", "timeout", "groups", "alerts", "mouse"]
    private static let knownTopics: Set<String> = ["notifications", "receipts", "kinds", "patterns"]

    private static func checkKnownKeys(_ file: TOMLSubset, origin: String) throws(ServiceError) {
        for path in file.values.keys {
            let ok: Bool
            switch path.first {
            case "kafka": ok = path.count > 1
            case "topics": ok = path.count == 2 && knownTopics.contains(path[1])
            case "rules", "hooks", "views": ok = path.count == 3
            case "keys", "theme": ok = path.count == 2
            case "schema": ok = SchemaConfig.keys.contains(path.last ?? "") && (path.count == 2 || (path.count == 3 && Kind.isValidName(path[1])))
            default: ok = path.count == 1 && knownTopLevel.contains(path[0])
            }
            if !ok {
                throw configError("\(origin): unknown setting '\(path.joined(separator: "."))'. Known: brokers, user, timeout, groups, "
                    + "alerts, mouse, [[rules]] if/then, [[hooks]] if/run, [[views]] name/query, [keys], [theme], [topics] notifications/receipts/kinds/patterns, [schema] and [schema.<kind>] "
                    + SchemaConfig.keys.joined(separator: "/") + ", [kafka] <any librdkafka property>")
            }
        }
    }

    /// Settings whose value has the wrong type are errors, never coerced or ignored
    /// (`brokers = 9092` used to become the host "9092"; `kinds = "owner"` was ignored).
    private static func checkTypes(_ file: TOMLSubset, origin: String) throws(ServiceError) {
        func isString(_ v: TOMLSubset.Value) -> Bool { if case .string = v { return true } else { return false } }
        func isStringList(_ v: TOMLSubset.Value) -> Bool {
            if case .array(let items) = v { return items.allSatisfy(isString) } else { return false }
        }
        for key in ["user", "topics.notifications", "topics.receipts"] {
            if let v = file.values[key.split(separator: ".").map(String.init)], !isString(v) {
                throw configError("\(origin): \(key) must be a quoted string, e.g. \(key.hasPrefix("user") ? "user = \"alice\"" : "\(key.split(separator: ".")[1]) = \"…\"")")
            }
        }
        if let v = file["brokers"], !isString(v), !isStringList(v) {
            throw configError("\(origin): brokers must be a quoted string, e.g. brokers = \"kafka-1:9092,kafka-2:9092\"")
        }
        for key in ["kinds", "patterns"] {
            if let v = file["topics", key], !isStringList(v) {
                let example = key == "kinds" ? #"kinds = ["group", "owner"]"# : #"patterns = ['^notify\.{user}\..*']"#
                throw configError("\(origin): topics.\(key) must be an array of strings, e.g. \(example)")
            }
        }
        if case .array(let items)? = file["topics", "patterns"] {
            for item in items where (try? Regex(item.text.replacing("{user}", with: "user"))) == nil {
                throw configError("\(origin): topics.patterns: '\(item.text)' is not a valid regular expression")
            }
        }
        if case .array(let items)? = file["topics", "kinds"], let bad = items.first(where: { !Kind.isValidName($0.text) }) {
            throw configError("\(origin): topics.kinds: '\(TerminalText.sanitize(bad.text))' is not a kind name (\(Kind.nameRule))")
        }
        if case .array(let items)? = file["topics", "kinds"], items.isEmpty {
            throw configError("\(origin): topics.kinds is empty: list at least one kind, e.g. kinds = [\"group\", \"owner\", \"watching\"]")
        }
    }

    private static func loadConfigFile(explicit: String?, environment: [String: String]) throws(ServiceError) -> (TOMLSubset?, String?) {
        let path: String
        if let explicit {
            path = explicit
        } else {
            let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? ((environment["HOME"] ?? "") + "/.config")
            path = base + "/kafka-inbox/config.toml"
            if !FileManager.default.fileExists(atPath: path) { return (nil, nil) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw configError("cannot read config file \(path)" + (explicit != nil ? " (given with --config)" : ""))
        }
        do {
            return (try TOMLSubset(String(decoding: data, as: UTF8.self)), path)
        } catch {
            throw configError("config file \(path), \(error)")
        }
    }

    static func configError(_ message: String) -> ServiceError { .configuration(message) }
}
