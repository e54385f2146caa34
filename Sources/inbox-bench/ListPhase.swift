import Foundation

/// `kafka-inbox list --all --json --no-snapshot` of the benchmark's user (the whole backlog,
/// read from Kafka), its standard output read through a pipe (as `list --json | jq` would)
/// and counted in lines, against kcat reading the same four topics into /dev/null
/// (`runKcat`, as for the catch-up), alternating; then once more into /dev/null.
extension Bench {
    /// `runs` list runs, each followed by a kcat run. `expected`: the notifications the inbox
    /// held (a run printing another number of lines leaves the figure out).
    func runList(_ binary: ProductBinary, kcat: String?, expected: Int?, runs: Int) throws {
        for run in 0..<runs {
            let r = try binary.run(["list", "--all", "--json", "--no-snapshot", "--brokers", brokers, "--user", BenchData.user,
                                    "-X", "fetch.wait.max.ms=\(BenchData.fetchWaitMaxMs)"], output: .countLines)
            r.logStderr("  list: ")
            guard r.succeeded else {
                log("list: exit \(r.status); list_json_seconds is left out")
                report.listRuns = []
                return
            }
            if let expected, r.lines != expected {
                log("list: printed \(r.lines) lines, the inbox held \(expected) notifications; list_json_seconds is left out")
                report.listRuns = []
                return
            }
            report.listRuns.append(r.seconds)
            report.details["list_json_lines"] = r.lines
            report.details["list_json_peak_rss_bytes"] = max(r.peakRSSBytes, report.details["list_json_peak_rss_bytes"] as? Int ?? 0)
            var line = String(format: "list %d/%d: %.2f s, %d lines, peak RSS %d MB", run + 1, runs, r.seconds, r.lines,
                              r.peakRSSBytes >> 20)
            if let kcat {
                let k = try runKcat(kcat)
                report.listKcatRuns.append(k)
                line += String(format: "; kcat %.2f s", k)
            }
            log(line)
        }
        // Diagnostics: one more run into /dev/null, where kcat writes (the pipe's share).
        let r = try binary.run(["list", "--all", "--json", "--no-snapshot", "--brokers", brokers, "--user", BenchData.user,
                                "-X", "fetch.wait.max.ms=\(BenchData.fetchWaitMaxMs)"], output: .discard)
        if r.succeeded {
            report.details["list_json_devnull_seconds"] = r.seconds
            log(String(format: "list into /dev/null: %.2f s", r.seconds))
        }
    }
}
