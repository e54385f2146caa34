/// An append-only array of notifications held in fixed-size chunks, so that growing past a
/// million never copies (and never holds twice) the whole array: a plain `Array` doubles
/// and moves everything at each power of two, a stall of hundreds of milliseconds on the
/// UI thread and a transient doubling of resident memory.
struct ChunkedStorage<Element>: Sendable where Element: Sendable {
    static var shift: Int { 12 }
    static var chunkSize: Int { 1 << shift }

    private var chunks: [[Element]] = []
    private(set) var count = 0

    init() {}

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    subscript(index: Int) -> Element {
        chunks[index >> Self.shift][index & (Self.chunkSize - 1)]
    }

    /// Calls `body` with the element at `index` in place (no copy of the element).
    @inline(__always)
    func withElement<R>(at index: Int, _ body: (borrowing Element) -> R) -> R {
        chunks[index >> Self.shift].withUnsafeBufferPointer { body($0[index & (Self.chunkSize - 1)]) }
    }
}
