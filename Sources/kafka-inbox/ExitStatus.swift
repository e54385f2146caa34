import ArgumentParser
import InboxService

/// The exit codes of kafka-inbox, documented in the README (sysexits.h numbering).
enum ExitStatus {
    /// Some input (a line of `send --file`) was bad; the good ones were still sent.
    static let dataError = ExitCode(65)
    /// An id given to read/unread/ack is not in the inbox.
    static let noSuchID = ExitCode(66)
    /// An input file (`send --file`) cannot be read.
    static let noInput = ExitCode(66)
    /// The broker could not be reached within the timeout.
    static let unavailable = ExitCode(69)
    /// The outbox (a local file) cannot be created or written.
    static let cannotCreate = ExitCode(73)
    /// The output (stdout) could not be written (a full disk, a file-size limit).
    static let ioError = ExitCode(74)
    /// A message was not confirmed by its delivery report.
    static let deliveryFailed = ExitCode(75)
    /// The configuration (file, flag or librdkafka property) is invalid.
    static let configError = ExitCode(78)
    /// Authentication or authorisation failed.
    static let noPermission = ExitCode(77)
}

/// An error that ends a command with a message on stderr and a chosen exit code.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    let exit: ExitCode
    var description: String { message }
}

extension CommandFailure {
    /// The command line's wording and exit status of a service error.
    init(_ error: ServiceError) {
        let exit: ExitCode
        switch error {
        case .configuration: exit = ExitStatus.configError
        case .unreachable: exit = ExitStatus.unavailable
        case .authentication: exit = ExitStatus.noPermission
        case .outbox: exit = ExitStatus.cannotCreate
        case .undelivered: exit = ExitStatus.deliveryFailed
        case .unknownID: exit = ExitStatus.noSuchID
        case .unreadableInput: exit = ExitStatus.noInput
        case .badInput: exit = ExitStatus.dataError
        case .failed: exit = .failure
        }
        self.init(message: error.message, exit: exit)
    }
}
