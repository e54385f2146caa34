import Foundation

/// Makes unique, time-ordered ids (ULID layout): 48 bits of milliseconds since the epoch
/// and 80 random bits, in 26 characters of Crockford base32 (`01JDA…`).
///
/// Ids from one process are strictly increasing, also within one millisecond (the random
/// part is incremented), so sorting ids sorts by creation. Safe to call from any thread.
public enum IDGenerator {
    private static let shared = IDSequence()
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new id for the current time.
    public static func next() -> String {
        next(nowMs: Timestamps.nowMs())
    }

    /// A new id for the time `nowMs` (never earlier than the previous id's time).
    static func next(nowMs: Int64) -> String { shared.next(nowMs: nowMs) }

    /// The millisecond time stamp an id was made at, or nil when `id` is not such an id.
    public static func timestampMs(of id: String) -> Int64? {
        let chars = Array(id.utf8)
        guard chars.count == 26 else { return nil }
        var ms: Int64 = 0
        for c in chars.prefix(10) {
            guard let v = value(of: c) else { return nil }
            ms = ms << 5 | Int64(v)
        }
        for c in chars.dropFirst(10) where value(of: c) == nil { return nil }
        return chars[0] <= UInt8(ascii: "7") ? ms : nil
    }

    private static func value(of c: UInt8) -> UInt8? {
        let upper = c >= 0x61 && c <= 0x7A ? c - 0x20 : c
        guard let i = alphabet.firstIndex(of: upper) else { return nil }
        return UInt8(i)
    }

    /// 128 bits = `ms` (48) · `high` (16) · `low` (64), as 26 base32 digits from the top.
    static func encode(ms: Int64, high: UInt16, low: UInt64) -> String {
        let top = UInt64(ms) << 16 | UInt64(high)
        var out = [UInt8](repeating: 0, count: 26)
        for i in 0..<26 {
            let shift = 125 - 5 * i
            let v: UInt64
            if shift >= 64 {
                v = top >> UInt64(shift - 64)
            } else if shift > 59 {
                v = top << UInt64(64 - shift) | low >> UInt64(shift)
            } else {
                v = low >> UInt64(shift)
            }
            out[i] = alphabet[Int(v & 0x1F)]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A strictly increasing sequence of ids: the last time and random value handed out,
/// behind a lock.
final class IDSequence: @unchecked Sendable {
    private let lock = NSLock()
    private var lastMs: Int64 = -1
    private var high: UInt16 = 0
    private var low: UInt64 = 0

    /// The next id for the time `nowMs` (or the previous id's time, if that is later).
    func next(nowMs: Int64) -> String {
        let (ms, high, low) = advance(to: nowMs)
        return IDGenerator.encode(ms: ms, high: high, low: low)
    }

    private func advance(to nowMs: Int64) -> (Int64, UInt16, UInt64) {
        lock.lock()
        defer { lock.unlock() }
        let ms = min(max(nowMs, 0), (1 << 48) - 1)
        if ms > lastMs {
            var rng = SystemRandomNumberGenerator()
            lastMs = ms
            high = rng.next()
            low = rng.next()
            high &= 0x7FFF  // leave room to count up within one millisecond
        } else {
            let (sum, carry) = low.addingReportingOverflow(1)
            low = sum
            if carry {
                if high == UInt16.max { lastMs = min(lastMs + 1, (1 << 48) - 1); high = 0 } else { high += 1 }
            }
        }
        return (lastMs, high, low)
    }
}
