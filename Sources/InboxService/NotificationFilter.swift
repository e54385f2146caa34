import InboxCore
import JQKit

/// `--filter JQ`: a jq expression over a notification as `list --json` prints it (state
/// included); it keeps the notifications for which it gives something other than `false`
/// or `null`. A run-time error drops that notification and is counted, never fatal.
public final class NotificationFilter: @unchecked Sendable {
    private let program: JQProgram
    /// The expression in the native subset, when it is one (no libjq call per notification);
    /// where its result would differ from jq's it gives up and libjq decides.
    private let native: (expression: SimpleJQ, keys: SimpleKeys)?
    /// Whether only the native subset may run (a filter that came from Kafka: no libjq, so
    /// no unbounded loops, no `input`, no `debug` output over the screen).
    private let nativeOnly: Bool
    /// How many notifications the expression failed on, and jq's first message.
    public private(set) var failures = 0
    public private(set) var firstFailure: String?

    /// Compiles `expression`; a syntax error throws jq's message.
    public init(_ expression: String) throws(JQError) {
        program = try JQProgram("(" + expression + "\n)")
        native = SimpleJQ.parse(expression).flatMap { e in e.variables.isEmpty ? (e, SimpleKeys(e.keys.sorted())) : nil }
        nativeOnly = false
    }

    /// A filter that runs only in the native jq subset (field paths, comparisons, `and`,
    /// `or`, `not`, `//`, literals): for mute filters, which anyone who can write to the
    /// receipts topic could send. Throws when `expression` is outside the subset.
    public init(nativeOnly expression: String) throws(JQError) {
        program = try JQProgram("(" + expression + "\n)")
        guard let e = SimpleJQ.parse(expression), e.variables.isEmpty else {
            throw JQError("a mute filter must stay within the jq subset kafka-inbox evaluates itself "
                + "(field paths such as .actor or .object.type, == != < >, and/or/not, //, strings and numbers)")
        }
        native = (e, SimpleKeys(e.keys.sorted()))
        nativeOnly = true
    }

    /// Whether `n` (in `state`) passes.
    public func matches(_ n: InboxCore.Notification, state: ReadState) -> Bool {
        let line = NotificationJSON.bytes(n, state: state)
        if let native, let answer = line.withUnsafeBufferPointer({ buf -> Bool? in
            guard let message = SimpleMessage(buf, keys: native.keys) else { return nil }
            return try? native.expression.evaluate(message, SimpleVariables()).isTruthy
        }) {
            return answer
        }
        if nativeOnly { return false }  // where the subset gives up, a mute filter selects nothing
        do {
            return try program.first(.json(line))?.isTruthy ?? false
        } catch {
            failures += 1
            if firstFailure == nil { firstFailure = error.message }
            return false
        }
    }

    /// The line to tell the user when the expression failed on some notifications.
    public var failureNote: String? {
        firstFailure.map { "--filter failed on \(failures) notification(s), which were left out: \($0)" }
    }
}
