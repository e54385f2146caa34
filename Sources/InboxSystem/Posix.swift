#if canImport(Glibc)
import Glibc
#endif

/// Thin wrappers of the system calls the pipeline's threads use (pipes, poll, reads and
/// writes of whole buffers); each throws `SystemError` and retries EINTR through it.
public enum Posix {
    /// Whether an error means "try again later" on a non-blocking descriptor.
    public static func isWouldBlock(_ code: Int32) -> Bool { code == EAGAIN || code == EWOULDBLOCK }

    /// A pipe with both ends non-blocking and close-on-exec.
    public static func pipe() throws(SystemError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        try SystemError.check("pipe") { Glibc.pipe(&fds) }
        for fd in fds {
            let flags = fcntl(fd, F_GETFL)
            if flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 {
                let code = Glibc.errno
                close(fds[0]); close(fds[1])
                throw SystemError(call: "fcntl", errno: code)
            }
        }
        return (fds[0], fds[1])
    }

    /// Writes one byte; `false` when the descriptor would block (pipe full).
    @discardableResult
    public static func writeByte(_ fd: Int32) throws(SystemError) -> Bool {
        var byte: UInt8 = 1
        do {
            try SystemError.check("write") { Glibc.write(fd, &byte, 1) }
            return true
        } catch where isWouldBlock(error.errno) {
            return false
        }
    }

    /// Reads and discards everything a non-blocking descriptor holds.
    public static func drain(_ fd: Int32) throws(SystemError) {
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let n: Int
            do {
                n = try SystemError.check("read") { buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            } catch where isWouldBlock(error.errno) {
                return
            }
            if n == 0 { return }
        }
    }

    /// Waits for any of `fds` to become readable; returns each one's `revents`, in order.
    /// A signal interrupting the wait returns all zero (the caller looks at its signal
    /// pipe). `timeoutMs` < 0 waits for ever.
    public static func poll(_ fds: [Int32], timeoutMs: Int32) throws(SystemError) -> [Int16] {
        var entries = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        do {
            try SystemError.check("poll", retryOnInterrupt: false) { Glibc.poll(&entries, nfds_t(entries.count), timeoutMs) }
        } catch where error.errno == EINTR {
            return fds.map { _ in 0 }
        }
        return entries.map(\.revents)
    }

    /// Writes all of `bytes` to `fd` (blocking descriptors).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, call: @autoclosure () -> String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let n = try SystemError.check(call()) { Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }
            if n == 0 { throw SystemError(call: call(), errno: EIO) }
            done += n
        }
    }

    /// Writes all of `bytes` to `fd` (blocking descriptors).
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], call: @autoclosure () -> String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let n = try SystemError.check(call()) { bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) } }
            if n == 0 { throw SystemError(call: call(), errno: EIO) }
            done += n
        }
    }

    /// Opens `path` for reading (close-on-exec).
    public static func openForReading(_ path: String) throws(SystemError) -> Int32 {
        try SystemError.check("open \(path)") { open(path, O_RDONLY | O_CLOEXEC) }
    }

    /// Closes `fd` (errors are of no use to a reader).
    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    /// Reads at most `buffer.count` bytes from a blocking `fd`; 0 at the end of the file.
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, call: @autoclosure () -> String) throws(SystemError) -> Int {
        try SystemError.check(call()) { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// Removes the file at `path` (`unlink`).
    public static func remove(_ path: String) throws(SystemError) {
        try SystemError.check("unlink \(path)") { unlink(path) }
    }

    /// Cuts the file to `length` bytes (`ftruncate`; needs no free space).
    public static func truncate(_ fd: Int32, to length: Int, call: @autoclosure () -> String) throws(SystemError) {
        try SystemError.check(call()) { ftruncate(fd, off_t(length)) }
    }

    /// Reads from `offset` to the end of the file (as long as it is when asked).
    public static func readToEnd(_ fd: Int32, from offset: Int = 0, call: @autoclosure () -> String) throws(SystemError) -> [UInt8] {
        var st = stat()
        try SystemError.check("fstat (\(call()))") { fstat(fd, &st) }
        let size = max(0, Int(st.st_size) - offset)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = try SystemError.check(call()) {
                bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(offset + done)) }
            }
            if n == 0 { break }  // shrank meanwhile: the caller sees fewer bytes
            done += n
        }
        if done < size { bytes.removeLast(size - done) }
        return bytes
    }

    /// Maps the whole file open at `fd` read-only (`mmap`, private, pages read in at once):
    /// no copy of the file is made, and the mapping outlives `fd` until `unmap`. The file
    /// must not be cut short or rewritten in place meanwhile (the snapshot is replaced by a
    /// rename, which leaves a mapping of the old file as it was), or reading past its new end faults.
    public static func mapFile(_ fd: Int32, call: @autoclosure () -> String) throws(SystemError) -> UnsafeRawBufferPointer {
        var st = stat()
        try SystemError.check("fstat (\(call()))") { fstat(fd, &st) }
        let size = Int(st.st_size)
        guard size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
        guard let mapped, mapped != MAP_FAILED else { throw SystemError(call: "mmap (\(call()))", errno: errno) }
        return UnsafeRawBufferPointer(start: mapped, count: size)
    }

    /// Unmaps what `mapFile` mapped.
    public static func unmap(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    }

    /// The directory holding `path` (`.` for a bare name).
    public static func directory(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    }

    /// fsyncs the directory holding `path` (so a rename in it survives power loss).
    public static func syncDirectory(of path: String) {
        let dir = directory(of: path)
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Creates `path` and its parents (mode 0700 for what is created).
    public static func makeDirectories(_ path: String) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && Glibc.errno != EEXIST {
                throw SystemError(call: "mkdir \(current)", errno: Glibc.errno)
            }
        }
    }

    /// Milliseconds since the epoch, from the real-time clock.
    public static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
