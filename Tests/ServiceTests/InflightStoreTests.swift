import Testing
@testable import InboxService

/// The delivery engine's copies of the messages in flight: what a producer restart sends
/// again must be exactly the messages not reported yet, byte for byte, in order.
struct InflightStoreTests {
    private func add(_ store: inout InflightStore, token: UInt, topic: String, key: String?, value: [UInt8]) -> UInt {
        value.withUnsafeBytes { v in
            guard let key else { return store.add(token: token, topic: topic, key: nil, value: v) }
            return Array(key.utf8).withUnsafeBytes { store.add(token: token, topic: topic, key: $0, value: v) }
        }
    }

    @Test func reportsInAnyOrderLeaveExactlyTheOthersAndChunksAreReused() {
        var store = InflightStore()
        var sequences: [UInt: UInt] = [:]
        // 10,000 messages of 1 KB: ten chunks' worth, with a large one and keyless ones among them.
        for token in UInt(1)...10_000 {
            let size = token == 5_000 ? 3 << 20 : 1000
            let value = [UInt8](repeating: UInt8(token % 251), count: size)
            sequences[token] = add(&store, token: token, topic: "t\(token % 3)", key: token % 7 == 0 ? nil : "k\(token)", value: value)
        }
        #expect(store.count == 10_000)
        // Every token not divisible by 10 is reported, from the newest down.
        for token in stride(from: UInt(10_000), through: 1, by: -1) where token % 10 != 0 {
            let got = store.take(sequences[token]!)
            #expect(got?.token == token && got?.topic == "t\(token % 3)")
        }
        #expect(store.take(sequences[1]!) == nil)  // reported once only
        #expect(store.count == 1_000)
        var left: [UInt] = []
        store.forEach { token, topic, key, value in
            left.append(token)
            #expect(topic == "t\(token % 3)")
            #expect(key.map { String(decoding: $0, as: UTF8.self) } == (token % 7 == 0 ? nil : "k\(token)"))
            #expect(value.count == (token == 5_000 ? 3 << 20 : 1000) && value.allSatisfy { $0 == UInt8(token % 251) })
        }
        #expect(left == Array(stride(from: UInt(10), through: 10_000, by: 10)))
        #expect(store.holds(tokens: 10..<11) && !store.holds(tokens: 11..<20))
        for token in left { _ = store.take(sequences[token]!) }
        #expect(store.count == 0 && store.span == 0)
        // Emptied, it takes messages again (reusing its chunks) and numbers them on.
        let next = add(&store, token: 1, topic: "t", key: "k", value: [1, 2, 3])
        #expect(next == 10_001)
        #expect(store.messages.map(\.message.value) == [[1, 2, 3]])
    }
}
