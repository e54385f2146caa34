import Testing
import InboxSystem

/// The allocator set-up both `kafka-inbox` and the benchmark make at start-up.
struct AllocatorTests {
    /// A block of 96 KB (under glibc's default threshold of 128 KB, which it raises further
    /// with every mapped block freed) gets a mapping of its own, and so goes back to the
    /// system when freed instead of staying resident as a hole in the heap.
    @Test func blocksOfSixtyFourKilobytesOrMoreAreMappedAndGivenBack() {
        #expect(Allocator.keepResidentSizeDown())
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
        // Half the blocks' bytes as the margin: other tests of this process allocate too.
        #expect(held - before >= count * size / 2, "mapped \(before) → \(held) bytes while holding \(count * size)")
        #expect(held - after >= count * size / 2, "mapped \(held) → \(after) bytes after freeing \(count * size)")
    }
}
