import ArgumentParser
import InboxService

/// `kafka-inbox doctor`: what is in force and what is wrong, with the fix for each.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the brokers, the topics, the outbox and the snapshot; say how to fix what is wrong.",
        discussion: "✓ good, ✗ a problem (with the fix), · information or something the broker cannot tell. Exits 0 only when nothing is wrong.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReportingFailures {
            let settings = try global.settings()
            var problems = 0
            Doctor(settings: settings).run { check in
                switch check.verdict {
                case .ok: Console.out("✓ " + check.text)
                case .unknown: Console.out("· " + check.text)
                case .problem:
                    problems += 1
                    Console.out("✗ " + check.text)
                    if let fix = check.fix { Console.out("    fix: " + fix) }
                }
            }
            if problems > 0 {
                throw CommandFailure(message: "\(problems) problem(s) found", exit: .failure)
            }
        }
    }
}
