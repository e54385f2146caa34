import Foundation
import Testing
@testable import InboxCore

/// The large arrays a snapshot opens into are filled as asked, and, where the kernel hands
/// out transparent huge pages on request, are backed by them (the opening's page faults).
struct HugePagesTests {
    @Test func aLargeArrayHoldsWhatWasFilledIn() {
        let n = 3 << 20 / 8
        let a: [UInt64] = HugePages.array(count: n) { buffer in
            for i in 0..<n { buffer[i] = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 }
        }
        #expect(a.count == n)
        #expect(a.indices.allSatisfy { a[$0] == UInt64($0) &* 0x9E37_79B9_7F4A_7C15 })
        let small: [UInt8] = HugePages.array(count: 3) { $0[0] = 1; $0[1] = 2; $0[2] = 3 }
        #expect(small == [1, 2, 3])
        let none: [Int32] = HugePages.array(count: 0) { _ in }
        #expect(none.isEmpty)
    }

    @Test(.enabled(if: Self.kernelAdvisesHugePages)) func aLargeArrayIsOnHugePagesWhereTheKernelOffersThem() throws {
        let n = 64 << 20 / 8
        let a: [UInt64] = HugePages.array(count: n) { buffer in
            for i in 0..<n { buffer[i] = UInt64(i) }
        }
        let huge = try a.withUnsafeBytes { try Self.anonHugeKB(in: UInt(bitPattern: $0.baseAddress), count: $0.count) }
        #expect(a[n - 1] == UInt64(n - 1))
        // At least half of the 64 MB: the ends of a mapping that is not 2 MB aligned stay small.
        #expect(huge >= 32 << 10, "\(huge) kB of the array's 64 MB on huge pages")
        let plain = [UInt64](repeating: 1, count: n)
        let small = try plain.withUnsafeBytes { try Self.anonHugeKB(in: UInt(bitPattern: $0.baseAddress), count: $0.count) }
        if Self.mode == "madvise" { #expect(small < huge, "a plain array: \(small) kB on huge pages") }
    }

    static var mode: String {
        let text = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
        return text.contains("[madvise]") ? "madvise" : text.contains("[always]") ? "always" : "never"
    }

    /// THP in `madvise` or `always` mode, and not disabled for this process.
    static var kernelAdvisesHugePages: Bool {
        guard let mode = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8),
              let defrag = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/defrag", encoding: .utf8) else { return false }
        // Without direct compaction on request the kernel may fall back to small pages at will.
        return (mode.contains("[madvise]") || mode.contains("[always]"))
            && (defrag.contains("[madvise]") || defrag.contains("[always]") || defrag.contains("[defer+madvise]"))
    }

    /// The AnonHugePages of the mappings that overlap `count` bytes at `start` (/proc/self/smaps).
    static func anonHugeKB(in start: UInt, count: Int) throws -> Int {
        // Read to its end (a proc file says it has no size).
        let data = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps")).readToEnd() ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let end = start + UInt(count)
        var inside = false
        var kb = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] < end && bounds[1] > start
            } else if inside, fields.first == "AnonHugePages:", fields.count > 1 {
                kb += Int(fields[1]) ?? 0
            }
        }
        return kb
    }
}
