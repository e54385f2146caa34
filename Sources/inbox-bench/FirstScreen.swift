import InboxTUI

/// When the first screen was final during a cold catch-up: a hash of the rows on screen at
/// each frame (each row's id, row class — unread, read, done, snoozed, muted —, whether it
/// came back from a snooze, whether it is tagged), with the frame's time. Once caught up,
/// the last frame's hash is the truth, and the first screen is the earliest frame from
/// which every frame shows it (the last change). About 40 ids hashed per frame.
struct FirstScreen {
    private var times: [UInt64] = []
    private var hashes: [Int] = []

    /// Records the frame the model shows now on a list of `listHeight` rows (no preview, no
    /// help: the catch-up opens neither). The rows are those the renderer draws.
    mutating func frame(_ model: InboxModel, listHeight: Int, at now: UInt64) {
        var h = Hasher()
        let rows = model.rows
        var first = min(model.scroll, max(0, rows.count - listHeight))
        if model.cursor < first { first = model.cursor }
        if model.cursor >= first + listHeight { first = model.cursor - listHeight + 1 }
        let last = min(rows.count, first + listHeight)
        h.combine(last - first)
        for row in first..<max(first, last) {
            let storage = rows[row]
            h.combine(model.inbox.id(at: storage))
            h.combine(model.inbox.rowClass(at: storage))
            h.combine(model.inbox.wasSnoozed(at: storage))
            h.combine(model.isTagged(row: row))
        }
        times.append(now)
        hashes.append(h.finalize())
    }

    /// Frames recorded.
    var frames: Int { hashes.count }

    /// The time of the earliest frame from which on every frame equals the last one (nil:
    /// no frame).
    var settled: UInt64? {
        guard let final = hashes.last else { return nil }
        var i = hashes.count - 1
        while i > 0 && hashes[i - 1] == final { i -= 1 }
        return times[i]
    }

    /// Frames whose screen differed from the one before (how often the first screen changed).
    var changes: Int { zip(hashes, hashes.dropFirst()).filter { $0 != $1 }.count }
}
