import CRdKafka

/// Logical offsets for `assign`.
public enum KafkaOffset {
    /// The oldest message still held.
    public static var beginning: Int64 { CRdKafka_offsetBeginning() }
    /// The next message to be produced.
    public static var end: Int64 { CRdKafka_offsetEnd() }
    /// The group's committed offset.
    public static var stored: Int64 { CRdKafka_offsetStored() }
    /// `count` messages before the end.
    public static func tail(_ count: Int64) -> Int64 { CRdKafka_offsetTail(count) }
}
