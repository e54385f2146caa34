import Foundation
import InboxCore

/// The local snapshot file of one user on one cluster (fast restart, issue 4 item 5):
/// `$XDG_STATE_HOME/kafka-inbox/snapshot-<user>-<servers>-<hash>.bin`, named like the
/// outbox. Written atomically (temp file, fsync, rename, fsync of the directory), so a
/// reader sees the old snapshot or the new one, never a mix; readers check everything
/// (`SnapshotCodec`), so a damaged file is reported and ignored, never trusted.
struct SnapshotStore: Sendable {
    /// The snapshot's path.
    let path: String
    /// The user and the normalised bootstrap servers it belongs to.
    let user: String
    let cluster: String

    /// What `load` found.
    enum Loaded {
        /// No snapshot yet.
        case none
        /// A snapshot that decoded (not yet checked against Kafka).
        case snapshot(InboxSnapshot, bytes: Int, seconds: Double)
        /// A file that cannot be used, and why (one line).
        case unusable(String)
    }

    init(user: String, bootstrap: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let name = Outbox.fileName(user: user, bootstrap: bootstrap)
        // outbox-<user>-<servers>-<hash>.jsonl → snapshot-<user>-<servers>-<hash>.bin
        let stem = name.dropFirst("outbox-".count).dropLast(".jsonl".count)
        path = Outbox.directory(environment: environment) + "/snapshot-" + stem + ".bin"
        self.user = user
        cluster = Self.normalised(bootstrap)
    }

    /// Bootstrap servers lower-cased and sorted: the same cluster however it is listed.
    static func normalised(_ bootstrap: String) -> String {
        bootstrap.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.sorted().joined(separator: ",")
    }

    /// Reads and decodes the snapshot.
    func load() -> Loaded {
        let clock = ContinuousClock()
        let started = clock.now
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .none }
            return .unusable("cannot open it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .unusable("cannot stat it: \(String(cString: strerror(errno)))") }
        let size = Int(st.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buffer, count in
            var done = 0
            while done < size {
                let n = read(fd, buffer.baseAddress! + done, size - done)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = "cannot read it: \(String(cString: strerror(errno)))"; break }
                if n == 0 { break }  // shrank meanwhile: the codec reports it as truncated
                done += n
            }
            count = done
        }
        if let failure { return .unusable(failure) }
        do {
            let snapshot = try SnapshotCodec.decode(bytes)
            let elapsed = clock.now - started
            return .snapshot(snapshot, bytes: bytes.count, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        } catch {
            return .unusable("\(error)")
        }
    }

    /// Writes `inbox` with `header` atomically; returns the size written.
    @discardableResult
    func save(_ header: SnapshotHeader, inbox: Inbox) throws -> Int {
        let bytes = SnapshotCodec.encode(header, inbox: inbox)
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SnapshotWriteError(path: temp, errno: errno) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do {
            defer { close(fd) }
            try bytes.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let n = write(fd, buffer.baseAddress! + done, buffer.count - done)
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { throw SnapshotWriteError(path: temp, errno: errno) }
                    done += n
                }
            }
            guard fsync(fd) == 0 else { throw SnapshotWriteError(path: temp, errno: errno) }
        }
        guard rename(temp, path) == 0 else { throw SnapshotWriteError(path: path, errno: errno) }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
        return bytes.count
    }

    /// Removes the snapshot (it was found not to match Kafka).
    func remove() { unlink(path) }
}

/// A failed snapshot write.
struct SnapshotWriteError: Error, CustomStringConvertible {
    var path: String
    var errno: Int32
    var description: String { "\(path): \(String(cString: strerror(errno)))" }
}
