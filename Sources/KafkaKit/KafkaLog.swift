import CRdKafka
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where librdkafka's log lines go. Never onto a TUI screen: the inbox points this at a file.
public enum KafkaLog {
    private static let sink = Mutex<Int32>(2)
    private static let minimumLevel = Mutex<Int32>(2)

    /// Sends log lines to `fd` (2 = stderr, -1 = nowhere); levels above `level` (syslog
    /// numbering: 3 error, 4 warning, 6 info, 7 debug) are dropped.
    public static func redirect(to fd: Int32, level: Int32 = 4) {
        sink.withLock { $0 = fd }
        minimumLevel.withLock { $0 = level }
    }

    /// Lets debug lines through (librdkafka's `debug` property asks for them).
    public static func showDebug() {
        minimumLevel.withLock { $0 = 7 }
    }

    /// Writes one line to the current sink.
    public static func write(_ line: String) {
        let fd = sink.withLock { $0 }
        guard fd >= 0 else { return }
        var text = line
        if !text.hasSuffix("\n") { text += "\n" }
        text.utf8CString.withUnsafeBufferPointer { buf in
            _ = Glibc.write(fd, buf.baseAddress, buf.count - 1)
        }
    }

    static func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { _, level, fac, buf in
            guard level <= KafkaLog.minimumLevel.withLock({ $0 }) else { return }
            let facility = fac.map { String(cString: $0) } ?? "-"
            let text = buf.map { String(cString: $0) } ?? ""
            KafkaLog.write("librdkafka \(level) \(facility): \(text)")
        }
    }
}
