/// The search signatures of an inbox's notifications, by storage index.
///
/// The ones a snapshot held are read in place from its mapping (32 bytes each, four
/// little-endian words, as `Inbox.writeImage` wrote them), which `owner` keeps mapped;
/// the ones added since are in an array. At a million notifications, opening a snapshot
/// copied 32 MB into fresh memory for them before: about 8,000 pages to fault in before
/// the first frame, for what only a search reads.
@usableFromInline
struct SignatureColumn: @unchecked Sendable {
    // @unchecked: `image` points into `owner`'s bytes, which are never written and live as
    // long as `owner` does; everything else is a value.
    private var image = UnsafeRawPointer(bitPattern: 0)
    private var imageCount = 0
    private var owner: ImageBytes?
    private var tail: [SearchSignature.Bits] = []

    /// Bytes per signature in an image.
    @usableFromInline static let imageStride = 32

    init() {}

    /// The `count` signatures at `bytes` (`imageStride` each): read in place when `owner`
    /// holds them, else copied.
    init(image bytes: UnsafeRawBufferPointer, count: Int, owner: ImageBytes?) {
        precondition(bytes.count >= count * Self.imageStride, "signature bytes")
        if let owner, let base = bytes.baseAddress, count > 0 {
            image = base
            imageCount = count
            self.owner = owner
        } else {
            tail = (0..<count).map { Self.load(bytes.baseAddress!, $0) }
        }
    }

    /// How many signatures are held.
    var count: Int { imageCount + tail.count }

    /// The signature at storage index `i`.
    @inline(__always)
    subscript(i: Int) -> SearchSignature.Bits {
        if i < imageCount, let image { return Self.load(image, i) }
        return tail[i - imageCount]
    }

    /// Adds the signature of the next notification.
    mutating func append(_ s: SearchSignature.Bits) { tail.append(s) }

    /// Makes room for `total` signatures in all.
    mutating func reserveCapacity(_ total: Int) { tail.reserveCapacity(max(0, total - imageCount)) }

    /// Calls `body` with a read-only view of every signature (valid during the call).
    func withView<R>(_ body: (SignatureView) -> R) -> R {
        tail.withUnsafeBufferPointer { body(SignatureView(image: image, imageCount: imageCount, tail: $0)) }
    }

    @inlinable @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ i: Int) -> SearchSignature.Bits {
        let at = i * imageStride
        var s = SearchSignature.Bits()
        s.w0 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        s.w1 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
        s.w2 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))
        s.w3 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self))
        return s
    }
}

/// The search signatures of every notification, by storage index, lent by
/// `Inbox.withSearchSignatures` (valid only during that call; read-only, so threads of
/// one scan may share it).
public struct SignatureView: @unchecked Sendable {
    // @unchecked: read-only memory the lending inbox keeps alive for the call.
    // Inlinable: a search reads one per row, from another module.
    @usableFromInline let image: UnsafeRawPointer?
    @usableFromInline let imageCount: Int
    @usableFromInline let tail: UnsafeBufferPointer<SearchSignature.Bits>

    /// The tail's elements when there is no image part (an inbox caught up from Kafka): read
    /// as a plain array is, with no test of which part an index is in.
    @usableFromInline let only: UnsafePointer<SearchSignature.Bits>?

    init(image: UnsafeRawPointer?, imageCount: Int, tail: UnsafeBufferPointer<SearchSignature.Bits>) {
        self.image = image
        self.imageCount = imageCount
        self.tail = tail
        only = imageCount == 0 ? tail.baseAddress : nil
    }

    /// How many signatures there are.
    @inlinable public var count: Int { imageCount + tail.count }

    /// The signature at storage index `i`.
    @inlinable @inline(__always)
    public subscript(i: Int) -> SearchSignature.Bits {
        if let only { return only[i] }
        if i < imageCount, let image { return SignatureColumn.load(image, i) }
        return tail[i - imageCount]
    }
}
