import Foundation

/// The results, printed as a table against the performance targets and written as JSON.
struct Report {
    var notifications = 0
    var receipts = 0
    var payloadBytes = 0
    var partitions = ""
    var loadSeconds = 0.0
    var catchupRuns: [Double] = []
    var kcatRuns: [Double] = []
    var kcatMode = ""
    var receiptsSeconds: Double?
    var child: [String: Any] = [:]
    var mappedRuns: [Double] = []
    var mappedKcatRuns: [Double] = []
    var mappedKept = 0
    var mappedCatchup: Double? { median(mappedRuns) }
    var mappedRatio: Double? { mappedCatchup.flatMap { c in median(mappedKcatRuns).map { c / $0 } } }
    /// first_screen_ms of each cold catch-up run.
    var firstScreenRuns: [Double] = []
    /// Opening from the snapshot: ms to the first frame with rows, and to "up to date".
    var snapshotOpenRuns: [Double] = []
    var snapshotUpToDateRuns: [Double] = []
    /// `kafka-inbox count` with the snapshot present, seconds.
    var countRuns: [Double] = []
    /// `kafka-inbox list --all --json --no-snapshot`, and kcat alternating with it, seconds.
    var listRuns: [Double] = []
    var listKcatRuns: [Double] = []
    /// `kafka-inbox send --file`, and `kcat -P -l` of the same file alternating with it, seconds.
    var sendRuns: [Double] = []
    var sendKcatRuns: [Double] = []
    /// The largest peak resident size of the `send` runs.
    var sendPeakRSS: Int?
    /// More figures of the new phases, written to the JSON as they are.
    var details: [String: Any] = [:]

    var firstScreen: Double? { median(firstScreenRuns) }
    var listRatio: Double? { median(listRuns).flatMap { c in median(listKcatRuns).map { c / $0 } } }
    var sendRatio: Double? { median(sendRuns).flatMap { c in median(sendKcatRuns).map { c / $0 } } }

    static let fixedBytes = 30 * 1024 * 1024

    var catchup: Double? { median(catchupRuns) }
    var kcat: Double? { median(kcatRuns) }
    var catchupRatio: Double? { catchup.flatMap { c in kcat.map { c / $0 } } }
    var rss: Int? { child["rss_bytes"] as? Int }
    var rssRatio: Double? {
        guard let rss, payloadBytes > 0 else { return nil }
        return Double(rss - Self.fixedBytes) / Double(payloadBytes)
    }

    /// Peak resident size during the live phase against everything held then (the backlog's
    /// payload and the live one), after the fixed 30 MB: target ≤ 2.
    var livePeakRSSRatio: Double? {
        guard let peak = child["live_peak_rss_bytes"] as? Int, let live = child["live_payload_bytes"] as? Int,
              payloadBytes + live > 0 else { return nil }
        return Double(peak - Self.fixedBytes) / Double(payloadBytes + live)
    }

    /// (JSON name, value, target, unit); lower is better; a `_ratio` meets its target at ≤,
    /// anything else below it.
    var rows: [(String, Double?, Double?, String)] {
        [("catchup_seconds", catchup, nil, "s"),
         ("kcat_seconds", kcat, nil, "s"),
         ("catchup_ratio", catchupRatio, 1.0, "×"),
         ("first_screen_ms", firstScreen, 300, "ms"),
         ("first_screen_vs_kcat", firstScreen.flatMap { f in kcat.map { f / ($0 * 1000) } }, nil, "×"),
         ("key_p50_ms", child["key_p50_ms"] as? Double, nil, "ms"),
         ("key_p99_ms", child["key_p99_ms"] as? Double, 2.0, "ms"),
         ("search_p99_ms", child["search_p99_ms"] as? Double, 16.0, "ms"),
         ("rss_bytes", rss.map(Double.init), nil, "MB"),
         ("payload_bytes", Double(payloadBytes), nil, "MB"),
         ("rss_ratio", rssRatio, 1.0, "×"),
         ("receipts_100k_seconds", receiptsSeconds, 2.0, "s"),
         ("live_p99_ms", child["live_p99_ms"] as? Double, 50.0, "ms"),
         ("live_inbox_p99_ms", child["live_inbox_p99_ms"] as? Double, 15.0, "ms"),
         ("live_peak_rss_bytes", (child["live_peak_rss_bytes"] as? Int).map(Double.init), nil, "MB"),
         ("live_peak_rss_ratio", livePeakRSSRatio, 2.0, "×"),
         ("soak_rss_per_payload_byte", child["soak_rss_per_payload_byte"] as? Double, nil, "×"),
         ("soak_excess_slope_mb_per_min", child["soak_excess_slope_mb_per_min"] as? Double, nil, "MB/min"),
         ("mapped_catchup_seconds", mappedCatchup, nil, "s"),
         ("mapped_kcat_seconds", median(mappedKcatRuns), nil, "s"),
         ("mapped_catchup_ratio", mappedRatio, 2.0, "×"),
         ("snapshot_open_ms", median(snapshotOpenRuns), 150, "ms"),
         ("snapshot_up_to_date_ms", median(snapshotUpToDateRuns), 500, "ms"),
         ("count_from_snapshot_seconds", median(countRuns), 0.5, "s"),
         ("list_json_seconds", median(listRuns), nil, "s"),
         ("list_json_kcat_seconds", median(listKcatRuns), nil, "s"),
         ("list_json_ratio", listRatio, 1.0, "×"),
         ("send_seconds", median(sendRuns), nil, "s"),
         ("send_kcat_seconds", median(sendKcatRuns), nil, "s"),
         ("send_ratio", sendRatio, 1.5, "×"),
         ("send_peak_rss_bytes", sendPeakRSS.map(Double.init), nil, "MB")]
    }

    /// Whether `value` meets `target`: at most the target for a ratio (`…_ratio`), below it
    /// for anything else; nil without either.
    static func met(_ name: String, _ value: Double?, _ target: Double?) -> Bool? {
        guard let value, let target else { return nil }
        return name.hasSuffix("_ratio") ? value <= target : value < target
    }

    func print() {
        func fmt(_ v: Double?, _ unit: String) -> String {
            guard let v else { return "—" }
            if unit == "MB" { return String(format: "%.1f MB", v / 1_048_576) }
            return String(format: v >= 100 ? "%.0f %@" : v >= 10 ? "%.1f %@" : "%.3f %@", v, unit as NSString)
        }
        var out = "\nkafka-inbox benchmark — \(notifications) notifications, \(receipts) receipts; \(Machine.summary)\n"
        out += "topics: \(partitions)\n"
        out += "metric                        value           target        met\n"
        out += "----------------------------  --------------  ------------  ----\n"
        for (name, value, target, unit) in rows {
            let t: String
            if let target {
                t = (name.hasSuffix("_ratio") ? "≤ " : "< ") + (unit == "×" ? String(format: "%.1f ×", target) : fmt(target, unit))
            } else { t = "" }
            let m = Self.met(name, value, target).map { $0 ? "yes" : "NO" } ?? ""
            out += name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + fmt(value, unit).padding(toLength: 16, withPad: " ", startingAt: 0)
                + t.padding(toLength: 14, withPad: " ", startingAt: 0) + m + "\n"
        }
        out += String(format: "catch-up runs: %@ s; kcat runs: %@ s (%@)\n",
                      catchupRuns.map { String(format: "%.2f", $0) }.joined(separator: ", "),
                      kcatRuns.map { String(format: "%.2f", $0) }.joined(separator: ", "), kcatMode)
        func runs(_ xs: [Double], _ format: String = "%.2f") -> String {
            xs.isEmpty ? "—" : xs.map { String(format: format, $0) }.joined(separator: ", ")
        }
        out += "first screen runs: \(runs(firstScreenRuns, "%.0f")) ms; snapshot open / up to date runs: "
            + "\(runs(snapshotOpenRuns, "%.0f")) / \(runs(snapshotUpToDateRuns, "%.0f")) ms; count runs: \(runs(countRuns)) s\n"
        out += "list --json runs: \(runs(listRuns)) s, kcat \(runs(listKcatRuns)) s; "
            + "send runs: \(runs(sendRuns)) s, kcat -P \(runs(sendKcatRuns)) s\n"
        if let byKey = child["key_p99_by_key_ms"] as? [String: Double] {
            out += "key p99 by key: " + byKey.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f", $0.key, $0.value) }.joined(separator: ", ") + " ms\n"
        }
        Swift.print(out)
    }

    func write(_ path: String) throws {
        var json: [String: Any] = [
            "notifications": notifications, "receipts": receipts, "payload_bytes": payloadBytes,
            "partitions": partitions, "load_seconds": loadSeconds, "machine": Machine.summary,
            "catchup_runs_seconds": catchupRuns, "kcat_runs_seconds": kcatRuns, "kcat_mode": kcatMode,
        ]
        var targets: [String: Double] = [:]
        var met: [String: Bool] = [:]
        for (name, value, target, _) in rows {
            json[name] = value.map { name.hasSuffix("_bytes") ? Int($0) as Any : $0 as Any } ?? NSNull()
            if let target { targets[name] = target }
            if let m = Self.met(name, value, target) { met[name] = m }
        }
        json["targets"] = targets
        json["met"] = met
        for key in ["key_p99_by_key_ms", "key_max_ms", "key_samples", "search_p50_ms", "search_max_ms", "search_samples",
                    "live_p50_ms", "live_max_ms", "live_received", "live_sent", "inbox_count", "rss_hwm_after_catchup",
                    "rss_now_bytes", "live_payload_bytes", "soak_seconds", "soak_rss_start_bytes", "soak_rss_end_bytes",
                    "soak_payload_added_bytes", "live_acked_to_shown_p99_ms", "live_ui_p99_ms", "live_fetch_p99_ms"] {
            if let v = child[key] { json[key] = v }
        }
        json["first_screen_runs_ms"] = firstScreenRuns
        json["snapshot_open_runs_ms"] = snapshotOpenRuns
        json["snapshot_up_to_date_runs_ms"] = snapshotUpToDateRuns
        json["count_from_snapshot_runs_seconds"] = countRuns
        json["list_json_runs_seconds"] = listRuns
        json["list_json_kcat_runs_seconds"] = listKcatRuns
        json["send_runs_seconds"] = sendRuns
        json["send_kcat_runs_seconds"] = sendKcatRuns
        for (key, value) in details { json[key] = value }
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
        log("wrote \(path)")
    }
}

enum Machine {
    static var summary: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let mem = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return String(format: "%d cores, %.0f GiB, Linux", cores, mem)
    }
}
