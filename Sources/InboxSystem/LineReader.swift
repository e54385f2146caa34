#if canImport(Glibc)
import Glibc
#endif

/// Reads a file descriptor line by line in large chunks, without holding more than the
/// chunk and the longest line: `send --file` streams a file of any length this way.
///
/// A line ends at `\n`; a `\r` before it is dropped (CRLF files). The last line needs no
/// newline. The bytes given to the body are valid only during the call.
public struct LineReader {
    private let fd: Int32
    private let name: String
    private var buffer: UnsafeMutableRawBufferPointer
    /// Bytes of `buffer` holding data not yet given out: `start..<end`.
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// Lines given out so far (across calls of `forEachLine`).
    private var number = 0

    /// Reads `fd` (not closed here); `name` is for errors ("stdin", a path).
    public init(fd: Int32, name: String, chunk: Int = 1 << 20) {
        self.fd = fd
        self.name = name
        buffer = .allocate(byteCount: max(chunk, 16), alignment: 16)
    }

    /// Frees the buffer.
    public func close() { buffer.deallocate() }

    /// Calls `body` with each line (without its line end) and its 1-based number, until the
    /// end of the file or until `body` returns false (a later call goes on from there).
    public mutating func forEachLine<E: Error>(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(E) -> Bool) throws(LineReaderError<E>) {
        while true {
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            if let nl = memchrIndex(base, from: start, to: end) {
                var stop = nl
                if stop > start && base[stop - 1] == 13 { stop -= 1 }
                number += 1
                let line = UnsafeBufferPointer(start: base + start, count: stop - start)
                start = nl + 1
                do { if try !body(line, number) { return } } catch { throw .body(error) }
                continue
            }
            if atEOF {
                if start < end {
                    number += 1
                    var stop = end
                    if base[stop - 1] == 13 { stop -= 1 }
                    let line = UnsafeBufferPointer(start: base + start, count: stop - start)
                    start = end
                    do { _ = try body(line, number) } catch { throw .body(error) }
                }
                return
            }
            do { try fill() } catch { throw .read(error) }
        }
    }

    /// Moves the unread bytes to the front (growing the buffer for a line longer than it)
    /// and reads more.
    private mutating func fill() throws(SystemError) {
        if start > 0 {
            let left = end - start
            if left > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: left) }
            start = 0
            end = left
        }
        if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
            buffer.deallocate()
            buffer = bigger
        }
        let room = UnsafeMutableRawBufferPointer(rebasing: buffer[end...])
        let n = try Posix.read(fd, into: room, call: "read \(name)")
        if n == 0 { atEOF = true } else { end += n }
    }

    private func memchrIndex(_ base: UnsafeMutablePointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let p = memchr(base + from, 10, to - from) else { return nil }
        return base.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }
}

/// Why `LineReader.forEachLine` stopped: the read failed, or the body threw.
public enum LineReaderError<Body: Error>: Error {
    /// Reading the descriptor failed.
    case read(SystemError)
    /// The body threw this.
    case body(Body)
}
