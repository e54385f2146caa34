import Foundation
import Testing
import InboxSystem
#if canImport(Glibc)
import Glibc
#endif

/// The allocator set-up both `kafka-inbox` and the benchmark make at start-up.
struct AllocatorTests {
    /// A block of 96 KB (under glibc's default threshold of 128 KB, which it raises further
    /// with every mapped block freed) gets a mapping of its own, and so goes back to the
    /// system when freed instead of staying resident as a hole in the heap.
    ///
    /// Runs in a process of its own, as `kafka-inbox` does at start-up: in the test process,
    /// free chunks other tests left in the heap serve such blocks before any mapping is made,
    /// and other threads map and unmap concurrently, so the process-wide count says nothing.
    @Test func blocksOfSixtyFourKilobytesOrMoreAreMappedAndGivenBack() async {
        await #expect(processExitsWith: .success) {
            guard Allocator.keepResidentSizeDown() else { exit(2) }
            let size = 96 << 10
            let count = 256
            let before = Allocator.mappedBytes
            var blocks: [UnsafeMutableRawPointer] = []
            for _ in 0..<count {
                let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
                block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
                blocks.append(block)
            }
            let held = Allocator.mappedBytes
            for block in blocks { block.deallocate() }
            let after = Allocator.mappedBytes
            // Every block is mapped while held and unmapped when freed.
            guard held - before >= count * size else { exit(3) }
            guard held - after >= count * size else { exit(4) }
            exit(0)
        }
    }

    /// Small blocks freed inside the heap (below a block still held, so the heap's top
    /// cannot shrink) stay resident until `giveBackFreeMemory`, which the inbox calls once
    /// catch-up is applied; then their pages go back.
    @Test func freeMemoryInsideTheHeapGoesBackWhenAsked() async {
        await #expect(processExitsWith: .success) {
            func resident() -> Int {
                let statm = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
                let pages = statm.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
                return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
            }
            guard Allocator.keepResidentSizeDown() else { exit(2) }
            var blocks: [UnsafeMutableRawPointer] = []
            blocks.reserveCapacity(200_000)
            for _ in 0..<200_000 {
                guard let b = malloc(200) else { exit(5) }
                memset(b, 1, 200)
                blocks.append(b)
            }
            guard let last = malloc(200) else { exit(5) }
            memset(last, 1, 200)
            for b in blocks { free(b) }
            let before = resident()
            Allocator.giveBackFreeMemory()
            let after = resident()
            free(last)
            // About 45 MB were freed; at least 20 of them must leave.
            exit(before - after >= 20 << 20 ? 0 : 4)
        }
    }
}
