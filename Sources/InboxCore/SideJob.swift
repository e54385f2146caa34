import Dispatch

/// Work run on another thread while the caller goes on (opening a snapshot: the checksum
/// and the entries' checks run beside the decoding of the rest); `wait()` returns its
/// result. Whatever the work reads must stay alive until `wait()` returns, so a caller
/// waits on every path, also when it throws.
final class SideJob<T: Sendable>: @unchecked Sendable {
    // @unchecked: `result` is written once by the work before `group.leave()` and read only
    // after `group.wait()`, which orders the two.
    private let group = DispatchGroup()
    private var result: T?

    /// Starts `work` on a global queue.
    init(_ work: @escaping @Sendable () -> T) {
        group.enter()
        DispatchQueue.global().async {
            self.result = work()
            self.group.leave()
        }
    }

    /// Waits for the work and returns its result.
    func wait() -> T {
        group.wait()
        return result!
    }
}

/// Bytes handed to a `SideJob`: read-only, and kept alive by the caller until it has waited.
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
