import ArgumentParser
import InboxService

/// Flags every command that talks to Kafka shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("b"), .long], help: ArgumentHelp(
        "Bootstrap brokers, host:port[,host:port…]. Overrides KAFKA_INBOX_BROKERS and the config file.",
        valueName: "list"))
    var brokers: String?

    @Option(name: [.customShort("u"), .long], help: ArgumentHelp(
        "Whose inbox. Overrides KAFKA_INBOX_USER, the config file and $USER.", valueName: "name"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp(
        "Config file (default $XDG_CONFIG_HOME/kafka-inbox/config.toml).", valueName: "file"))
    var config: String?

    @Option(name: .customShort("X"), parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "Any librdkafka property, e.g. -X security.protocol=SASL_SSL (repeatable).", valueName: "key=value"))
    var properties: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Seconds to wait for the broker before giving up (default 10).", valueName: "seconds"))
    var timeout: Double?

    /// The flags as the service layer takes them.
    var input: SettingsInput {
        SettingsInput(brokers: brokers, user: user, configPath: config, properties: properties, timeout: timeout)
    }

    /// The settings these flags, the environment and the config file make.
    func settings() throws(ServiceError) -> Settings { try Settings.resolve(input) }

    func validate() throws {
        for p in properties where !p.contains("=") || p.hasPrefix("=") {
            throw ValidationError("-X takes key=value, got '\(p)' (e.g. -X security.protocol=SSL)")
        }
        if let timeout, !(timeout > 0 && timeout <= 3600) {
            throw ValidationError("--timeout must be between 0 and 3600 seconds, got \(timeout)")
        }
        // A bad --user is checked by Settings.resolve (inside runReportingFailures, so it exits 78
        // with the message). A CommandFailure thrown here escaped ArgumentParser as exit 1.
    }
}
