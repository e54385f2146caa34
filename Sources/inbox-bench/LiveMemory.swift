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
    /// (after the first tenth); and the growth the payload does not explain: the first half
    /// of the steady phase says how many resident bytes a payload byte costs, and the second
    /// half's growth beyond that, per minute, is what a leak would add (flat: about 0).
    func report(into result: inout [String: Any], livePayload: Int) {
        result["live_peak_rss_bytes"] = procStatusBytes("VmHWM")
        result["live_payload_bytes"] = livePayload
        let steady = Array(samples.dropFirst(samples.count / 10))
        guard steady.count >= 5, let first = steady.first, let last = steady.last else { return }
        let middle = steady[steady.count / 2]
        let perByte = Double(middle.rss - first.rss) / Double(max(1, middle.payload - first.payload))
        let expected = perByte * Double(last.payload - middle.payload)
        let excess = (Double(last.rss - middle.rss) - expected) / max(1, last.seconds - middle.seconds) * 60 / 1_048_576
        result["soak_seconds"] = last.seconds - first.seconds
        result["soak_rss_start_bytes"] = first.rss
        result["soak_rss_end_bytes"] = last.rss
        result["soak_payload_added_bytes"] = last.payload - first.payload
        result["soak_rss_per_payload_byte"] = perByte
        result["soak_excess_slope_mb_per_min"] = excess
        log(String(format: "  soak: RSS %.1f → %.1f MB over %.0f s (+%.1f MB of payload, %.2f resident bytes per payload byte); growth beyond that %.2f MB/min",
                   Double(first.rss) / 1_048_576, Double(last.rss) / 1_048_576, last.seconds - first.seconds,
                   Double(last.payload - first.payload) / 1_048_576, perByte, excess))
    }
}
