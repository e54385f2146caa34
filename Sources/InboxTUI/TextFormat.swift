/// Small text helpers for the renderer: ages, times, wrapping by display width.
///
/// (A private stand-in until InboxCore's `Timestamps.relativeAge` lands.)
enum TextFormat {
    /// A compact age of at most 3 columns: `now`, `5m`, `3h`, `2d`, `6w`, `1y`.
    static func relativeAge(fromMs created: Int64, nowMs now: Int64) -> String {
        let seconds = max(0, (now - created) / 1000)
        let minutes = seconds / 60, hours = minutes / 60, days = hours / 24
        if seconds < 60 { return "now" }
        if minutes < 60 { return "\(minutes)m" }
        if hours < 24 { return "\(hours)h" }
        if days < 7 { return "\(days)d" }
        if days < 364 { return "\(days / 7)w" }
        let years = days / 365
        return years < 100 ? "\(max(1, years))y" : "old"
    }

    /// `2026-11-25 14:00:00Z` (UTC) for milliseconds since the epoch.
    static func utcTime(ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return "\(year)-\(two(month))-\(two(day)) \(two(secOfDay / 3600)):\(two(secOfDay / 60 % 60)):\(two(secOfDay % 60))Z"
    }

    private static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// Wraps sanitised text into lines of at most `width` columns, breaking at spaces when
    /// possible and inside words that are longer than a line. `\n` starts a new line.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                let w = CellGrid.width(String(word))
                let sep = line.isEmpty ? 0 : 1
                if lineWidth + sep + w <= width {
                    if sep == 1 { line.append(" ") }
                    line += word
                    lineWidth += sep + w
                    continue
                }
                if !line.isEmpty { out.append(line) }
                line = ""
                lineWidth = 0
                for ch in word {
                    let cw = CellGrid.width(of: ch)
                    if lineWidth + cw > width {
                        out.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(ch)
                    lineWidth += cw
                }
            }
            out.append(line)
        }
        return out
    }
}
