import Foundation

/// Time stamps as the inbox shows and sends them: ISO 8601 in UTC with milliseconds,
/// compact relative ages ("3h"), and durations ("2h") for options like `--since`.
public enum Timestamps {
    private static let msPerDay: Int64 = 86_400_000

    /// The current time in milliseconds since the epoch.
    public static func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The times `iso8601(ms:)` writes with a four-digit year, the only ones `parseISO8601`
    /// reads back: 0000-01-01T00:00:00.000Z through 9999-12-31T23:59:59.999Z.
    public static let fourDigitYears: ClosedRange<Int64> = -62_167_219_200_000...253_402_300_799_999

    /// `ms` as ISO 8601 in UTC with milliseconds: `2026-11-25T14:03:11.120Z`.
    /// Times beyond ±100,000,000 days of the epoch are clamped to that range.
    public static func iso8601(ms: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendISO8601(ms: ms, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `iso8601(ms:)`'s text as UTF-8 to `out` (no String made).
    static func appendISO8601(ms: Int64, to out: inout [UInt8]) {
        var text: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { t in
            let p = t.baseAddress!.assumingMemoryBound(to: UInt8.self)
            out.append(contentsOf: UnsafeBufferPointer(start: p, count: writeISO8601(ms: ms, to: p)))
        }
    }

    /// Writes `iso8601(ms:)`'s text at `out` (room for `iso8601MaxBytes`); returns how many bytes.
    static func writeISO8601(ms: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let ms = min(max(ms, -8_640_000_000_000_000), 8_640_000_000_000_000)
        let days = ms >= 0 ? ms / msPerDay : -((-(ms + 1)) / msPerDay) - 1
        let rest = ms - days * msPerDay
        let (y, m, d) = civil(fromDays: days)
        var o = 0
        @inline(__always) func put(_ b: UInt8) { out[o] = b; o += 1 }
        @inline(__always) func put(_ value: Int64, digits: Int) {
            var v = value
            for k in stride(from: digits - 1, through: 0, by: -1) {
                out[o + k] = UInt8(v % 10) + 0x30
                v /= 10
            }
            o += digits
        }
        if (0...9999).contains(y) { put(y, digits: 4) } else { o += JSONWriter.writeInteger(y, to: out) }
        put(0x2D); put(m, digits: 2)
        put(0x2D); put(d, digits: 2)
        put(0x54); put(rest / 3_600_000, digits: 2)
        put(0x3A); put(rest / 60_000 % 60, digits: 2)
        put(0x3A); put(rest / 1000 % 60, digits: 2)
        put(0x2E); put(rest % 1000, digits: 3)
        put(0x5A)
        return o
    }

    /// The most bytes `writeISO8601` writes (a clamped year has at most 7 characters).
    static let iso8601MaxBytes = 32

    /// Parses ISO 8601 / RFC 3339 date-times into milliseconds since the epoch.
    ///
    /// Accepts `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM[:SS[.fff…]]`,
    /// then `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC). Fractions beyond milliseconds
    /// are cut. Returns nil for anything else.
    public static func parseISO8601(_ s: some StringProtocol) -> Int64? {
        var copy = String(s)
        return copy.withUTF8 { parseISO8601(bytes: $0) }
    }

    /// `parseISO8601` on UTF-8 bytes (the decoder's allocation-free path).
    static func parseISO8601(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
        // A cursor value rather than functions capturing a counter: those made every
        // access to it a checked one (about 2 % of decoding a notification).
        var c = DigitCursor(b: b)
        guard let year = c.digits(4), c.take(0x2D), let month = c.digits(2), c.take(0x2D),
              let day = c.digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var ms = daysFromCivil(year, month, day) * msPerDay
        if c.atEnd { return ms }
        guard c.take(0x54) || c.take(0x74) || c.take(0x20) else { return nil }
        guard let hour = c.digits(2), c.take(0x3A), let minute = c.digits(2),
              hour <= 23, minute <= 59 else { return nil }
        var second: Int64 = 0
        var fraction: Int64 = 0
        if c.take(0x3A) {
            guard let s = c.digits(2), s <= 60 else { return nil }
            second = s
            if c.take(0x2E) || c.take(0x2C) {
                var count = 0
                while let d = c.digit() {
                    if count < 3 { fraction = fraction * 10 + d }
                    count += 1
                }
                guard count > 0 else { return nil }
                for _ in min(count, 3)..<3 { fraction *= 10 }
            }
        }
        ms += ((hour * 60 + minute) * 60 + second) * 1000 + fraction
        if c.atEnd { return ms }
        if c.take(0x5A) || c.take(0x7A) { return c.atEnd ? ms : nil }
        let sign: Int64
        if c.take(0x2B) { sign = 1 } else if c.take(0x2D) { sign = -1 } else { return nil }
        guard let oh = c.digits(2), oh <= 23 else { return nil }
        var om: Int64 = 0
        if !c.atEnd {
            _ = c.take(0x3A)
            guard let m = c.digits(2), m <= 59 else { return nil }
            om = m
        }
        guard c.atEnd else { return nil }
        return ms - sign * (oh * 60 + om) * 60_000
    }

    /// Reads digits and separators of a date-time in order (`parseISO8601(bytes:)`).
    private struct DigitCursor {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i == b.count }

        /// `n` decimal digits as a number, or nil (nothing consumed).
        @inline(__always)
        mutating func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            i += n
            return v
        }

        /// One decimal digit, or nil (nothing consumed).
        @inline(__always)
        mutating func digit() -> Int64? {
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
            defer { i += 1 }
            return Int64(b[i] - 0x30)
        }

        /// Consumes `c` if it is next.
        @inline(__always)
        mutating func take(_ c: UInt8) -> Bool {
            if i < b.count, b[i] == c { i += 1; return true }
            return false
        }
    }

    /// A compact age like mutt or gh show it: `now`, `45s`, `12m`, `3h`, `5d`, `7w`, `2y`.
    /// Times in the future show as `now`.
    public static func relativeAge(ms: Int64, nowMs: Int64) -> String {
        let (diff, overflow) = nowMs.subtractingReportingOverflow(ms)
        if overflow {
            return nowMs > ms ? "\(Int64((Double(nowMs) - Double(ms)) / 31_536_000_000))y" : "now"
        }
        let s = diff / 1000
        if s < 1 { return "now" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3600)h" }
        if s < 7 * 86_400 { return "\(s / 86_400)d" }
        if s < 365 * 86_400 { return "\(s / (7 * 86_400))w" }
        return "\(s / (365 * 86_400))y"
    }

    /// Parses a duration such as `45s`, `30m`, `2h`, `7d`, `2w` or `1h30m` into milliseconds.
    /// Returns nil for an empty, negative, unit-less or overflowing duration.
    public static func parseDuration(_ text: some StringProtocol) -> Int64? {
        var total: Int64 = 0
        var number: Int64? = nil
        var any = false
        for c in text.trimmingCharacters(in: .whitespaces).lowercased().utf8 {
            if c >= 0x30, c <= 0x39 {
                let (t, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (v, o2) = t.addingReportingOverflow(Int64(c - 0x30))
                guard !o1, !o2 else { return nil }
                number = v
                continue
            }
            let unit: Int64
            switch c {
            case 0x73: unit = 1000
            case 0x6D: unit = 60_000
            case 0x68: unit = 3_600_000
            case 0x64: unit = 86_400_000
            case 0x77: unit = 604_800_000
            default: return nil
            }
            guard let n = number else { return nil }
            let (part, o1) = n.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { return nil }
            total = sum
            number = nil
            any = true
        }
        return any && number == nil ? total : nil
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, after H. Hinnant)

    static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `Wed 2 Dec 17:00` in the local time zone (for snooze ends on screen).
    /// Built from calendar fields, not a `DateFormatter` (one per call was a cost of every
    /// frame showing snoozed rows).
    public static func localTime(ms: Int64, zone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.weekday, .day, .month, .hour, .minute],
                                        from: Date(timeIntervalSince1970: Double(ms) / 1000))
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int?) -> String { n.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(days[((c.weekday ?? 1) - 1) % 7]) \(c.day ?? 1) \(months[((c.month ?? 1) - 1) % 12]) \(two(c.hour)):\(two(c.minute))"
    }

    /// `2026-11-25 14:00:00Z` (UTC, seconds) for milliseconds since the epoch.
    public static func utcTime(ms unclamped: Int64) -> String {
        let ms = min(max(unclamped, -8_640_000_000_000_000), 8_640_000_000_000_000)
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secOfDay / 3600)):\(two(secOfDay / 60 % 60)):\(two(secOfDay % 60))Z"
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

}
