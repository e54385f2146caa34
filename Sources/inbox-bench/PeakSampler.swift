import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Samples a running child's `VmHWM` every 5 ms on a thread of its own, until `stop`.
final class PeakSampler: Sendable {
    private let peak = Counter()
    private let stopping = StopFlag()
    private let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) {
        let (peak, stopping, done) = (self.peak, self.stopping, self.done)
        let thread = Thread {
            while !stopping.isSet {
                peak.value = max(peak.value, Self.hwm(pid))
                usleep(5000)
            }
            done.signal()
        }
        thread.start()
    }

    /// Stops sampling (call it before the child is reaped); returns the peak in bytes.
    func stop() -> Int {
        stopping.set()
        done.wait()
        return peak.value
    }

    /// `VmHWM` of `pid` in bytes (0: gone, or a zombie).
    static func hwm(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
        return kb * 1024
    }
}
