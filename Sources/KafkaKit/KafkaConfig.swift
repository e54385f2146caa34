import CRdKafka

/// librdkafka properties, each remembering where its value came from, so that an invalid
/// value is reported with librdkafka's own message plus its origin ("-X flag", a config file…).
public struct KafkaConfig: Sendable {
    /// One property and the origin of its value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: String
        public var origin: String
    }

    /// Properties in the order set; a later `set` of the same key replaces the value in place.
    public private(set) var entries: [Entry] = []

    /// An empty configuration.
    public init() {}

    /// Sets `key` to `value`, recording `origin` for error messages.
    public mutating func set(_ key: String, _ value: String, origin: String = "built-in default") {
        if let i = entries.firstIndex(where: { $0.key == key }) {
            entries[i] = Entry(key: key, value: value, origin: origin)
        } else {
            entries.append(Entry(key: key, value: value, origin: origin))
        }
    }

    /// The value of `key`, if set.
    public subscript(key: String) -> String? {
        entries.first(where: { $0.key == key })?.value
    }

    /// The configured bootstrap servers (`bootstrap.servers`), or "(none)".
    public var brokers: String { self["bootstrap.servers"] ?? self["metadata.broker.list"] ?? "(none)" }

    /// Builds a librdkafka configuration object; the caller owns it (pass it to `rd_kafka_new`
    /// or destroy it). Throws librdkafka's message and the value's origin for a bad property.
    func makeNative() throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(reason: "rd_kafka_conf_new failed") }
        var errstr = [CChar](repeating: 0, count: 512)
        for entry in entries {
            let result = rd_kafka_conf_set(conf, entry.key, entry.value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let message = String(errorBuffer: errstr)
                throw KafkaError(reason: "invalid librdkafka property \(entry.key)=\(entry.value) (from \(entry.origin)): \(message)")
            }
        }
        return conf
    }

    /// Whether the librdkafka in use knows `property` (some appear only in later versions),
    /// tried by setting it to `sample` on a scratch configuration: only an unknown name is
    /// "no" (a value librdkafka rejects still means it knows the name).
    public static func supports(_ property: String, sample: String) -> Bool {
        guard let conf = rd_kafka_conf_new() else { return false }
        defer { rd_kafka_conf_destroy(conf) }
        var errstr = [CChar](repeating: 0, count: 256)
        return rd_kafka_conf_set(conf, property, sample, &errstr, errstr.count) != RD_KAFKA_CONF_UNKNOWN
    }

    /// The value of `key` as an integer: the one set, else librdkafka's default.
    func integer(_ key: String) -> Int? {
        if let v = self[key] { return Int(v) }
        guard let conf = rd_kafka_conf_new() else { return nil }
        defer { rd_kafka_conf_destroy(conf) }
        var buffer = [CChar](repeating: 0, count: 64)
        var size = buffer.count
        guard rd_kafka_conf_get(conf, key, &buffer, &size) == RD_KAFKA_CONF_OK else { return nil }
        return Int(String(errorBuffer: buffer))
    }

    /// Checks every property against librdkafka without creating a client.
    public func validate() throws {
        rd_kafka_conf_destroy(try makeNative())
    }
}
