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
        let settings = self.settings
        let lines = (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        let templates = lines.compactMap { try? OutgoingNotification.fromJSONLine($0, defaultUser: settings.user, defaultKind: .owner) }
        guard !templates.isEmpty else { return }
        trickle(every: seconds) { i in
            var n = templates[(i * 37) % templates.count]
            n.id = IDGenerator.next()
            n.user = settings.user
            n.createdAtMs = Timestamps.nowMs()
            return OutgoingMessage(topic: settings.layout.topic(user: settings.user, kind: n.kind), key: Array(n.id.utf8), value: n.json())
        }
    }

    /// Publishes `message(i)` for i = 1, 2, … every `seconds`, on a thread of its own.
    private func trickle(every seconds: Double, _ message: @escaping @Sendable (Int) -> OutgoingMessage) {
        let settings = self.settings
        let thread = Thread {
            guard let engine = try? DeliveryEngine(settings: settings) else { return }
            var i = 0
            while true {
                Thread.sleep(forTimeInterval: seconds)
                i += 1
                _ = engine.deliver([message(i)])
            }
        }
        thread.name = "demo-trickle"
        thread.start()
    }

    /// Publishes every line of `path` as a producer we do not control would: `<topic> <JSON
    /// value>` per line, the value's `ts` moved so that the newest is minutes old (a value
    /// that is not JSON is sent as is). Returns how many were delivered.
    public func seedShared(fromFile path: String) throws -> Int {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let parsed: [(topic: String, value: String)] = lines.compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            return (String(line[..<space]), String(line[line.index(after: space)...]))
        }
        let newest = parsed.compactMap { Self.timestamp(of: $0.value) }.max() ?? 0
        let shift = Timestamps.nowMs() - 2 * 60_000 - newest
        let messages = parsed.enumerated().map { i, p in
            OutgoingMessage(topic: p.topic, key: Array("demo-shared-\(i)".utf8), value: Array(Self.moved(p.value, by: shift).utf8))
        }
        return try DeliveryEngine(settings: settings).deliver(messages).filter { $0 == nil }.count
    }

    /// Publishes one of the shared lines again, as new, every `seconds`.
    public func startSharedTrickle(every seconds: Double, templates path: String) {
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            .filter { $0.contains("{") && Self.timestamp(of: String($0.drop { $0 != " " }.dropFirst())) != nil }
        guard !lines.isEmpty else { return }
        trickle(every: seconds) { i in
            let line = lines[(i * 37) % lines.count]
            let space = line.firstIndex(of: " ")!
            let value = String(line[line.index(after: space)...])
            let shift = Timestamps.nowMs() - (Self.timestamp(of: value) ?? 0)
            let fresh = Self.moved(value, by: shift).replacingOccurrences(of: "\"T-", with: "\"T-\(i)-")
            return OutgoingMessage(topic: String(line[..<space]), key: Array("demo-live-\(i)".utf8), value: Array(fresh.utf8))
        }
    }

    /// The `ts` of a JSON value in milliseconds (epoch seconds or milliseconds).
    private static func timestamp(of json: String) -> Int64? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let ts = (object["ts"] as? NSNumber)?.int64Value else { return nil }
        return ts < 100_000_000_000 ? ts * 1000 : ts
    }

    /// `json` with its `ts` moved by `shift` ms, in the unit it was written in.
    private static func moved(_ json: String, by shift: Int64) -> String {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
              let ts = (object["ts"] as? NSNumber)?.int64Value else { return json }
        object["ts"] = ts < 100_000_000_000 ? ts + shift / 1000 : ts + shift
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
