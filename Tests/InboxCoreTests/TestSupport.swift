import Foundation
import Testing
@testable import InboxCore

let testSource = SourcePosition(topic: "notify.alice.owner", partition: 2, offset: 41)
let kafkaTimestamp: Int64 = 1_764_079_200_000  // 2025-11-25T14:00:00Z

func decode(_ text: String, topicKind: Kind? = .owner) -> InboxCore.Notification {
    NotificationDecoder.decode(Array(text.utf8), source: testSource, timestampMs: kafkaTimestamp,
                               topicKind: topicKind)
}

func decode(bytes: [UInt8], topicKind: Kind? = .owner) -> InboxCore.Notification {
    NotificationDecoder.decode(bytes, source: testSource, timestampMs: kafkaTimestamp, topicKind: topicKind)
}

/// Whether sanitised text holds nothing a terminal would act on: no byte below 0x20,
/// no DEL, no C1 control, no bidi control.
func isTerminalSafe(_ text: String) -> Bool {
    for b in text.utf8 where b < 0x20 || b == 0x7F { return false }
    for u in text.unicodeScalars {
        switch u.value {
        case 0x80...0x9F, 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return false
        default: continue
        }
    }
    return true
}

/// Every string field a screen could show, sanitised.
func displayedStrings(_ n: InboxCore.Notification) -> [String] {
    var texts = [n.id, n.kind.rawValue, n.title, n.user, n.body, n.actor, n.url, n.objectType, n.objectID,
                 n.raw, n.malformedReason].compactMap { $0 }
    for f in n.extra { texts.append(f.key); texts.append(f.value) }
    return texts.map { TerminalText.sanitize($0) }
}

/// Parses one JSON line with Foundation, as a script would.
func parseJSONObject(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    return try #require(object as? [String: Any])
}

/// A small deterministic generator for generated-input tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
