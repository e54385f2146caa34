import Foundation

/// The snapshot phases: one inbox child catches up cold with the local snapshot on and writes
/// it at the end (as the inbox does at quit); fresh children then open from it
/// (snapshot_open_ms: process start → the first frame showing rows; snapshot_up_to_date_ms:
/// → the frame showing "up to date"); then `kafka-inbox count` runs with it present. All in
/// one state directory, as one user's would be.
extension Bench {
    /// The state directory (`XDG_STATE_HOME`) the snapshot children and `kafka-inbox` share.
    var sharedState: String { NSTemporaryDirectory() + "inbox-bench-\(getpid())-state" }

    /// What the opening children found, for the commands' checks.
    struct Opened {
        /// Notifications held once up to date.
        var held: Int
        /// Of those, unread (the Unread view's rows).
        var unread: Int
    }

    /// Writes the snapshot, then opens from it `runs` times. Nil when no snapshot could be
    /// written or none was used (the figures are then left out, the log says why).
    func runSnapshots(runs: Int) throws -> Opened? {
        let state = ["--state-dir", sharedState]
        log("snapshot: a cold catch-up with the local snapshot on, written at the end")
        let write = try runInbox(full: false, extra: ["--snapshot", "write"] + state)
        report.details["snapshot_write_catchup_seconds"] = write["catchup_seconds"]
        report.details["snapshot_finish_seconds"] = write["snapshot_finish_seconds"]
        report.details["snapshot_bytes"] = write["snapshot_bytes"]
        guard let bytes = write["snapshot_bytes"] as? Int, bytes > 0 else {
            log("snapshot: none was written; snapshot_open_ms and snapshot_up_to_date_ms are left out")
            return nil
        }
        var opened: Opened?
        for run in 0..<runs {
            let child = try runInbox(full: false, extra: ["--snapshot", "open"] + state)
            let restored = child["snapshot_restored"] as? Int ?? 0
            let read = child["catchup_messages"] as? Int ?? 0
            // Resumed: the backlog came from the file, only what is new from Kafka.
            guard restored > 0, read <= restored / 10, let open = child["snapshot_open_ms"] as? Double,
                  let upToDate = child["snapshot_up_to_date_ms"] as? Double else {
                log("snapshot: the snapshot was not used (restored \(restored) notifications, read \(read) messages from Kafka); "
                    + "its figures are left out")
                return nil
            }
            report.snapshotOpenRuns.append(open)
            report.snapshotUpToDateRuns.append(upToDate)
            report.details["snapshot_restored"] = restored
            report.details["snapshot_open_read_messages"] = read
            opened = Opened(held: child["inbox_count"] as? Int ?? 0, unread: child["unread_rows"] as? Int ?? 0)
            log(String(format: "snapshot open %d/%d: %d restored, first rows after %.0f ms, up to date after %.0f ms (%d messages read)",
                       run + 1, runs, restored, open, upToDate, read))
        }
        return opened
    }

    /// `kafka-inbox count` with the snapshot present, `runs` times: wall time of each. A run
    /// that fails, or says (with `-v`) that it did not resume from the snapshot, leaves the
    /// figure out.
    func runCount(_ binary: ProductBinary, opened: Opened, runs: Int) throws {
        for run in 0..<runs {
            let r = try binary.run(["count", "-v", "--brokers", brokers, "--user", BenchData.user,
                                    "-X", "fetch.wait.max.ms=\(BenchData.fetchWaitMaxMs)"], output: .keep)
            r.logStderr("  count: ")
            guard r.succeeded, r.stderr.contains("resumed from snapshot") else {
                log("count: exit \(r.status)\(r.succeeded ? ", not resumed from the snapshot" : ""); count_from_snapshot_seconds is left out")
                report.countRuns = []
                return
            }
            let printed = Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            if printed != opened.unread {
                log("count: printed \(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), the inbox showed \(opened.unread) unread")
            }
            report.countRuns.append(r.seconds)
            report.details["count_peak_rss_bytes"] = r.peakRSSBytes
            log(String(format: "count %d/%d: %.3f s, %@ unread, peak RSS %d MB", run + 1, runs, r.seconds,
                       r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) as NSString, r.peakRSSBytes >> 20))
        }
    }
}
