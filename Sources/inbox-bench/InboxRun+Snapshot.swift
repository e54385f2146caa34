import Foundation
import InboxCore
import InboxService

/// The snapshot runs of the inbox child and the first-screen figure of a cold catch-up.
///
/// `--snapshot write`: a cold catch-up with the local snapshot on (`InboxPipeline` with
/// `snapshots: true`, `beforeWait` handing the inbox to `SnapshotKeeper.tick` as the
/// interactive inbox does), then `InboxPipeline.finish`, which writes the snapshot as the
/// inbox does at quit. `--snapshot open`: a fresh process started from that snapshot in the
/// same state directory: the restored inbox goes into the model before the first frame (as
/// `InteractiveInbox` does), then the feed resumes from the snapshot's positions.
extension InboxRun {
    /// Before the run: the product's snapshot tick on each wait; what was restored.
    func hookSnapshot() {
        let pipeline = self.pipeline
        app.beforeWait = { pipeline.beforeWait($0.inbox) }
        let restored = app.model.inbox.count
        result["snapshot_restored"] = restored
        if options.snapshot == .open {
            log(String(format: "  inbox: %d notifications restored from the snapshot %.0f ms after the start",
                       restored, Double(monoNs() - t0) / 1e6))
        }
    }

    /// After the run: the opening figures (`open`), then the product's own finish, which
    /// writes the snapshot if anything moved since it was last written (`write`: at least once).
    func finishSnapshot() {
        if options.snapshot == .open {
            if let at = firstRowsAt { result["snapshot_open_ms"] = Double(at &- t0) / 1e6 }
            result["snapshot_up_to_date_ms"] = Double(monoNs() - t0) / 1e6
        }
        let path = settings.snapshotPath
        let start = monoNs()
        let finished = pipeline.finish(app.model.inbox, flushTimeout: .zero)
        for problem in finished.problems { log("  inbox: \(problem)") }
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        result["snapshot_bytes"] = size
        result["snapshot_path"] = path
        if options.snapshot == .write {
            result["snapshot_finish_seconds"] = seconds(since: start)
            log(String(format: "  inbox: snapshot of %d notifications, %.1f MB; finish at quit (the consumer thread stopped, the snapshot written) %.2f s (%@)",
                       app.model.inbox.count, Double(size) / 1e6, seconds(since: start), path as NSString))
        }
    }

    /// The first-screen figure of a cold catch-up (the frames' times are since the start).
    func reportFirstScreen() {
        guard let screen = firstScreen, let settled = screen.settled else { return }
        let ms = Double(settled &- t0) / 1e6
        result["first_screen_ms"] = ms
        result["first_screen_frames"] = screen.frames
        result["first_screen_changes"] = screen.changes
        log(String(format: "  inbox: the first screen was final %.0f ms after the start (%d frames, it changed %d times)",
                   ms, screen.frames, screen.changes))
    }
}
