import CRdKafka

/// One error type for everything KafkaKit does: librdkafka's code, a reason in words,
/// and the place in our source that raised it.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's `rd_kafka_resp_err_t` value (0 when the error is not from librdkafka).
    public let code: Int32
    /// What went wrong, in words.
    public let reason: String
    /// Source file and line that raised the error.
    public let file: String
    public let line: UInt

    /// Creates an error.
    public init(code: Int32 = 0, reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// An error from a librdkafka response code, with librdkafka's text for it.
    public init(rdkafka err: rd_kafka_resp_err_t, context: String, file: String = #fileID, line: UInt = #line) {
        let text = String(cString: rd_kafka_err2str(err))
        self.init(code: err.rawValue, reason: "\(context): \(text)", file: file, line: line)
    }

    /// librdkafka's symbolic name for the code, e.g. `_TRANSPORT`.
    public var codeName: String {
        String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }

    /// Whether the code means the cluster could not be reached in time.
    public var isUnreachable: Bool {
        let c = rd_kafka_resp_err_t(rawValue: code)
        return c == RD_KAFKA_RESP_ERR__TRANSPORT || c == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
            || c == RD_KAFKA_RESP_ERR__TIMED_OUT || c == RD_KAFKA_RESP_ERR__RESOLVE
    }

    /// Whether a watermark request failing with this code may succeed later: the leader did
    /// not answer (down, moving, timed out), as opposed to a refusal.
    public var isRetriableWatermarkFailure: Bool {
        let c = rd_kafka_resp_err_t(rawValue: code)
        return code == 0 || isUnreachable || c == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION
            || c == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE || c == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
            || c == RD_KAFKA_RESP_ERR__WAIT_COORD || c == RD_KAFKA_RESP_ERR__NODE_UPDATE
    }

    /// Whether the code is a failed connection to one broker (librdkafka's `_TRANSPORT`).
    public var isTransport: Bool { rd_kafka_resp_err_t(rawValue: code) == RD_KAFKA_RESP_ERR__TRANSPORT }

    /// Whether the code is an authentication failure.
    public var isAuthentication: Bool {
        let c = rd_kafka_resp_err_t(rawValue: code)
        return c == RD_KAFKA_RESP_ERR__AUTHENTICATION || c == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED
    }

    /// Whether the code says a topic or partition does not exist (deleted, or never made).
    public var isUnknownPartition: Bool {
        let c = rd_kafka_resp_err_t(rawValue: code)
        return c == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || c == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION
            || c == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC
    }

    /// Whether the code says the client has failed fatally (`_FATAL`: recreate it).
    public var isFatal: Bool { rd_kafka_resp_err_t(rawValue: code) == RD_KAFKA_RESP_ERR__FATAL }

    /// Whether the code says the principal may not read or write a topic.
    public var isAuthorization: Bool {
        let c = rd_kafka_resp_err_t(rawValue: code)
        return c == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || c == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED
            || c == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED
    }

    public var description: String { reason }

    static func check(_ err: rd_kafka_resp_err_t, _ context: @autoclosure () -> String,
                      file: String = #fileID, line: UInt = #line) throws {
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(rdkafka: err, context: context(), file: file, line: line)
        }
    }
}

extension String {
    /// Text of a NUL-terminated error buffer filled by librdkafka.
    init(errorBuffer buffer: [CChar]) {
        self = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
