import InboxCore

/// Small text helpers for the renderer: ages, times, wrapping by display width.
///
/// (Ages here are at most 3 columns and say `now` under a minute, unlike `Timestamps.relativeAge`.)
enum TextFormat {
    /// A compact age of at most 3 columns: `now`, `5m`, `3h`, `2d`, `6w`, `1y`.
    static func relativeAge(fromMs created: Int64, nowMs now: Int64) -> String {
        let (diff, overflow) = now.subtractingReportingOverflow(created)
        let seconds = overflow ? (created > now ? 0 : Int64.max / 1000) : max(0, diff / 1000)
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
    static func utcTime(ms: Int64) -> String { Timestamps.utcTime(ms: ms) }

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
