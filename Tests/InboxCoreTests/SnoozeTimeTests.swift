import Foundation
import Testing
@testable import InboxCore

/// Wednesday 2026-12-02, 11:00 in Berlin (CET, UTC+1), 10:00 UTC.
private let now = utc("2026-12-02T10:00:00Z")
private let berlin = TimeZone(identifier: "Europe/Berlin")!
private let gmt = TimeZone(identifier: "UTC")!

/// Expected values come from UTC ISO strings, independently of the code under test.
private func utc(_ iso: String) -> Int64 { Timestamps.parseISO8601(iso)! }

private func snooze(_ text: String, nowMs: Int64 = now, zone: TimeZone = berlin) -> Int64? {
    try? SnoozeTime.parse(text, nowMs: nowMs, zone: zone)
}

private func failure(_ text: String, nowMs: Int64 = now, zone: TimeZone = berlin) -> SnoozeTimeError? {
    do {
        _ = try SnoozeTime.parse(text, nowMs: nowMs, zone: zone)
        return nil
    } catch {
        return error
    }
}

@Suite struct SnoozeTimeTests {
    @Test(arguments: [
        ("30m", Int64(1_800_000)), ("2h", 7_200_000), ("3d", 259_200_000), ("1w", 604_800_000),
        ("1h30m", 5_400_000), ("45s", 45_000), ("2W", 1_209_600_000), ("  90m \n", 5_400_000),
    ])
    func durations(text: String, ms: Int64) {
        #expect(snooze(text) == now + ms)
        #expect(snooze(text, zone: gmt) == now + ms)
    }

    @Test func tomorrowAndTonight() {
        #expect(snooze("tomorrow") == utc("2026-12-03T08:00:00Z"))
        #expect(snooze("  TOMORROW\t") == utc("2026-12-03T08:00:00Z"))
        #expect(snooze("tomorrow", zone: gmt) == utc("2026-12-03T09:00:00Z"))
        #expect(snooze("tonight") == utc("2026-12-02T18:00:00Z"))
        #expect(snooze("Tonight", zone: gmt) == utc("2026-12-02T19:00:00Z"))
        // At or after 19:00 local, tonight is tomorrow evening.
        #expect(snooze("tonight", nowMs: utc("2026-12-02T18:00:00Z")) == utc("2026-12-03T18:00:00Z"))
        #expect(snooze("tonight", nowMs: utc("2026-12-02T19:30:00Z")) == utc("2026-12-03T18:00:00Z"))
        #expect(snooze("tonight", nowMs: utc("2026-12-02T17:59:00Z")) == utc("2026-12-02T18:00:00Z"))
        // Late evening UTC is already tomorrow in Berlin.
        #expect(snooze("tomorrow", nowMs: utc("2026-12-02T23:30:00Z")) == utc("2026-12-04T08:00:00Z"))
    }

    @Test(arguments: [
        ("thu", "2026-12-03"), ("thursday", "2026-12-03"), ("fri", "2026-12-04"), ("friday", "2026-12-04"),
        ("sat", "2026-12-05"), ("saturday", "2026-12-05"), ("sun", "2026-12-06"), ("sunday", "2026-12-06"),
        ("mon", "2026-12-07"), ("Monday", "2026-12-07"), ("tue", "2026-12-08"), ("TUESDAY", "2026-12-08"),
        ("wed", "2026-12-09"), ("wednesday", "2026-12-09"),
    ])
    func weekdays(text: String, day: String) {
        #expect(snooze(text) == utc("\(day)T08:00:00Z"))
        #expect(snooze(text, zone: gmt) == utc("\(day)T09:00:00Z"))
    }

    @Test func weekdayThatIsTodayIsAWeekAway() {
        // Before 09:00 on a Wednesday, "wed" is still next week's Wednesday.
        #expect(snooze("wed", nowMs: utc("2026-12-02T06:00:00Z")) == utc("2026-12-09T08:00:00Z"))
        #expect(snooze("wed 18:00") == utc("2026-12-09T17:00:00Z"))
        let monday = utc("2026-12-07T07:00:00Z")
        #expect(snooze("mon", nowMs: monday) == utc("2026-12-14T08:00:00Z"))
        #expect(snooze("tue", nowMs: monday) == utc("2026-12-08T08:00:00Z"))
    }

    @Test(arguments: [
        ("17:00", "2026-12-02T16:00:00Z"), ("11:01", "2026-12-02T10:01:00Z"), ("23:59", "2026-12-02T22:59:00Z"),
        ("9:30", "2026-12-03T08:30:00Z"), ("09:30", "2026-12-03T08:30:00Z"), ("0:00", "2026-12-02T23:00:00Z"),
        ("11:00", "2026-12-03T10:00:00Z"), ("10:59", "2026-12-03T09:59:00Z"),
        ("5pm", "2026-12-02T16:00:00Z"), ("5:30PM", "2026-12-02T16:30:00Z"), ("12pm", "2026-12-02T11:00:00Z"),
        ("12am", "2026-12-02T23:00:00Z"), ("9am", "2026-12-03T08:00:00Z"), ("11:45am", "2026-12-02T10:45:00Z"),
        ("12:30am", "2026-12-02T23:30:00Z"),
    ])
    func clockTimesAreTodayIfAheadElseTomorrow(text: String, expected: String) {
        #expect(snooze(text) == utc(expected))
    }

    @Test func clockTimesInUTC() {
        #expect(snooze("17:00", zone: gmt) == utc("2026-12-02T17:00:00Z"))
        #expect(snooze("10:00", zone: gmt) == utc("2026-12-03T10:00:00Z"))
        #expect(snooze("9:59", zone: gmt) == utc("2026-12-03T09:59:00Z"))
        #expect(snooze("10:01", zone: gmt) == utc("2026-12-02T10:01:00Z"))
    }

    @Test func dayWordAndClockTime() {
        #expect(snooze("tomorrow 17:00") == utc("2026-12-03T16:00:00Z"))
        #expect(snooze("tomorrow 9:30") == utc("2026-12-03T08:30:00Z"))
        #expect(snooze("Tomorrow   5pm") == utc("2026-12-03T16:00:00Z"))
        #expect(snooze("mon 14:00") == utc("2026-12-07T13:00:00Z"))
        #expect(snooze("Mon 2PM") == utc("2026-12-07T13:00:00Z"))
        #expect(snooze("friday 0:15") == utc("2026-12-03T23:15:00Z"))
        #expect(snooze("mon 14:00", zone: gmt) == utc("2026-12-07T14:00:00Z"))
    }

    @Test func datesAndDateTimes() {
        #expect(snooze("2026-12-03") == utc("2026-12-03T08:00:00Z"))
        #expect(snooze("2026-12-03", zone: gmt) == utc("2026-12-03T09:00:00Z"))
        #expect(snooze("2027-07-01") == utc("2027-07-01T07:00:00Z"))  // CEST, UTC+2
        #expect(snooze("2026-12-03 10:00") == utc("2026-12-03T09:00:00Z"))
        #expect(snooze("2026-12-03T10:00") == utc("2026-12-03T09:00:00Z"))
        #expect(snooze("2026-12-03t10:00:30.25") == utc("2026-12-03T09:00:30.250Z"))
        #expect(snooze("2026-12-03T10:00", zone: gmt) == utc("2026-12-03T10:00:00Z"))
        #expect(snooze("2027-07-01 10:00") == utc("2027-07-01T08:00:00Z"))
        // Today's date at 09:00 has passed; today later on is still ahead.
        #expect(snooze("2026-12-02 11:30") == utc("2026-12-02T10:30:00Z"))
    }

    @Test func zonedISOTimesAreTakenAsGiven() {
        let expected = utc("2026-12-03T10:00:00Z")
        #expect(snooze("2026-12-03T10:00:00Z") == expected)
        #expect(snooze("2026-12-03t10:00z") == expected)
        #expect(snooze("2026-12-03T10:00:00Z", zone: gmt) == expected)
        #expect(snooze("2026-12-03T11:00:00+01:00") == expected)
        #expect(snooze("2026-12-03T05:00-05:00") == expected)
        #expect(snooze("2026-12-03 12:00+0200") == expected)
        #expect(snooze("2026-12-03T10:00:00.500Z") == expected + 500)
    }

    @Test func acrossTheAutumnDSTChange() {
        // Saturday 2026-10-24, 12:00 CEST (UTC+2); Berlin moves to CET (UTC+1) on Sunday at 03:00.
        let saturday = utc("2026-10-24T10:00:00Z")
        #expect(snooze("tomorrow", nowMs: saturday) == utc("2026-10-25T08:00:00Z"))
        #expect(snooze("sun", nowMs: saturday) == utc("2026-10-25T08:00:00Z"))
        #expect(snooze("mon", nowMs: saturday) == utc("2026-10-26T08:00:00Z"))
        #expect(snooze("1d", nowMs: saturday) == utc("2026-10-25T10:00:00Z"))  // 24 h, so 11:00 CET
        #expect(snooze("tonight", nowMs: saturday) == utc("2026-10-24T17:00:00Z"))
        #expect(snooze("11:00", nowMs: saturday) == utc("2026-10-25T10:00:00Z"))
        #expect(snooze("13:00", nowMs: saturday) == utc("2026-10-24T11:00:00Z"))
        #expect(snooze("tomorrow 17:00", nowMs: saturday) == utc("2026-10-25T16:00:00Z"))
        #expect(snooze("2026-10-24 23:00", nowMs: saturday) == utc("2026-10-24T21:00:00Z"))
        #expect(snooze("2026-10-25 12:00", nowMs: saturday) == utc("2026-10-25T11:00:00Z"))
        // Late on the night of the change, 02:00 CET already; "7:00" is the same morning.
        #expect(snooze("7:00", nowMs: utc("2026-10-25T01:00:00Z")) == utc("2026-10-25T06:00:00Z"))
    }

    @Test func acrossTheSpringDSTChange() {
        // Saturday 2026-03-28, 13:00 CET; Berlin moves to CEST on Sunday at 02:00.
        let saturday = utc("2026-03-28T12:00:00Z")
        #expect(snooze("tomorrow", nowMs: saturday) == utc("2026-03-29T07:00:00Z"))
        #expect(snooze("12:00", nowMs: saturday) == utc("2026-03-29T10:00:00Z"))
    }

    @Test func pastTimes() {
        #expect(failure("2020-01-01")?.description == #""2020-01-01" is in the past"#)
        #expect(failure("2026-12-02T09:59:59Z")?.description == #""2026-12-02T09:59:59Z" is in the past"#)
        #expect(failure("2026-12-02")?.description == #""2026-12-02" is in the past"#)
        #expect(failure("2026-12-02 10:59") != nil)
        #expect(failure(" 2026-12-02T10:00:00Z ")?.description == #""2026-12-02T10:00:00Z" is not in the future"#)
        #expect(failure("0m")?.description == #""0m" is not in the future"#)
        #expect(failure("0h0m")?.text == "0h0m")
    }

    @Test func garbageNamesTheInputAndTheForms() {
        let error = failure("fortnight")
        #expect(error == SnoozeTimeError(text: "fortnight", description: """
            unknown time "fortnight": use a duration (30m, 2h, 3d), tomorrow, a weekday (mon), \
            a clock time (17:00) or an ISO time (2026-12-03T10:00Z)
            """))
        let padded = failure("  Next Week ")
        #expect(padded?.text == "  Next Week ")
        #expect(padded?.description.hasPrefix(#"unknown time "Next Week": use a duration"#) == true)
    }

    @Test(arguments: [
        "", "   ", "\n", "next week", "in 2h", "25:00", "24:00", "17:60", "17:5", "17:000", "930", "17",
        "13pm", "0am", "5 pm", "am", "pm", "-5m", "5", "1h30", "h", "2026-13-01", "2026-02-30", "2026-12-3",
        "2026-12-03 5pm", "2026-12-03T10", "2026-12-03T10:00 Z", "tomorrow tomorrow", "mon 14:00 extra",
        "tomorrow 9", "14:00 mon", "tonight 20:00", "today", "mo", "mondays", "tomorrow 25:00", "１７:００",
    ])
    func garbage(text: String) {
        let error = failure(text)
        #expect(error?.text == text)
        #expect(error?.description.hasPrefix("unknown time \"") == true)
    }

    @Test func emptyString() {
        #expect(failure("")?.description.hasPrefix(#"unknown time "": use a duration"#) == true)
    }

    @Test func overflow() {
        #expect(failure("99999999999999d") == SnoozeTimeError(
            text: "99999999999999d", description: #""99999999999999d" is too far in the future"#))
        #expect(failure("99999999999999999999s")?.description == #""99999999999999999999s" is too far in the future"#)
        #expect(failure("2h", nowMs: Int64.max - 1000)?.description == #""2h" is too far in the future"#)
        #expect(snooze("100000w") == now + 100_000 * 604_800_000)
    }
}
