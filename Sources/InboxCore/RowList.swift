/// A sorted list of storage indices (newest first), held in chunks so that inserting or
/// removing one row, sharing a list between owners, and reading row `i` stay cheap at a
/// million rows (no O(n) copy or move per keystroke). Elements are storage indices of an
/// `Inbox`; they are kept as `Int32` (4 bytes a row).
public struct RowList: RandomAccessCollection, Hashable, Sendable, ExpressibleByArrayLiteral {
    /// Chunks hold at most this many rows; a full chunk is split in two.
    static let chunkLimit = 1024
    /// Bulk builds fill chunks to this size.
    static let chunkFill = 768

    private var chunks: [[Int32]] = []
    /// `starts[c]` is the row number of the first row of chunk `c`.
    private var starts: [Int] = []
    public private(set) var count = 0

    /// An empty list.
    public init() {}

    /// A list of these storage indices, in the given order.
    public init<S: Sequence>(_ elements: S) where S.Element == Int {
        var chunk: [Int32] = []
        chunk.reserveCapacity(Self.chunkFill)
        for e in elements {
            chunk.append(Int32(truncatingIfNeeded: e))
            if chunk.count == Self.chunkFill {
                appendChunk(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { appendChunk(chunk) }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Builds from `Int32` storage indices already in order.
    init(int32 elements: [Int32]) {
        var i = 0
        while i < elements.count {
            let end = Swift.min(elements.count, i + Self.chunkFill)
            appendChunk(Array(elements[i..<end]))
            i = end
        }
    }

    private mutating func appendChunk(_ chunk: [Int32]) {
        starts.append(count)
        chunks.append(chunk)
        count += chunk.count
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The chunk holding row `i` (0 ≤ i < count) and the offset in it.
    @inline(__always)
    private func locate(_ i: Int) -> (chunk: Int, offset: Int) {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) >> 1
            if starts[mid] <= i { low = mid } else { high = mid - 1 }
        }
        return (low, i - starts[low])
    }

    public subscript(position: Int) -> Int {
        precondition(position >= 0 && position < count, "row out of range")
        let (c, o) = locate(position)
        return Int(chunks[c][o])
    }

    public func makeIterator() -> Iterator { Iterator(chunks: chunks) }

    /// Iterates chunk by chunk (no search per element).
    public struct Iterator: IteratorProtocol {
        let chunks: [[Int32]]
        var c = 0
        var o = 0
        public mutating func next() -> Int? {
            while c < chunks.count {
                if o < chunks[c].count {
                    defer { o += 1 }
                    return Int(chunks[c][o])
                }
                c += 1
                o = 0
            }
            return nil
        }
    }

    /// Calls `body(row, storageIndex)` for rows `start..<count` in order, until it returns false.
    /// Returns the row where it stopped, or nil when it ran to the end.
    public func scan(from start: Int, _ body: (Int, Int) -> Bool) -> Int? {
        guard start < count, start >= 0 else { return nil }
        var (c, o) = locate(start)
        var row = start
        while c < chunks.count {
            let chunk = chunks[c]
            while o < chunk.count {
                if !body(row, Int(chunk[o])) { return row }
                o += 1
                row += 1
            }
            c += 1
            o = 0
        }
        return nil
    }

    /// Calls `body(firstRow, elements)` for the rows `start..<count`, a chunk at a time, until
    /// it returns false (tight loops over storage indices without a call per row).
    public func forEachChunk(from start: Int, _ body: (Int, UnsafeBufferPointer<Int32>) -> Bool) {
        guard start < count, start >= 0 else { return }
        var (c, o) = locate(start)
        var row = start
        while c < chunks.count {
            let goOn = chunks[c].withUnsafeBufferPointer { buf in
                body(row, UnsafeBufferPointer(rebasing: buf[o...]))
            }
            if !goOn { return }
            row += chunks[c].count - o
            c += 1
            o = 0
        }
    }

    /// The first row `r` for which `isBefore(self[r])` is false, given that `isBefore` is true
    /// for a prefix of the list and false for the rest (binary search).
    public func partitionPoint(_ isBefore: (Int) -> Bool) -> Int {
        // Find the first chunk whose last element is not before.
        var low = 0
        var high = chunks.count
        while low < high {
            let mid = (low + high) >> 1
            if isBefore(Int(chunks[mid][chunks[mid].count - 1])) { low = mid + 1 } else { high = mid }
        }
        guard low < chunks.count else { return count }
        let chunk = chunks[low]
        var l = 0
        var h = chunk.count
        while l < h {
            let mid = (l + h) >> 1
            if isBefore(Int(chunk[mid])) { l = mid + 1 } else { h = mid }
        }
        return starts[low] + l
    }

    /// How many chunks hold the rows.
    var chunkCount: Int { chunks.count }

    /// Calls `body(index, chunk, isLast)` for each chunk in order.
    func forEachChunkArray(_ body: (Int, [Int32], Bool) -> Void) {
        for (c, chunk) in chunks.enumerated() { body(c, chunk, c == chunks.count - 1) }
    }

    /// Replaces the chunks (none empty) and computes the row starts and count again.
    mutating func replaceChunks(_ new: [[Int32]]) {
        chunks = new
        starts.removeAll(keepingCapacity: true)
        count = 0
        for chunk in new {
            starts.append(count)
            count += chunk.count
        }
    }

    /// Inserts a storage index at row `position` (0…count).
    public mutating func insert(_ element: Int, at position: Int) {
        precondition(position >= 0 && position <= count, "row out of range")
        let value = Int32(truncatingIfNeeded: element)
        if chunks.isEmpty {
            appendChunk([value])
            return
        }
        var (c, o) = position == count ? (chunks.count - 1, chunks[chunks.count - 1].count) : locate(position)
        if o == 0 && c > 0 && chunks[c - 1].count < chunks[c].count {
            // At a chunk boundary, prefer the emptier neighbour.
            c -= 1
            o = chunks[c].count
        }
        chunks[c].insert(value, at: o)
        count += 1
        for k in (c + 1)..<starts.count { starts[k] += 1 }
        if chunks[c].count > Self.chunkLimit {
            let half = chunks[c].count / 2
            let tail = Array(chunks[c][half...])
            chunks[c].removeSubrange(half...)
            chunks.insert(tail, at: c + 1)
            starts.insert(starts[c] + half, at: c + 1)
        }
    }

    /// Removes the row at `position` and returns its storage index.
    @discardableResult
    public mutating func remove(at position: Int) -> Int {
        precondition(position >= 0 && position < count, "row out of range")
        let (c, o) = locate(position)
        let value = chunks[c].remove(at: o)
        count -= 1
        for k in (c + 1)..<starts.count { starts[k] -= 1 }
        if chunks[c].isEmpty {
            chunks.remove(at: c)
            starts.remove(at: c)
        }
        return Int(value)
    }

    /// Removes every row for which `shouldRemove(storageIndex)` is true (one pass).
    public mutating func removeAll(where shouldRemove: (Int) -> Bool) {
        var out: [Int32] = []
        out.reserveCapacity(count)
        for chunk in chunks { for v in chunk where !shouldRemove(Int(v)) { out.append(v) } }
        self = RowList(int32: out)
    }

    /// The rows as `Int32` storage indices, in order.
    func int32Elements() -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(count)
        for chunk in chunks { out.append(contentsOf: chunk) }
        return out
    }

    public static func == (a: RowList, b: RowList) -> Bool {
        a.count == b.count && a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for chunk in chunks { for v in chunk { hasher.combine(v) } }
    }
}
