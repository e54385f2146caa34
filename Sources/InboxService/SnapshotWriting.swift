/// When a command that read to the end writes the local snapshot (`SnapshotKeeper.finish`).
public enum SnapshotWriting: Sendable, Hashable {
    /// Now, before the command goes on.
    case now
    /// On the keeper's writer thread while the command goes on (it must wait for
    /// `SnapshotKeeper.waitForWrites` before it ends).
    case inBackground
    /// Now, but only once the snapshot it resumed from is behind by enough new messages to
    /// be worth rewriting (`SnapshotKeeper.rewriteAfter`): a status bar's `count` every few
    /// seconds would otherwise rewrite the whole file (about 0.9 s at a million
    /// notifications) for every receipt or two, where reading them again costs microseconds.
    case whenBehind
}
