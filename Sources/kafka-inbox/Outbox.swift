import Foundation
import InboxCore
import Synchronization

/// The durable local outbox of receipts (DESIGN §3, issue 4): an append-only journal of
/// JSON lines under `$XDG_STATE_HOME/kafka-inbox/`, one file per user and cluster.
///
/// - `add` writes a receipt's line before anything else happens to it; `sync` fsyncs the
///   file and is called before the receipt is handed to the producer. (`write(2)` alone
///   already survives `kill -9`: the data is in the kernel; fsync covers power loss.)
/// - `markDone` appends a done record once a delivery report (or the receipts topic
///   itself) confirms a receipt; when nothing is pending the file is replaced by an empty
///   one, and a large file is compacted (both: write temp + fsync + rename + fsync dir).
/// - Every operation holds `flock(LOCK_EX)` on the journal for its duration, and reopens
///   the file if another process replaced it by compaction meanwhile, so processes of one
///   user can share it. Which process replays old entries is decided by `SenderLock`.
/// - Damaged lines are skipped, counted, copied to `<file>.damaged`, and compacted away.
final class Outbox: Sendable {
    /// The journal's path.
    let path: String
    /// Damaged lines found (and skipped) when the outbox was opened.
    let damagedAtOpen: Int
    private let journal: Mutex<Journal>

    /// The open journal and what has been folded of it so far: operations read only the
    /// bytes appended since (by any process), not the whole file each time.
    private struct Journal {
        var fd: Int32
        var contents = OutboxContents()
        var offset = 0
        var inode: ino_t = 0
        var device: dev_t = 0
    }
    /// Compact when the file grows past this many bytes and some entries are done.
    static let compactionBytes = 1 << 20

    /// Opens (creating) the outbox of `user` on the cluster at `bootstrap`; recovers what
    /// is readable, reports and drops damaged lines.
    init(user: String, bootstrap: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let dir = Self.directory(environment: environment)
        try Self.makeDirectory(dir)
        let path = dir + "/" + Self.fileName(user: user, bootstrap: bootstrap)
        var file = try Self.openFile(path)
        let damaged: Int
        do {
            damaged = try Self.locked(&file, path: path) { fd in
                let contents = OutboxContents(bytes: try Self.readAll(fd))
                if !contents.damaged.isEmpty { Self.keepDamaged(contents.damaged, path: path + ".damaged") }
                if contents.needsCompaction { try Self.rewrite(&fd, path: path, with: contents.pending) }
                return contents.damaged.count
            }
        } catch {
            close(file)
            throw error
        }
        self.path = path
        self.journal = Mutex(Journal(fd: file))
        damagedAtOpen = damaged
    }

    deinit { journal.withLock { if $0.fd >= 0 { close($0.fd) } } }

    /// The outbox directory: `$XDG_STATE_HOME/kafka-inbox` (default `~/.local/state/kafka-inbox`).
    static func directory(environment: [String: String]) -> String {
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? "/tmp") + "/.local/state")
        return base + "/kafka-inbox"
    }

    /// `outbox-<user>-<servers, sanitised>-<hash>.jsonl`. The servers are lower-cased and
    /// sorted (the same cluster however listed); the FNV-1a hash of them keeps names that
    /// sanitise alike apart.
    static func fileName(user: String, bootstrap: String) -> String {
        let servers = bootstrap.lowercased().split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted().joined(separator: ",")
        let safe = String(servers.unicodeScalars.prefix(60).map { c -> Character in
            c.properties.isASCIIHexDigit || ("a"..."z").contains(c) || c == "." || c == "-" ? Character(c) : "_"
        })
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in servers.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return "outbox-\(user)-\(safe)-\(String(repeating: "0", count: 16 - hex.count) + hex).jsonl"
    }

    /// Receipts not yet confirmed, oldest first (re-read from the file: other processes'
    /// entries included).
    func pending() throws -> [Receipt] {
        try withJournal { j in try Self.refresh(&j).pending }
    }

    /// Appends receipts (one `write(2)`; see `sync` for durability against power loss).
    func add(_ receipts: [Receipt], sync: Bool = true) throws {
        guard !receipts.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(receipts.count * 300)
        for r in receipts { bytes += OutboxRecord.add(r).line }
        try append(bytes, sync: sync)
    }

    /// fsyncs the journal.
    func sync() throws {
        try journal.withLock { j in _ = try SystemError.check("fsync \(path)") { fdatasync(j.fd) } }
    }

    /// Records that these receipts are delivered; empties or compacts when worthwhile.
    func markDone(_ receiptIDs: [String]) throws {
        guard !receiptIDs.isEmpty else { return }
        try withJournal { j in
            try Self.appendBytes(j.fd, OutboxRecord.done(receiptIDs).line, path: path, sync: false)
            let size = lseek(j.fd, 0, SEEK_END)
            let contents = try Self.refresh(&j)
            let torn = Int(size) > j.offset  // a last line still without its newline
            if contents.pending.isEmpty && contents.damaged.isEmpty && !torn {
                // Emptied by replacing the file, not truncating it in place: a new inode is how
                // every process's fold (`refresh`) notices that the journal started over.
                try Self.rewrite(&j.fd, path: path, with: [])
                Self.forget(&j)
            } else if size > Self.compactionBytes && contents.needsCompaction {
                try Self.rewrite(&j.fd, path: path, with: contents.pending)
                Self.forget(&j)
            } else {
                _ = try SystemError.check("fsync \(path)") { fdatasync(j.fd) }
            }
        }
    }

    private func append(_ bytes: [UInt8], sync: Bool) throws {
        try withJournal { j in try Self.appendBytes(j.fd, bytes, path: path, sync: sync) }
    }

    /// Runs `body` on the journal with the lock held.
    private func withJournal<T: Sendable>(_ body: (inout Journal) throws -> T) throws -> T {
        try journal.withLock { j in
            if j.fd < 0 { j.fd = try Self.openFile(path) }
            var fd = j.fd
            defer { j.fd = fd }
            return try Self.locked(&fd, path: path) { fd in
                j.fd = fd  // reopened if another process had replaced the file
                defer { fd = j.fd }  // replaced by a compaction here: unlock that one
                return try body(&j)
            }
        }
    }

    /// Folds what was appended since the last call (by this or another process); starts
    /// over when the file was replaced (compaction) or truncated. Call with the lock held.
    private static func refresh(_ j: inout Journal) throws -> OutboxContents {
        var st = stat()
        _ = try SystemError.check("fstat") { fstat(j.fd, &st) }
        if st.st_ino != j.inode || st.st_dev != j.device || Int(st.st_size) < j.offset {
            forget(&j)
            (j.inode, j.device) = (st.st_ino, st.st_dev)
        }
        let bytes = try readAll(j.fd, from: j.offset)
        j.offset += j.contents.fold(bytes[...], final: false)
        return j.contents
    }

    /// Drops what was folded (the file was truncated or replaced).
    private static func forget(_ j: inout Journal) {
        j.contents = OutboxContents()
        j.offset = 0
        j.inode = 0
        j.device = 0
    }

    // MARK: - file operations

    private static func makeDirectory(_ dir: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw SystemError(call: "mkdir \(dir)", errno: Glibc.errno == 0 ? EACCES : Glibc.errno)
        }
    }

    private static func openFile(_ path: String) throws -> Int32 {
        try SystemError.check("open \(path)") { open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600) }
    }

    /// Locks the journal; if the path now names another file (compacted by another
    /// process between our open and our lock), reopens and locks that one.
    private static func locked<T>(_ fd: inout Int32, path: String, _ body: (inout Int32) throws -> T) throws -> T {
        while true {
            try SystemError.check("flock \(path)") { flock(fd, LOCK_EX) }
            var mine = stat(), current = stat()
            if fstat(fd, &mine) == 0, stat(path, &current) == 0, mine.st_ino == current.st_ino, mine.st_dev == current.st_dev {
                break
            }
            close(fd)
            fd = try openFile(path)
        }
        defer { flock(fd, LOCK_UN) }
        return try body(&fd)
    }

    private static func readAll(_ fd: Int32, from start: Int = 0) throws -> [UInt8] {
        var st = stat()
        _ = try SystemError.check("fstat") { fstat(fd, &st) }
        var bytes = [UInt8](repeating: 0, count: max(0, Int(st.st_size) - start))
        var done = 0
        while done < bytes.count {
            let n = try bytes.withUnsafeMutableBytes { buf in
                try SystemError.check("read outbox") {
                    Int32(pread(fd, buf.baseAddress! + done, buf.count - done, off_t(start + done)))
                }
            }
            if n == 0 { break }
            done += Int(n)
        }
        return Array(bytes.prefix(done))
    }

    /// Appends whole lines; if the file ends in a torn line (a writer killed mid-line), a
    /// newline first, so the torn line stays one damaged line and ours stays intact.
    private static func appendBytes(_ fd: Int32, _ bytes: [UInt8], path: String, sync: Bool) throws {
        var data = bytes
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, st.st_size - 1) == 1, last != 0x0A { data.insert(0x0A, at: 0) }
        }
        var done = 0
        while done < data.count {
            let n = try data.withUnsafeBytes { buf in
                try SystemError.check("write \(path)") { Int32(write(fd, buf.baseAddress! + done, buf.count - done)) }
            }
            done += Int(n)
        }
        if sync { _ = try SystemError.check("fsync \(path)") { fdatasync(fd) } }
    }

    /// Replaces the journal with only `pending`: temp file, fsync, rename, fsync dir; `fd`
    /// then refers to the new file (still locked: the lock is taken on it before rename).
    private static func rewrite(_ fd: inout Int32, path: String, with pending: [Receipt]) throws {
        let temp = path + ".tmp.\(getpid())"
        let tfd = try SystemError.check("open \(temp)") { open(temp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o600) }
        do {
            try SystemError.check("flock \(temp)") { flock(tfd, LOCK_EX) }
            var bytes: [UInt8] = []
            for r in pending { bytes += OutboxRecord.add(r).line }
            try appendBytes(tfd, bytes, path: temp, sync: true)
            try SystemError.check("rename \(temp)") { rename(temp, path) }
        } catch {
            close(tfd)
            unlink(temp)
            throw error
        }
        let dir = (path as NSString).deletingLastPathComponent
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        close(fd)
        fd = tfd
    }

    private static func keepDamaged(_ lines: [ArraySlice<UInt8>], path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var bytes: [UInt8] = []
        for l in lines { bytes += l; bytes.append(0x0A) }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        close(fd)
    }
}
