extension RowList {
    /// Merges `items` (in the list's order by `isBefore`) into the list (in the same order).
    /// Only the chunks they fall into are rebuilt and the row starts are fixed once, so a
    /// batch costs its own size plus one pass over the chunks, not a shift of every later
    /// chunk's start per row (at five million rows, inserts one by one took most of a
    /// catch-up). An item equal to an element already there is not added again.
    mutating func merge(sorted items: [Int32], isBefore: (Int32, Int32) -> Bool) {
        guard !items.isEmpty else { return }
        guard !isEmpty else {
            self = RowList(int32: items)
            return
        }
        var rebuilt: [[Int32]] = []
        rebuilt.reserveCapacity(chunkCount + items.count / Self.chunkFill + 1)
        var j = 0
        forEachChunkArray { _, chunk, isLast in
            var end = j
            if isLast {
                end = items.count
            } else {
                let last = chunk[chunk.count - 1]
                while end < items.count && (isBefore(items[end], last) || items[end] == last) { end += 1 }
            }
            guard end > j else { return rebuilt.append(chunk) }
            var merged: [Int32] = []
            merged.reserveCapacity(chunk.count + end - j)
            var a = 0
            var b = j
            while a < chunk.count && b < end {
                if items[b] == chunk[a] || (b > 0 && items[b] == items[b - 1]) {
                    b += 1
                } else if isBefore(items[b], chunk[a]) {
                    merged.append(items[b])
                    b += 1
                } else {
                    merged.append(chunk[a])
                    a += 1
                }
            }
            merged.append(contentsOf: chunk[a...])
            while b < end {
                if b == 0 || items[b] != items[b - 1] {
                    merged.append(items[b])
                }
                b += 1
            }
            j = end
            if merged.count <= Self.chunkLimit {
                rebuilt.append(merged)
            } else {
                var i = 0
                while i < merged.count {
                    let e = Swift.min(merged.count, i + Self.chunkFill)
                    rebuilt.append(Array(merged[i..<e]))
                    i = e
                }
            }
        }
        replaceChunks(rebuilt)
    }
}
