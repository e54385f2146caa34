import Foundation
import Testing
@testable import InboxCore

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (1_795_615_391_120, "2026-11-25T14:03:11.120Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ])
    func iso8601(ms: Int64, text: String) {
        #expect(Timestamps.iso8601(ms: ms) == text)
        #expect(Timestamps.parseISO8601(text) == ms)
    }

    @Test func formatterAgreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var rng = SplitMix64(state: 7)
        for _ in 0..<500 {
            let ms = Int64.random(in: -2_000_000_000_000...4_000_000_000_000, using: &rng)
            let ours = Timestamps.iso8601(ms: ms)
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            #expect(ours == formatter.string(from: date), "\(ms)")
            #expect(Timestamps.parseISO8601(ours) == ms)
        }
    }

    @Test func extremesDoNotTrap() {
        #expect(!Timestamps.iso8601(ms: .min).isEmpty)
        #expect(!Timestamps.iso8601(ms: .max).isEmpty)
        #expect(Timestamps.relativeAge(ms: .min, nowMs: .max).hasSuffix("y"))
        #expect(Timestamps.relativeAge(ms: .max, nowMs: .min) == "now")
    }

    @Test(arguments: ["2026-11-25T14:00:00.5+01:00", "2026-11-25T14:00Z", "2026-11-25", "2026-11-25t13:00:00+0000",
                      "2026-11-25T14:00:00,000+00"])
    func acceptedForms(_ text: String) {
        #expect(Timestamps.parseISO8601(text) != nil)
    }

    @Test func variousForms() {
        #expect(Timestamps.parseISO8601("2026-11-25") == 1_795_564_800_000)
        #expect(Timestamps.parseISO8601("2026-11-25T14:00Z") == 1_795_615_200_000)
        #expect(Timestamps.parseISO8601("2026-11-25T14:00:00.987654Z") == 1_795_615_200_987)
        #expect(Timestamps.parseISO8601("2026-11-25T14:00:00.9Z") == 1_795_615_200_900)
        #expect(Timestamps.parseISO8601("2026-11-25T14:00:00") == 1_795_615_200_000)
        #expect(Timestamps.parseISO8601("2026-11-25T14:00:00+05:30"[...]) == 1_795_595_400_000)
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2026-02-29", "2026-11-31T00:00:00Z", "2026-11-25T24:00:00Z",
                      "2026-11-25T14:60:00Z", "2026-11-25T14:00:00.Z", "2026-11-25T14:00:00Zjunk",
                      "2026-11-25T14:00:00+2400", "yesterday", "2026-11-25X14:00:00Z", "٢٠٢٦-11-25"])
    func rejectedForms(_ text: String) {
        #expect(Timestamps.parseISO8601(text) == nil)
    }

    static let ages: [(Int64, String)] = [
        (0, "now"), (-5000, "now"), (999, "now"), (1000, "1s"), (45_000, "45s"), (60_000, "1m"),
        (779_000, "12m"), (10_800_000, "3h"), (86_399_000, "23h"),
        (432_000_000, "5d"), (604_800_000, "1w"), (30_844_800_000, "51w"),
        (31_536_000_000, "1y"), (63_072_000_005, "2y"),
    ]

    @Test(arguments: ages)
    func relativeAge(age: Int64, text: String) {
        let now: Int64 = 1_795_615_200_000
        #expect(Timestamps.relativeAge(ms: now - age, nowMs: now) == text)
    }

    @Test(arguments: [("45s", Int64(45_000)), ("30m", 1_800_000), ("2h", 7_200_000), ("7d", 604_800_000),
                      ("2w", 1_209_600_000), ("1h30m", 5_400_000), (" 2H ", 7_200_000), ("0s", 0)])
    func durations(text: String, ms: Int64) {
        #expect(Timestamps.parseDuration(text) == ms)
    }

    @Test(arguments: ["", "2", "h", "2x", "-2h", "2h3", "1.5h", "99999999999999999999s", "9999999999999w"])
    func badDurations(_ text: String) {
        #expect(Timestamps.parseDuration(text) == nil)
    }

    @Test func nowIsNow() {
        let foundation = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(Timestamps.nowMs() - foundation) < 5000)
    }

    @Test func localTimeNamesTheDayInTheZone() throws {
        let ms = try #require(Timestamps.parseISO8601("2026-12-02T16:05:00Z"))
        #expect(Timestamps.localTime(ms: ms, zone: try #require(TimeZone(identifier: "Europe/Berlin"))) == "Wed 2 Dec 17:05")
        #expect(Timestamps.localTime(ms: ms, zone: try #require(TimeZone(identifier: "UTC"))) == "Wed 2 Dec 16:05")
    }
}
