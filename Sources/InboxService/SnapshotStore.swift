import InboxCore
import InboxSystem
#if canImport(Glibc)
import Glibc
#endif

/// The local snapshot file of one user on one cluster (fast restart; `StatePaths` names it
/// like the outbox). Written atomically (`AtomicFile`), so a reader sees the old snapshot
/// or the new one, never a mix; readers check everything (`SnapshotCodec`), so a damaged
/// file is reported and ignored, never trusted.
public struct SnapshotStore: Sendable {
    /// The snapshot's path.
    public let path: String

    /// What `load` found.
    public enum Loaded {
        /// No snapshot yet.
        case none
        /// A snapshot that decoded (not yet checked against Kafka).
        case snapshot(InboxSnapshot, bytes: Int, seconds: Double)
        /// A file that cannot be used, and why (one line).
        case unusable(String)
    }

    /// The store at `path`.
    public init(path: String) { self.path = path }

    /// Reads and decodes the snapshot.
    public func load() -> Loaded {
        let clock = ContinuousClock()
        let started = clock.now
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            // No file, or no state directory at all (its parent a file): no snapshot yet.
            if errno == ENOENT || errno == ENOTDIR { return .none }
            return .unusable("cannot open it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        // Decoded from the file mapped in memory: the notifications' text is read in place
        // (the store's chunks point into the mapping, which lives as long as they do), so
        // opening neither copies it nor faults in fresh memory for it.
        let image: ImageBytes
        do {
            image = ImageBytes(try Posix.mapFile(fd, call: "read \(path)"), release: { Posix.unmap($0) })
        } catch {
            return .unusable("cannot read it: \(error)")
        }
        let decoded: Result<(InboxSnapshot, Int), SnapshotError>
        do throws(SnapshotError) {
            decoded = .success((try SnapshotCodec.decode(image), image.bytes.count))
        } catch {
            decoded = .failure(error)
        }
        switch decoded {
        case .success(let (snapshot, size)): return .snapshot(snapshot, bytes: size, seconds: (clock.now - started).seconds)
        case .failure(let error): return .unusable("\(error)")
        }
    }

    /// Writes `inbox` with `header` atomically; returns the size written.
    @discardableResult
    public func save(_ header: SnapshotHeader, inbox: Inbox) throws(SystemError) -> Int {
        let bytes = SnapshotCodec.encode(header, inbox: inbox)
        try Posix.makeDirectories(Posix.directory(of: path))
        try AtomicFile.replace(path, with: bytes)
        return bytes.count
    }

    /// Removes the snapshot.
    public func remove() { unlink(path) }
}
