#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only (`mmap`), unmapped when released: the snapshot is read
/// in place instead of copied into memory first. Its pages are mapped at once
/// (`MAP_POPULATE`): one call instead of a page fault per 4 KB.
///
/// Files kafka-inbox maps are only ever replaced by a rename (`AtomicFile`), never cut
/// short in place, so the mapped bytes stay valid while the mapping lives.
public final class MappedFile: @unchecked Sendable {
    /// The file's bytes (empty for an empty file). Valid while this object lives.
    public let bytes: UnsafeRawBufferPointer

    /// Maps the file open at `fd` (which may be closed afterwards); `name` is for errors.
    public init(fd: Int32, name: String) throws(SystemError) {
        var st = stat()
        try SystemError.check("fstat \(name)") { fstat(fd, &st) }
        let size = Int(st.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), p != MAP_FAILED else {
            throw SystemError(call: "mmap \(name)", errno: errno)
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
