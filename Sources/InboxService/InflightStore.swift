#if canImport(Glibc)
import Glibc
#endif

/// `DeliveryEngine`'s copies of the messages handed to the producer and not yet reported,
/// kept to send them again on a new producer after a fatal error.
///
/// Each message gets the next sequence number (what librdkafka carries as the message's
/// opaque and gives back in its report): its record is found by index, not hashed, and its
/// bytes are copied into large chunks, not into two arrays of its own. A chunk is freed
/// once none of its messages is left. 300,000 `send --file` lines made 600,000 arrays and
/// 300,000 table entries this way before, a fifth of the sending thread's time.
struct InflightStore {
    private struct Slot {
        var token: UInt
        var chunk: Int32
        var offset: Int32
        /// -1: no key.
        var keyLength: Int32
        var valueLength: Int32
        var topic: Int32
        var live: Bool
    }

    private final class Chunk {
        let base: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0
        var live = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        }

        deinit { base.deallocate() }
    }

    /// Bytes per chunk (a larger message gets a chunk of its own).
    static let chunkBytes = 1 << 20
    /// Emptied chunks kept for reuse, at most (about what a window of 50,000 messages of
    /// 300 bytes spans).
    static let spareChunks = 16

    private var slots: [Slot] = []
    /// The index in `slots` of sequence number `first`.
    private var head = 0
    /// The sequence number of `slots[head]`.
    private var first: UInt = 1
    private var chunks: [Chunk?] = []
    private var freeChunkNumbers: [Int32] = []
    private var spare: [Chunk] = []
    private var current: Int32 = -1
    private var topics: [String] = []
    private var topicNumbers: [String: Int32] = [:]

    /// Messages held (produced and not reported).
    private(set) var count = 0

    /// Sequence numbers from the oldest held message to the newest (at least `count`).
    var span: Int { slots.count - head }

    /// The sequence number the next message gets.
    var nextSequence: UInt { first + UInt(span) }

    /// Copies a message in; returns its sequence number.
    mutating func add(token: UInt, topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer) -> UInt {
        let keyLength = key?.count ?? 0
        let size = keyLength + value.count
        let c = chunk(withRoom: size)
        let chunk = chunks[Int(c)]!
        let offset = chunk.used
        if let key, keyLength > 0 { (chunk.base + offset).copyMemory(from: key.baseAddress!, byteCount: keyLength) }
        if value.count > 0 { (chunk.base + offset + keyLength).copyMemory(from: value.baseAddress!, byteCount: value.count) }
        chunk.used += size
        chunk.live += 1
        slots.append(Slot(token: token, chunk: c, offset: Int32(offset), keyLength: key == nil ? -1 : Int32(keyLength),
                          valueLength: Int32(value.count), topic: number(of: topic), live: true))
        count += 1
        return nextSequence - 1
    }

    /// The token and topic of message `sequence`, forgotten; nil when it is not held.
    mutating func take(_ sequence: UInt) -> (token: UInt, topic: String)? {
        guard sequence >= first, sequence < nextSequence else { return nil }
        let i = head + Int(sequence - first)
        guard slots[i].live else { return nil }
        slots[i].live = false
        count -= 1
        let slot = slots[i]
        release(slot.chunk)
        while head < slots.count && !slots[head].live {
            head += 1
            first += 1
        }
        if head == slots.count {
            slots.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 && head * 2 > slots.count {
            slots.removeFirst(head)
            head = 0
        }
        return (slot.token, topics[Int(slot.topic)])
    }

    /// Whether a message with a token in `tokens` is held.
    func holds(tokens: Range<UInt>) -> Bool {
        slots[head...].contains { $0.live && tokens.contains($0.token) }
    }

    /// Calls `body` with every held message, oldest first: token, topic, key and value.
    func forEach(_ body: (UInt, String, UnsafeRawBufferPointer?, UnsafeRawBufferPointer) -> Void) {
        for slot in slots[head...] where slot.live {
            let base = chunks[Int(slot.chunk)]!.base + Int(slot.offset)
            let keyLength = Int(max(slot.keyLength, 0))
            let key = slot.keyLength < 0 ? nil : UnsafeRawBufferPointer(start: base, count: keyLength)
            body(slot.token, topics[Int(slot.topic)], key, UnsafeRawBufferPointer(start: base + keyLength, count: Int(slot.valueLength)))
        }
    }

    /// Every held message, as values (the rare paths: a producer restart, a failed one).
    var messages: [(token: UInt, message: OutgoingMessage)] {
        var out: [(UInt, OutgoingMessage)] = []
        out.reserveCapacity(count)
        forEach { token, topic, key, value in
            out.append((token, OutgoingMessage(topic: topic, key: key.map { Array($0) }, value: Array(value))))
        }
        return out
    }

    /// Forgets every message (sequence numbers go on from where they were).
    mutating func removeAll() {
        first = nextSequence
        slots.removeAll()
        head = 0
        chunks.removeAll()
        freeChunkNumbers.removeAll()
        current = -1
        count = 0
    }

    private mutating func chunk(withRoom size: Int) -> Int32 {
        if current >= 0, let c = chunks[Int(current)], c.capacity - c.used >= size { return current }
        // The chunk given up keeps its messages until they are reported.
        if current >= 0, let c = chunks[Int(current)], c.live == 0 { drop(current) }
        let fresh = size <= Self.chunkBytes ? (spare.popLast() ?? Chunk(capacity: Self.chunkBytes)) : Chunk(capacity: size)
        let n: Int32
        if let reuse = freeChunkNumbers.popLast() {
            n = reuse
            chunks[Int(n)] = fresh
        } else {
            n = Int32(chunks.count)
            chunks.append(fresh)
        }
        current = n
        return n
    }

    private mutating func release(_ n: Int32) {
        guard let c = chunks[Int(n)] else { return }
        c.live -= 1
        if c.live == 0 {
            if n == current { c.used = 0 } else { drop(n) }
        }
    }

    private mutating func drop(_ n: Int32) {
        // A few emptied chunks of the usual size are kept for the next ones: a fresh one is
        // a fresh mapping, faulted in page by page.
        if let c = chunks[Int(n)], c.capacity == Self.chunkBytes, spare.count < Self.spareChunks {
            c.used = 0
            spare.append(c)
        }
        chunks[Int(n)] = nil
        freeChunkNumbers.append(n)
        if n == current { current = -1 }
    }

    private mutating func number(of topic: String) -> Int32 {
        // The first few by comparison (the same string object compares at once), the rest hashed.
        for (i, known) in topics.prefix(8).enumerated() where known == topic { return Int32(i) }
        if let known = topicNumbers[topic] { return known }
        let n = Int32(topics.count)
        topics.append(topic)
        topicNumbers[topic] = n
        return n
    }
}
