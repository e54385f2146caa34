import Foundation

/// Memory during the live phase (and a soak): the peak resident size, and samples of the
/// resident size against the live payload received, for the slope of what the payload
/// does not explain.
final class LiveMemory {
    private var samples: [(seconds: Double, rss: Int, payload: Int)] = []
    private let start = monoNs()
    private var lastSample: UInt64 = 0
    /// Resets the kernel's peak (VmHWM) so that the live phase's own peak is read at the end.
    init() {
        if let fd = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            fd.write(Data("5".utf8))
            try? fd.close()
        }
    }

    /// Takes a sample if a second has passed since the last one.
    func sample(payload: Int) {
        let now = monoNs()
        guard now - lastSample >= 1_000_000_000 || samples.isEmpty else { return }
        lastSample = now
        samples.append((Double(now - start) / 1e9, procStatusBytes("VmRSS"), payload))
    }

    /// The figures: the peak; resident size at the start and the end of the steady phase
    /// (after the first tenth); how many resident bytes each payload byte received added
    /// (least squares: about 1 when memory grows with what is held); and the slope, per
    /// minute, of the resident size once the payload received is subtracted (flat or falling:
    /// nothing grows but the notifications held; rising: a leak, or a live path that keeps
    /// more per message than the payload).
    func report(into result: inout [String: Any], livePayload: Int) {
        result["live_peak_rss_bytes"] = procStatusBytes("VmHWM")
        result["live_payload_bytes"] = livePayload
        let steady = Array(samples.dropFirst(samples.count / 10))
        guard steady.count >= 5, let first = steady.first, let last = steady.last else { return }
        let perByte = Self.slope(steady.map { Double($0.payload) }, steady.map { Double($0.rss) })
        let slope = Self.slope(steady.map(\.seconds), steady.map { Double($0.rss - $0.payload) }) * 60 / 1_048_576
        result["soak_seconds"] = last.seconds - first.seconds
        result["soak_rss_start_bytes"] = first.rss
        result["soak_rss_end_bytes"] = last.rss
        result["soak_payload_added_bytes"] = last.payload - first.payload
        result["soak_rss_per_payload_byte"] = perByte
        result["soak_excess_slope_mb_per_min"] = slope
        log(String(format: "  soak: RSS %.1f → %.1f MB over %.0f s (+%.1f MB of payload, %.2f resident bytes per payload byte); less the payload %+.2f MB/min",
                   Double(first.rss) / 1_048_576, Double(last.rss) / 1_048_576, last.seconds - first.seconds,
                   Double(last.payload - first.payload) / 1_048_576, perByte, slope))
    }

    /// The least-squares slope of ys over xs.
    static func slope(_ xs: [Double], _ ys: [Double]) -> Double {
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        return sxx > 0 ? sxy / sxx : 0
    }
}
