import Foundation

/// "Snooze until" times as a user types them: `2h`, `tomorrow`, `fri`, `17:00`,
/// `mon 14:00`, `2026-12-03`, `2026-12-03T10:00Z`, turned into milliseconds since the epoch.
///
/// Pure: the current time and the time zone are parameters. Local arithmetic uses the
/// Gregorian calendar in that zone, so "tomorrow" across a DST change is still 09:00.
public enum SnoozeTime {
    /// The hour a day given without a time (`tomorrow`, `mon`, `2026-12-03`) starts at.
    static let morningHour = 9
    /// The hour `tonight` names.
    static let eveningHour = 19

    private static let weekdays: [String: Int] = [
        "sun": 1, "sunday": 1, "mon": 2, "monday": 2, "tue": 3, "tuesday": 3,
        "wed": 4, "wednesday": 4, "thu": 5, "thursday": 5, "fri": 6, "friday": 6,
        "sat": 7, "saturday": 7,
    ]

    /// The moment (ms since epoch) `text` names, seen from `nowMs` in time zone `zone`.
    ///
    /// Accepts, case-insensitively and ignoring surrounding whitespace:
    /// - a duration (`30m`, `2h`, `3d`, `1w`, `1h30m`): now plus that duration;
    /// - `tomorrow` (09:00) and `tonight` (19:00 today, or tomorrow once 19:00 has passed);
    /// - a weekday (`mon`…`sun`, `monday`…`sunday`): the next such day, never today, at 09:00;
    /// - a clock time (`17:00`, `9:30`, `5pm`, `5:30pm`, `12am`): today at that time if it is
    ///   still ahead, else tomorrow;
    /// - `tomorrow` or a weekday followed by a clock time (`mon 14:00`): that day at that time;
    /// - a date (`2026-12-03`, at 09:00) or a date-time without zone (`2026-12-03 10:00`,
    ///   `2026-12-03T10:00`), both local; an ISO 8601 time with zone (`2026-12-03T10:00Z`,
    ///   `…+01:00`) as given.
    ///
    /// - Throws: `SnoozeTimeError` for any other text, and for a moment not after `nowMs`.
    public static func parse(_ text: String, nowMs: Int64, zone: TimeZone = .current) throws(SnoozeTimeError) -> Int64 {
        let input = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let local = Local(calendar: calendar, nowMs: nowMs)
        guard let moment = try resolve(input, local: local, text: text) else {
            throw SnoozeTimeError.unknown(text)
        }
        guard moment > nowMs else { throw SnoozeTimeError.notFuture(text, isNow: moment == nowMs) }
        return moment
    }

    /// The moment `input` (trimmed, lowercased) names, or nil when it is no accepted form.
    private static func resolve(_ input: String, local: Local, text: String) throws(SnoozeTimeError) -> Int64? {
        if input.utf8.first.map({ $0 >= 0x30 && $0 <= 0x39 }) == true, input.utf8.count >= 10,
           Array(input.utf8)[4] == 0x2D {
            return isoMoment(input, local: local)
        }
        if let duration = Timestamps.parseDuration(input) {
            let (sum, overflow) = local.nowMs.addingReportingOverflow(duration)
            guard !overflow else { throw SnoozeTimeError.tooFar(text) }
            return sum
        }
        if hasDurationShape(input) { throw SnoozeTimeError.tooFar(text) }
        let words = input.split(whereSeparator: \.isWhitespace)
        switch words.count {
        case 1:
            if words[0] == "tonight" { return local.todayOrTomorrow(hour: eveningHour, minute: 0) }
            if let offset = dayOffset(words[0], local: local) {
                return local.moment(dayOffset: offset, hour: morningHour, minute: 0)
            }
            guard let (hour, minute) = clockTime(words[0]) else { return nil }
            return local.todayOrTomorrow(hour: hour, minute: minute)
        case 2:
            guard let offset = dayOffset(words[0], local: local),
                  let (hour, minute) = clockTime(words[1]) else { return nil }
            return local.moment(dayOffset: offset, hour: hour, minute: minute)
        default:
            return nil
        }
    }

    /// Days from today that `tomorrow` (1) or a weekday (1 to 7) names, or nil for another word.
    private static func dayOffset(_ word: Substring, local: Local) -> Int? {
        if word == "tomorrow" { return 1 }
        return weekdays[String(word)].map { local.daysUntil(weekday: $0) }
    }

    /// A date, a local date-time or a zoned ISO 8601 time, via `Timestamps.parseISO8601`.
    private static func isoMoment(_ input: String, local: Local) -> Int64? {
        guard let parsed = Timestamps.parseISO8601(input) else { return nil }
        // parseISO8601 reads a missing zone as UTC; a zone is a `z`, `+` or `-` after the date.
        let afterDate = input.utf8.dropFirst(10)
        if afterDate.contains(where: { $0 == 0x7A || $0 == 0x2B || $0 == 0x2D }) { return parsed }
        // No zone: `parsed` is the wall-clock time as if in UTC; take it apart and rebuild it locally.
        let msPerDay: Int64 = 86_400_000
        let days = parsed >= 0 ? parsed / msPerDay : (parsed - msPerDay + 1) / msPerDay
        let msOfDay = parsed - days * msPerDay
        let (year, month, day) = Timestamps.civil(fromDays: days)
        if afterDate.isEmpty {
            return local.moment(year: year, month: month, day: day, hour: morningHour, minute: 0)
        }
        let secondOfDay = msOfDay / 1000
        guard let whole = local.moment(
            year: year, month: month, day: day,
            hour: Int(secondOfDay / 3600), minute: Int(secondOfDay / 60 % 60), second: Int(secondOfDay % 60)
        ) else { return nil }
        return whole + msOfDay % 1000
    }

    /// Whether `input` is shaped like a duration (`(digits unit)+`), so that a nil from
    /// `Timestamps.parseDuration` means it overflowed rather than that it is no duration.
    private static func hasDurationShape(_ input: String) -> Bool {
        var inNumber = false
        for c in input.utf8 {
            if c >= 0x30, c <= 0x39 {
                inNumber = true
            } else if inNumber, "smhdw".utf8.contains(c) {
                inNumber = false
            } else {
                return false
            }
        }
        return !input.isEmpty && !inNumber
    }

    /// `H:MM` / `HH:MM` (24-hour), or `5pm`, `5:30pm`, `12am` (12-hour) as (hour, minute).
    static func clockTime(_ word: some StringProtocol) -> (Int, Int)? {
        var bytes = Array(word.utf8)
        var meridiem: Int? = nil
        if bytes.count > 2, bytes[bytes.count - 1] == 0x6D {
            switch bytes[bytes.count - 2] {
            case 0x61: meridiem = 0
            case 0x70: meridiem = 12
            default: return nil
            }
            bytes.removeLast(2)
        }
        func number(_ part: ArraySlice<UInt8>) -> Int? {
            guard (1...2).contains(part.count), part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let colon = bytes.firstIndex(of: 0x3A)
        guard let hour = number(bytes[..<(colon ?? bytes.count)]) else { return nil }
        var minute = 0
        if let colon {
            let rest = bytes[(colon + 1)...]
            guard rest.count == 2, let m = number(rest), m <= 59 else { return nil }
            minute = m
        }
        if let meridiem {
            guard (1...12).contains(hour) else { return nil }
            return (hour % 12 + meridiem, minute)
        }
        guard colon != nil, hour <= 23 else { return nil }
        return (hour, minute)
    }

    /// The calendar in the caller's zone, anchored at the current moment.
    private struct Local {
        let calendar: Calendar
        let nowMs: Int64

        /// Today's local date, at noon (a time every day has, whatever DST does).
        private var todayNoon: Date? {
            let now = Date(timeIntervalSince1970: Double(nowMs) / 1000)
            var parts = calendar.dateComponents([.year, .month, .day], from: now)
            parts.hour = 12
            return calendar.date(from: parts)
        }

        /// Days from today to the next `weekday` (1 = Sunday … 7 = Saturday): 1 to 7, never 0.
        func daysUntil(weekday: Int) -> Int {
            guard let noon = todayNoon else { return 7 }
            let today = calendar.component(.weekday, from: noon)
            let days = (weekday - today + 7) % 7
            return days == 0 ? 7 : days
        }

        /// Today at `hour:minute` if that is still ahead of now, else tomorrow at that time.
        func todayOrTomorrow(hour: Int, minute: Int) -> Int64? {
            if let today = moment(dayOffset: 0, hour: hour, minute: minute), today > nowMs { return today }
            return moment(dayOffset: 1, hour: hour, minute: minute)
        }

        /// `dayOffset` days from today, at `hour:minute` local time.
        func moment(dayOffset: Int, hour: Int, minute: Int) -> Int64? {
            guard let noon = todayNoon,
                  let day = calendar.date(byAdding: .day, value: dayOffset, to: noon) else { return nil }
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day else { return nil }
            return moment(year: Int64(year), month: Int64(month), day: Int64(dayOfMonth), hour: hour, minute: minute)
        }

        /// The local date-time `year-month-day hour:minute:second`. A time that DST skips or
        /// repeats resolves as Foundation's `Calendar.date(from:)` resolves it.
        func moment(year: Int64, month: Int64, day: Int64, hour: Int, minute: Int, second: Int = 0) -> Int64? {
            let parts = DateComponents(
                year: Int(year), month: Int(month), day: Int(day), hour: hour, minute: minute, second: second
            )
            guard let date = calendar.date(from: parts) else { return nil }
            let ms = (date.timeIntervalSince1970 * 1000).rounded()
            guard ms.isFinite, abs(ms) < 9.0e18 else { return nil }
            return Int64(ms)
        }
    }
}

/// Why a snooze time was refused; `description` names the input and what would have worked.
public struct SnoozeTimeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as the caller gave it.
    public var text: String
    /// A one-line message for the user, e.g. `"2020-01-01" is in the past`.
    public var description: String

    /// The accepted forms, for the message about unknown text.
    static let forms = "use a duration (30m, 2h, 3d), tomorrow, a weekday (mon), a clock time (17:00) or an ISO time (2026-12-03T10:00Z)"

    static func unknown(_ text: String) -> SnoozeTimeError {
        SnoozeTimeError(text: text, description: "unknown time \(quoted(text)): \(forms)")
    }

    static func notFuture(_ text: String, isNow: Bool) -> SnoozeTimeError {
        SnoozeTimeError(text: text, description: "\(quoted(text)) is \(isNow ? "not in the future" : "in the past")")
    }

    static func tooFar(_ text: String) -> SnoozeTimeError {
        SnoozeTimeError(text: text, description: "\(quoted(text)) is too far in the future")
    }

    private static func quoted(_ text: String) -> String {
        "\"\(text.trimmingCharacters(in: .whitespacesAndNewlines))\""
    }
}
