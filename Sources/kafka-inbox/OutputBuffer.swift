import Foundation
import InboxCore

/// stdout for commands that print many lines (`list`): lines are gathered in one reusable
/// buffer and written 64 KB at a time through `Console.write` (so a write that fails still
/// ends the command with its message and exit 74), instead of one `write(2)` per line.
struct OutputBuffer {
    /// Bytes gathered before they are written.
    static let chunkBytes = 64 * 1024
    /// Rows of JSON lines one thread renders at a time (about 1.8 MB of 450-byte lines).
    static let blockRows = 4096

    /// The buffer; lines are written into it directly.
    var writer = JSONWriter(capacity: OutputBuffer.chunkBytes + 8 * 1024)

    /// Adds `text` and a newline.
    mutating func line(_ text: String) {
        writer.raw(text)
        endLine()
    }

    /// Ends the line written into `writer`; writes the buffer out when it is full.
    mutating func endLine() {
        writer.endLine()
        if writer.count >= Self.chunkBytes { flush() }
    }

    /// Writes out what is gathered.
    mutating func flush() {
        guard writer.count > 0 else { return }
        writer.withBytes { Console.write($0) }
        writer.removeAll()
    }

    /// Writes the JSON line of each of `rows` of `inbox`, in order, after what is gathered.
    /// Two threads render blocks of lines side by side (rendering, not writing, is what
    /// costs: about 0.5–1 µs of CPU a 450-byte line, measured at a million); this thread
    /// writes each pair of blocks in order.
    mutating func lines(_ inbox: Inbox, rows: ArraySlice<Int>) {
        flush()
        guard rows.count > Self.blockRows else {
            NotificationJSON.appendLines(inbox, rows: rows, to: &writer)
            return flush()
        }
        let slots = [RenderSlot(), RenderSlot()]
        var start = rows.startIndex
        while start < rows.endIndex {
            let first = start..<min(start + Self.blockRows, rows.endIndex)
            let second = first.upperBound..<min(first.upperBound + Self.blockRows, rows.endIndex)
            DispatchQueue.concurrentPerform(iterations: 2) { k in
                slots[k].writer.removeAll()
                NotificationJSON.appendLines(inbox, rows: rows[k == 0 ? first : second], to: &slots[k].writer)
            }
            for slot in slots { slot.writer.withBytes { Console.write($0) } }
            start = second.upperBound
        }
    }
}

/// The buffer of one rendering thread of `OutputBuffer.lines`: each is touched by one
/// thread at a time, `concurrentPerform` returning only when both renders are done.
private final class RenderSlot: @unchecked Sendable {
    var writer = JSONWriter(capacity: OutputBuffer.blockRows * 512)
}
