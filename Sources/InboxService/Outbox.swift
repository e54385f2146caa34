import InboxCore
import InboxSystem
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The durable local outbox of receipts: an append-only journal of JSON lines under the
/// state directory (`StatePaths`), one file per user and cluster.
///
/// - `add` writes a receipt's line before it is handed to the producer, and fsyncs it
///   unless told not to. (`write(2)` alone already survives `kill -9`: the data is in the
///   kernel; the fsync covers power loss.)
/// - `markDone` appends a done record once a delivery report (or the receipts topic
///   itself) confirms a receipt; when nothing is pending the file is replaced by an empty
///   one, and a large file is compacted (both: write temp + fsync + rename + fsync dir).
/// - Every operation holds `flock(LOCK_EX)` on the journal for its duration, and reopens
///   the file if another process replaced it by compaction meanwhile, so processes of one
///   user can share it. Which process replays old entries is decided by `SenderLock`.
/// - Damaged lines are skipped, counted, copied to `<file>.damaged`, and compacted away.
public final class Outbox: Sendable {
    /// The journal's path.
    public let path: String
    /// Damaged lines found (and skipped) when the outbox was opened.
    public let damagedAtOpen: Int
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
    /// Compact when the file grows past this many bytes and most of it is obsolete.
    static let compactionBytes = 1 << 20

    /// Opens (creating it and its directory) the journal at `path` (`Settings.outboxPath`);
    /// recovers what is readable, reports and drops damaged lines.
    public init(path: String) throws {
        try Posix.makeDirectories(Posix.directory(of: path))
        var file = try Self.openFile(path)
        let damaged: Int
        do {
            damaged = try Self.locked(&file, path: path) { fd in
                let contents = OutboxContents(bytes: try Posix.readToEnd(fd, call: "read \(path)"))
                if !contents.damaged.isEmpty { Self.keepDamaged(contents.damaged, path: path + ".damaged") }
                if contents.needsCompaction {
                    // Compaction can wait: a full disk must not keep the journal from opening.
                    var j = Journal(fd: fd)
                    if (try? Self.rewrite(&j, path: path, with: contents.pending)) != nil { fd = j.fd }
                }
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

    /// The line to show when damaged lines were skipped at open, if any were.
    public var damageNote: String? {
        damagedAtOpen > 0 ? "outbox: \(damagedAtOpen) damaged line(s) skipped (kept in \(path).damaged)" : nil
    }

    /// Receipts not yet confirmed, oldest first (re-read from the file: other processes'
    /// entries included).
    public func pending() throws -> [Receipt] {
        try withJournal { j in try Self.refresh(&j, path: path).pending }
    }

    /// Appends receipts (one `write(2)`; fsync'd unless `sync` is false).
    public func add(_ receipts: [Receipt], sync: Bool = true) throws {
        try add(receipts, values: receipts.map(ReceiptCodec.encode), sync: sync)
    }

    /// `add` of receipts already encoded: `values[i]` is `ReceiptCodec.encode(receipts[i])`
    /// (the bytes the producer sends too: a receipt is encoded once).
    public func add(_ receipts: [Receipt], values: [[UInt8]], sync: Bool = true) throws {
        precondition(values.count == receipts.count, "one value per receipt")
        guard !receipts.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.reduce(0) { $0 + $1.count } + receipts.count * 24)
        for v in values { OutboxRecord.appendAddLine(value: v, to: &bytes) }
        try append(bytes, records: receipts.map { .add($0) }, sync: sync)
    }

    /// fsyncs the journal.
    public func sync() throws {
        try journal.withLock { j in _ = try SystemError.check("fsync \(path)") { fdatasync(j.fd) } }
    }

    /// Records that these receipts are delivered; empties or compacts when worthwhile.
    public func markDone(_ receiptIDs: [String]) throws {
        guard !receiptIDs.isEmpty else { return }
        try withJournal { j in
            try Self.appendFolded(&j, OutboxRecord.done(receiptIDs).line, records: [.done(receiptIDs)], path: path, sync: false)
            let size = lseek(j.fd, 0, SEEK_END)
            let contents = j.contents
            let torn = Int(size) > j.offset  // a last line still without its newline
            if contents.pendingCount == 0 && contents.damaged.isEmpty && !torn {
                // Emptied by replacing the file, not truncating it in place: a new inode is how
                // every process's fold (`refresh`) notices that the journal started over.
                try Self.rewrite(&j, path: path, with: [])
            } else if size > Self.compactionBytes && contents.mostlyObsolete {
                try Self.rewrite(&j, path: path, with: contents.pending)
            } else {
                _ = try SystemError.check("fsync \(path)") { fdatasync(j.fd) }
            }
        }
    }

    private func append(_ bytes: [UInt8], records: [OutboxRecord], sync: Bool) throws {
        try withJournal { j in try Self.appendFolded(&j, bytes, records: records, path: path, sync: sync) }
    }

    /// Brings the fold up to date, appends `bytes` and folds `records` (what the bytes say)
    /// directly: this process never parses back what it has just written. Lock held.
    private static func appendFolded(_ j: inout Journal, _ bytes: [UInt8], records: [OutboxRecord], path: String,
                                     sync: Bool) throws {
        _ = try refresh(&j, path: path)
        let before = lseek(j.fd, 0, SEEK_END)
        let written: Int
        do { written = try appendBytes(j.fd, bytes, path: path, sync: sync) } catch {
            // A full disk (or a file-size limit) may have taken part of the lines: cut them
            // off again (truncating needs no space), so the journal holds all of them or none.
            if before >= 0 { try? Posix.truncate(j.fd, to: Int(before), call: "ftruncate \(path)") }
            throw error
        }
        if Int(before) == j.offset, before >= 0 {
            if records.count > 64 { j.contents.reserve(records.count) }
            for r in records { j.contents.apply(r) }
            j.offset += written
        } else {
            _ = try refresh(&j, path: path)  // after a torn line: read it all back
        }
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
    private static func refresh(_ j: inout Journal, path: String) throws -> OutboxContents {
        var st = stat()
        _ = try SystemError.check("fstat \(path)") { fstat(j.fd, &st) }
        if st.st_ino != j.inode || st.st_dev != j.device || Int(st.st_size) < j.offset {
            forget(&j)
            (j.inode, j.device) = (st.st_ino, st.st_dev)
        }
        let bytes = try Posix.readToEnd(j.fd, from: j.offset, call: "read \(path)")
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

    /// Appends whole lines; if the file ends in a torn line (a writer killed mid-line), a
    /// newline first, so the torn line stays one damaged line and ours stays intact.
    @discardableResult
    private static func appendBytes(_ fd: Int32, _ bytes: [UInt8], path: String, sync: Bool) throws -> Int {
        var data = bytes
        var st = stat()
        if fstat(fd, &st) == 0, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, st.st_size - 1) == 1, last != 0x0A { data.insert(0x0A, at: 0) }
        }
        try Posix.writeAll(fd, data, call: "write \(path)")
        if sync { _ = try SystemError.check("fsync \(path)") { fdatasync(fd) } }
        return data.count
    }

    /// Replaces the journal with only `pending` (`AtomicFile`); the journal then refers to
    /// the new file, still locked (the lock is taken on it before the rename), and its fold
    /// is made from `pending` directly (nothing is read back).
    private static func rewrite(_ j: inout Journal, path: String, with pending: [Receipt]) throws {
        var bytes: [UInt8] = []
        for r in pending { bytes += OutboxRecord.add(r).line }
        let fresh = try AtomicFile.replace(path, with: bytes, keepLocked: true)!
        close(j.fd)
        j.fd = fresh
        forget(&j)
        var st = stat()
        guard fstat(fresh, &st) == 0 else { return }  // the next refresh reads it all back
        (j.inode, j.device) = (st.st_ino, st.st_dev)
        for r in pending { j.contents.apply(.add(r)) }
        j.offset = bytes.count
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
