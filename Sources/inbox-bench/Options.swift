import Foundation

/// Command line of `inbox-bench`.
struct Options {
    var notifications = 1_000_000
    var receipts: Int?
    var json: String?
    var runs = 3
    var keyRounds = 40
    var liveRate = 10_000
    var liveSeconds = 10
    var markCount = 100_000
    var skipKcat = false
    // Child ("inbox") role.
    var role = "bench"
    var brokers = ""
    var t0 = UInt64(0)
    var full = false
    var expected = 0

    var receiptCount: Int { receipts ?? notifications * 3 / 10 }

    static let usage = """
    usage: inbox-bench [--notifications N] [--receipts N] [--json FILE] [--runs R]
                       [--key-rounds K] [--live-rate MSGS_PER_S] [--live-seconds S] [--mark N] [--skip-kcat]
    Starts the embedded broker, loads N notifications (~220 B JSON, 3 kinds) and 0.3 N receipts,
    and measures catch-up (vs kcat), keystroke and search latency, memory, receipts and live latency
    against DESIGN §8. Asserts nothing; exits 0 unless the benchmark itself fails.
    """

    static func parse(_ args: [String]) -> Options {
        var o = Options()
        var i = 0
        func value() -> String {
            i += 1
            guard i < args.count else { fail("missing value for \(args[i - 1])") }
            return args[i]
        }
        func int() -> Int {
            let v = value().replacingOccurrences(of: "_", with: "")
            guard let n = Int(v), n >= 0 else { fail("not a number: \(v)") }
            return n
        }
        while i < args.count {
            switch args[i] {
            case "--notifications", "-n": o.notifications = int()
            case "--receipts": o.receipts = int()
            case "--json": o.json = value()
            case "--runs": o.runs = max(1, int())
            case "--key-rounds": o.keyRounds = max(1, int())
            case "--live-rate": o.liveRate = int()
            case "--live-seconds": o.liveSeconds = int()
            case "--mark": o.markCount = int()
            case "--skip-kcat": o.skipKcat = true
            case "--role": o.role = value()
            case "--brokers": o.brokers = value()
            case "--t0": o.t0 = UInt64(value()) ?? 0
            case "--full": o.full = true
            case "--expected": o.expected = int()
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(args[i])")
            }
            i += 1
        }
        return o
    }

    /// Arguments that pass this configuration on to a child.
    var childArguments: [String] {
        ["--notifications", String(notifications), "--receipts", String(receiptCount), "--key-rounds", String(keyRounds),
         "--live-rate", String(liveRate), "--live-seconds", String(liveSeconds)]
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("inbox-bench: " + message + "\n").utf8))
    exit(2)
}
