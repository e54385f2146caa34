/// Why a jq program did not compile or a run failed, in jq's own words.
public struct JQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// jq's message.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
