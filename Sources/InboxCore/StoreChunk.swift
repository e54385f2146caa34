/// Bytes that stay where they are for as long as this object lives: a snapshot file mapped
/// in memory, read in place by the store it was decoded into (`StoreChunk`) instead of
/// copied. `release` runs once, when the last store reading it is gone.
public final class ImageBytes: @unchecked Sendable {
    /// The bytes (read-only; never written while anything holds this object).
    public let bytes: UnsafeRawBufferPointer
    private let release: @Sendable (UnsafeRawBufferPointer) -> Void

    /// Wraps `bytes`, which stay valid until `release` is called with them.
    public init(_ bytes: UnsafeRawBufferPointer, release: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
        self.bytes = bytes
        self.release = release
    }

    deinit { release(bytes) }
}

/// One chunk of a `NotificationStore`'s bytes: an array of its own (the store appends to its
/// last one), or bytes of a mapped snapshot read in place (the store keeps their
/// `ImageBytes` alive: `NotificationStore.images`). A mapped chunk has no room left, so the
/// store starts a chunk of its own after it.
struct StoreChunk: @unchecked Sendable {
    // @unchecked: `mapped` points into bytes that never change and that the store holding
    // this chunk keeps alive. Only one reference (the array's) is counted per chunk, as
    // for a plain array: the insert path touches the last chunk for every notification.
    private(set) var own: [UInt8]
    private let mapped: UnsafeBufferPointer<UInt8>

    /// An empty chunk of its own, with room for `capacity` bytes.
    init(capacity: Int) {
        own = []
        own.reserveCapacity(capacity)
        mapped = UnsafeBufferPointer(start: nil, count: 0)
    }

    /// A chunk of `bytes` copied into an array of its own, with room for `capacity` in all.
    init(copying bytes: UnsafeRawBufferPointer, capacity: Int) {
        self.init(capacity: max(capacity, bytes.count))
        own.append(contentsOf: bytes)
    }

    /// A chunk reading `bytes` in place (the caller keeps them alive as long as the chunk).
    init(mapping bytes: UnsafeRawBufferPointer) {
        own = []
        mapped = bytes.bindMemory(to: UInt8.self)
    }

    private var isMapped: Bool { mapped.baseAddress != nil }

    /// Bytes held.
    var count: Int { isMapped ? mapped.count : own.count }

    /// Bytes that can still be appended without moving the chunk (none for a mapped one).
    var room: Int { isMapped ? 0 : own.capacity - own.count }

    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        isMapped ? body(mapped) : own.withUnsafeBufferPointer(body)
    }

    /// Appends `size` bytes written by `write` (a chunk of its own only).
    mutating func append(size: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Void) {
        precondition(!isMapped, "a mapped chunk is read-only")
        let start = own.count
        own.append(contentsOf: repeatElement(0, count: size))
        own.withUnsafeMutableBufferPointer { write($0.baseAddress! + start) }
    }

    /// Appends `bytes` (a chunk of its own only).
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(!isMapped, "a mapped chunk is read-only")
        own.append(contentsOf: bytes)
    }
}
