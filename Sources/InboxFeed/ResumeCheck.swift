import KafkaKit

/// What checking a snapshot before the start decided (`InboxReader.verifyResume`): where
/// each partition resumes (empty: nowhere, read everything), and the watermarks asked for
/// on the way, so that the start need not ask for them again.
public struct ResumeCheck: Sendable {
    /// The next offset per partition to resume at.
    public var offsets: [TopicPartition: Int64]
    /// Watermarks of partitions, asked just now.
    public var watermarks: [TopicPartition: (low: Int64, high: Int64)]

    /// Creates one.
    public init(offsets: [TopicPartition: Int64], watermarks: [TopicPartition: (low: Int64, high: Int64)] = [:]) {
        self.offsets = offsets
        self.watermarks = watermarks
    }
}
