/// Why a service operation failed, typed, so that each front end words it and picks its
/// exit status (the command line maps these to sysexits codes; the inbox shows them).
public enum ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A setting, flag, config file or librdkafka property is invalid.
    case configuration(String)
    /// The cluster did not answer within the timeout.
    case unreachable(String)
    /// The cluster rejected the credentials.
    case authentication(String)
    /// The local outbox cannot be opened or written.
    case outbox(String)
    /// Some messages were not confirmed by a delivery report.
    case undelivered(String)
    /// An id asked for is not in the inbox.
    case unknownID(String)
    /// An input file cannot be read.
    case unreadableInput(String)
    /// Some input lines were bad (the good ones were still handled).
    case badInput(String)
    /// Anything else, in words.
    case failed(String)

    /// The message, in words.
    public var message: String {
        switch self {
        case .configuration(let m), .unreachable(let m), .authentication(let m), .outbox(let m), .undelivered(let m),
             .unknownID(let m), .unreadableInput(let m), .badInput(let m), .failed(let m):
            return m
        }
    }

    public var description: String { message }
}
