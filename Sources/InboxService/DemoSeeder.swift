import Foundation
import InboxCore

/// Publishes the demo's notifications: the seed file (times moved so the newest is minutes
/// old; a line that is not JSON is sent as is, to show a malformed entry) and a live trickle.
public struct DemoSeeder {
    let settings: Settings

    /// A seeder of `settings`' user's topics.
    public init(settings: Settings) { self.settings = settings }

    /// Publishes every line of `path`; returns how many were delivered.
    public func seed(fromFile path: String) throws -> Int {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var parsed: [OutgoingNotification] = []
        var raw: [String] = []
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let n = try? OutgoingNotification.fromJSONLine(line, defaultUser: settings.user, defaultKind: .owner) {
                parsed.append(n)
            } else {
                raw.append(line)
            }
        }
        let newest = parsed.map(\.createdAtMs).max() ?? 0
        let shift = Timestamps.nowMs() - 2 * 60_000 - newest
        var messages: [OutgoingMessage] = []
        for var n in parsed {
            n.user = settings.user
            n.createdAtMs += shift
            messages.append(OutgoingMessage(topic: settings.layout.topic(user: settings.user, kind: n.kind), key: Array(n.id.utf8), value: n.json()))
        }
        for (i, line) in raw.enumerated() {
            messages.append(OutgoingMessage(topic: settings.layout.topic(user: settings.user, kind: .owner),
                                            key: Array("demo-raw-\(i)".utf8), value: Array(line.utf8)))
        }
        let results = try DeliveryEngine(settings: settings).deliver(messages)
        return results.filter { $0 == nil }.count
    }

    /// Publishes a fresh notification, made from a random seed line, every `seconds`.
    public func startTrickle(every seconds: Double, templates path: String) {
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        let templates = lines.compactMap { try? OutgoingNotification.fromJSONLine($0, defaultUser: settings.user, defaultKind: .owner) }
        guard !templates.isEmpty else { return }
        let config = self.settings
        let thread = Thread {
            let settings = config
            guard let engine = try? DeliveryEngine(settings: settings) else { return }
            var i = 0
            while true {
                Thread.sleep(forTimeInterval: seconds)
                i += 1
                var n = templates[(i * 37) % templates.count]
                n.id = IDGenerator.next()
                n.user = settings.user
                n.createdAtMs = Timestamps.nowMs()
                _ = engine.deliver([OutgoingMessage(topic: settings.layout.topic(user: settings.user, kind: n.kind),
                                                            key: Array(n.id.utf8), value: n.json())])
            }
        }
        thread.name = "demo-trickle"
        thread.start()
    }
}
