import InboxCore
import InboxSystem
import JQKit

/// `[[rules]]`, `[[hooks]]` and `alerts` of the config file.
public struct TriageSettings: Sendable {
    /// One `[[hooks]]` entry.
    public struct Hook: Sendable {
        /// `hooks[N]`.
        public var label: String
        /// The compiled `if` (nil: every live arrival).
        public var predicate: (any NotificationPredicate)?
        /// The command and its placeholders.
        public var command: HookCommand
    }

    /// The rules, compiled, in file order.
    public var rules: [TriageRule] = []
    /// The hooks, compiled, in file order.
    public var hooks: [Hook] = []
    /// `desktop`, `terminal`, `bell` or `off` (the default).
    public var alerts = "off"

    /// The accepted `alerts` values.
    public static let alertModes = ["desktop", "terminal", "bell", "off"]

    /// The triage configuration the inbox model needs.
    public var config: TriageConfig {
        TriageConfig(rules: rules, filters: FilterCache { try? NotificationFilter(nativeOnly: $0) })
    }
}

extension NotificationFilter: NotificationPredicate {}

extension Settings {
    /// Reads and checks the triage part of the config file: every `if` compiles, every
    /// `then` entry is known, every hook's command exists; an error names the line.
    static func readTriage(_ file: TOMLSubset, origin: String, environment: [String: String]) throws(ServiceError) -> TriageSettings {
        var t = TriageSettings()
        func line(_ path: [String]) -> String { file.lines[path].map { "\(origin) line \($0)" } ?? origin }
        func entries(_ table: String) -> [String] {
            file.lines.keys.filter { $0.count == 2 && $0[0] == table }.map { $0[1] }.sorted { Int($0) ?? 0 < Int($1) ?? 0 }
        }
        if let v = file["alerts"] {
            guard case .string(let mode) = v, TriageSettings.alertModes.contains(mode) else {
                throw configError("\(line(["alerts"])): alerts must be one of \(TriageSettings.alertModes.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            t.alerts = mode
        }
        for n in entries("rules") {
            let label = "rules[\(n)]"
            let keys = file.values.keys.filter { $0.count == 3 && $0[0] == "rules" && $0[1] == n }.map { $0[2] }
            if let bad = keys.first(where: { $0 != "if" && $0 != "then" }) {
                throw configError("\(line(["rules", n, bad])): \(label) has no setting '\(bad)': a rule has if = '<jq>' and then = [\"read\"]")
            }
            guard case .string(let condition)? = file["rules", n, "if"] else {
                throw configError("\(line(["rules", n])): \(label) needs if = '<jq>' (a quoted jq expression), e.g. if = '.actor == \"ci-bot\"'")
            }
            guard case .array(let items)? = file["rules", n, "then"], !items.isEmpty,
                  items.allSatisfy({ if case .string = $0 { return true } else { return false } }) else {
                throw configError("\(line(["rules", n])): \(label) needs then = [...], e.g. then = [\"read\"] "
                    + "(read, done, tag:NAME, mute-thread, snooze:DURATION)")
            }
            var actions: [RuleAction] = []
            for item in items {
                do throws(RuleActionError) { actions.append(try RuleAction(parsing: item.text)) } catch {
                    throw configError("\(line(["rules", n, "then"])): \(label): \(TerminalText.sanitize(error.description))")
                }
            }
            let predicate = try compile(condition, at: line(["rules", n, "if"]), label: label)
            t.rules.append(TriageRule(label: label, source: condition, predicate: predicate, actions: actions))
        }
        for n in entries("hooks") {
            let label = "hooks[\(n)]"
            let keys = file.values.keys.filter { $0.count == 3 && $0[0] == "hooks" && $0[1] == n }.map { $0[2] }
            if let bad = keys.first(where: { $0 != "if" && $0 != "run" }) {
                throw configError("\(line(["hooks", n, bad])): \(label) has no setting '\(bad)': a hook has if = '<jq>' and run = [\"cmd\", \"{title}\"]")
            }
            guard case .array(let items)? = file["hooks", n, "run"], !items.isEmpty,
                  items.allSatisfy({ if case .string = $0 { return true } else { return false } }), !items[0].text.isEmpty else {
                throw configError("\(line(["hooks", n])): \(label) needs run = [\"command\", \"arg\", …], "
                    + "e.g. run = [\"notify-send\", \"{actor}\", \"{title}\"] (no shell: each argument in its own string)")
            }
            let argv = items.map(\.text)
            guard Spawn.which(argv[0], path: environment["PATH"]) != nil else {
                throw configError("\(line(["hooks", n, "run"])): \(label): command '\(TerminalText.sanitize(argv[0]))' "
                    + "is not an executable file on the PATH; install it or give its full path")
            }
            var predicate: (any NotificationPredicate)?
            if let v = file["hooks", n, "if"] {
                guard case .string(let condition) = v else {
                    throw configError("\(line(["hooks", n, "if"])): \(label): if must be a quoted jq expression")
                }
                predicate = try compile(condition, at: line(["hooks", n, "if"]), label: label)
            }
            t.hooks.append(TriageSettings.Hook(label: label, predicate: predicate, command: HookCommand(run: argv)))
        }
        return t
    }

    private static func compile(_ condition: String, at place: String, label: String) throws(ServiceError) -> NotificationFilter {
        do throws(JQError) { return try NotificationFilter(condition) } catch {
            throw configError("\(place): \(label).if is not a valid jq expression: \(TerminalText.sanitize(error.message))")
        }
    }
}
