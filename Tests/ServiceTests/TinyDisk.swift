import Foundation

/// A small tmpfs mounted for one test (`mount -t tmpfs -o size=…`): a real full disk
/// (ENOSPC). Needs the right to mount (root with CAP_SYS_ADMIN); `available` says
/// whether this machine gives it. Unmounted when released.
final class TinyDisk {
    /// The mount point.
    let path: String

    /// Whether tmpfs can be mounted here (tried once).
    static let available: Bool = {
        guard let disk = try? TinyDisk(kilobytes: 64) else { return false }
        _ = disk
        return true
    }()

    init(kilobytes: Int) throws {
        path = NSTemporaryDirectory() + "tiny-disk-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k,mode=0700", "tmpfs", path]) == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    /// Fills the disk until at most `leaving` bytes are free (a file named `filler`).
    func fill(leaving: Int = 0) {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x2E, count: 1024)
        while freeBytes > leaving {
            let n = min(chunk.count, max(1, freeBytes - leaving))
            if chunk.withUnsafeBytes({ write(fd, $0.baseAddress, n) }) <= 0 { break }
        }
    }

    /// Frees what `fill` took.
    func empty() { unlink(path + "/filler") }

    /// Free bytes on the disk.
    var freeBytes: Int {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { return 0 }
        return Int(s.f_bavail) * Int(s.f_bsize)
    }

    deinit {
        _ = Self.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
