import Dispatch
import InboxCore

/// The rows matching one query, in search order: `steps` are distances from the origin row
/// (row = (origin + step) % count), ascending, of every match among steps `0..<scanned`.
/// Until the first match is found the scan never stops, so `steps` is empty only when the
/// query matches no row at all (`scanned == count`).
struct SearchMatches: Sendable {
    let needle: SearchNeedle
    let origin: Int
    let count: Int
    private(set) var steps: [Int] = []
    private(set) var scanned = 0

    /// Past the first match, a keystroke goes on testing rows (so that the next, longer
    /// query filters a list instead of scanning rows) up to this many text tests…
    static let extraTests = 512
    /// …and this many rows.
    static let extraRows = 65_536
    /// Rows tested on the calling thread before the scan goes wide: most queries match
    /// within them, and a match there costs no thread.
    let serialRows: Int
    /// Rows a block of the wide scan gives each of its two threads. The signature test is
    /// bound by memory latency (rows point at signatures in arrival order, so every row is a
    /// cache miss), and two threads keep twice the misses in flight.
    let blockRows: Int

    init(needle: SearchNeedle, origin: Int, count: Int, serialRows: Int = 16_384, blockRows: Int = 65_536) {
        self.needle = needle
        self.origin = origin
        self.count = count
        self.serialRows = max(1, serialRows)
        self.blockRows = max(1, blockRows)
    }

    /// Whether every row has been tested.
    var complete: Bool { scanned >= count }

    /// Finds the matches from `base` (the matches of a query this one refines, or nil):
    /// its matches are tested, then the rows it did not reach.
    mutating func extend(from base: SearchMatches?, rows: RowList, inbox: Inbox) {
        var scan = Progress(found: steps)
        defer { steps = scan.found }
        if let base {
            for s in base.steps {
                if scan.shouldStop(seen: scan.seen) { scanned = s; return }
                scan.seen += 1
                let storage = rows[(origin + s) % count]
                guard inbox.searchSignature(at: storage).covers(needle.mask) else { continue }
                scan.test(step: s, storage: storage, needle: needle, inbox: inbox)
            }
            scanned = max(scanned, base.scanned)
            if scanned >= count { scanned = count; return }
        }
        // Steps scanned..<count, a block at a time (on two threads once past `serialRows`):
        // each thread tests its rows' signatures and reads the text of those that pass; the
        // limits are then applied here, in order, as if one thread had tested every row.
        var step = scanned
        var first = true
        while step < count {
            let width = first ? serialRows : 2 * blockRows
            let block = step..<min(count, step + width)
            let parts = self.tested(block, rows: rows, inbox: inbox, wide: !first && block.count > 1)
            first = false
            let seenAtBlock = scan.seen - block.lowerBound
            for part in parts {
                for t in part.tested {
                    let c = t >> 1
                    // Stop at the first step where the limits hold: no later than this test,
                    // or where the rows seen reached their limit before it.
                    if let stop = scan.stop(before: c, seenAtZero: seenAtBlock) { scanned = stop; return }
                    scan.record(step: c, matched: t & 1 == 1)
                }
                if let stop = scan.stop(before: part.end, seenAtZero: seenAtBlock) { scanned = stop; return }
                // A part that stopped early is known up to its end only.
                if part.end < part.range.upperBound { scanned = part.end; return }
            }
            if let stop = scan.stop(before: block.upperBound, seenAtZero: seenAtBlock) { scanned = stop; return }
            scan.seen = seenAtBlock + block.upperBound
            step = block.upperBound
        }
        scanned = count
    }

    /// The rows of `block` tested, in one part (or two, one a thread); a part ends early
    /// past its first match once the limits hold for it alone (the scan stops there).
    private func tested(_ block: Range<Int>, rows: RowList, inbox: Inbox, wide: Bool) -> [TestedPart] {
        let needle = self.needle
        let origin = self.origin, count = self.count
        return inbox.withSearchSignatures { sigs in
            guard wide else { return [TestedPart(block, rows: rows, sigs: sigs, needle: needle, inbox: inbox, origin: origin, count: count)] }
            let half = block.lowerBound + block.count / 2
            let ranges = [block.lowerBound..<half, half..<block.upperBound]
            let slots = [TestSlot(), TestSlot()]
            let shared = SharedSignatures(sigs: sigs)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                slots[k].part = TestedPart(ranges[k], rows: rows, sigs: shared.sigs, needle: needle, inbox: inbox,
                                           origin: origin, count: count)
            }
            return slots.compactMap(\.part)
        }
    }

    /// Matches found and limits used so far by one `extend`.
    private struct Progress {
        var found: [Int]
        var tests = 0
        var seen = 0
        /// The step after the last one tested.
        var next = 0

        /// Past the first match, whether the limits are reached after `seen` rows.
        func shouldStop(seen: Int) -> Bool {
            !found.isEmpty && (tests >= SearchMatches.extraTests || seen >= SearchMatches.extraRows)
        }

        /// The first step up to `limit` at which the scan stops, where rows seen at step s is
        /// `seenAtZero + s` (nil: go on up to `limit`). Never before a step already tested.
        func stop(before limit: Int, seenAtZero: Int) -> Int? {
            guard !found.isEmpty else { return nil }
            if tests >= SearchMatches.extraTests { return next }
            let at = max(next, SearchMatches.extraRows - seenAtZero)
            return at <= limit ? at : nil
        }

        mutating func test(step: Int, storage: Int, needle: SearchNeedle, inbox: Inbox) {
            record(step: step, matched: needle.matches(inbox, storage))
        }

        /// Counts the text test of `step` and keeps it if it matched.
        mutating func record(step: Int, matched: Bool) {
            tests += 1
            next = step + 1
            if matched { found.append(step) }
        }
    }
}

/// The signatures, read (never written) by both threads of a wide scan while the inbox
/// lends them (`withSearchSignatures`).
private struct SharedSignatures: @unchecked Sendable {
    let sigs: UnsafeBufferPointer<SearchSignature.Bits>
}

/// The rows of one range of steps whose signature covers the needle's mask, each tested
/// against the text: `tested` holds `step << 1 | matched`, ascending, for steps `range.lowerBound..<end`.
private struct TestedPart: Sendable {
    let range: Range<Int>
    private(set) var tested: [Int] = []
    private(set) var end: Int

    /// Tests the rows of `range` (row origin+step, wrapping at `count`); past its first match
    /// it stops after `extraTests` more tests or `extraRows` more rows.
    init(_ range: Range<Int>, rows: RowList, sigs: UnsafeBufferPointer<SearchSignature.Bits>,
         needle: SearchNeedle, inbox: Inbox, origin: Int, count: Int) {
        self.range = range
        end = range.upperBound
        let mask = needle.mask
        var out: [Int] = []
        var matchedAt: Int?
        var testsAfter = 0
        var stoppedAt: Int?
        // Steps before the wrap are rows origin+step; after it, rows step-(count-origin).
        let wrap = count - origin
        for (lo, hi, shift) in [(range.lowerBound, min(range.upperBound, wrap), origin),
                                (max(range.lowerBound, wrap), range.upperBound, -wrap)] where lo < hi && stoppedAt == nil {
            rows.forEachChunk(from: lo + shift) { firstRow, chunk in
                let firstStep = firstRow - shift
                let n = min(chunk.count, hi - firstStep)
                for i in 0..<n {
                    let step = firstStep + i
                    if let m = matchedAt, testsAfter >= SearchMatches.extraTests || step - m > SearchMatches.extraRows {
                        stoppedAt = step
                        return false
                    }
                    let storage = Int(chunk[i])
                    guard sigs[storage].covers(mask) else { continue }
                    let matched = needle.matches(inbox, storage)
                    out.append(step << 1 | (matched ? 1 : 0))
                    if matchedAt != nil { testsAfter += 1 } else if matched { matchedAt = step }
                }
                return firstStep + n < hi
            }
        }
        tested = out
        if let stoppedAt { end = stoppedAt }
    }
}

/// The part one thread of a wide scan tested: each slot is written by one thread, and
/// `concurrentPerform` returns only when both are done.
private final class TestSlot: @unchecked Sendable {
    var part: TestedPart?
}
