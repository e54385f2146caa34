import InboxCore
@testable import InboxFeed
import JQKit
import Testing

/// The native evaluation of simple jq shapes gives exactly what libjq gives, or gives up.
@Suite struct NativePlanTests {
    let expressions = [
        #".to == $user or (.team | IN($groups[]))"#, ".msg", ".a.b", ".msg // .text", #""\(.by) mentioned you in #\(.ticket)""#,
        ".to != $user and .n == 3", ".missing", "$topic", "$headers.h", #""p\(.n)-\(.flag)-\(.z)""#, ".n == 3.0", "true", "null // .by",
        #".to == "é""#, #".by | IN($groups[])"#,
    ]

    @Test func shapesParseAndOthersDoNot() {
        for e in expressions { #expect(SimpleJQ.parse(e) != nil, "\(e)") }
        for e in [".[0]", ".a | length", ".a?", "select(.a)", ".a + 1", "\"\\u00e9\"", "[.a]", ".", "$__loc__ | .x", ".a |"] {
            #expect(SimpleJQ.parse(e) == nil, "\(e)")
        }
    }

    /// Random messages, each expression both ways.
    @Test func nativeAgreesWithLibjqOnRandomMessages() throws {
        var rng = SplitMix(seed: 7)
        let values = [#""alice""#, #""bob""#, #""sre""#, "3", "3.0", "3.5", "true", "false", "null", #"{"b":"x"}"#, #"{"b":{"c":1}}"#,
                      "[1,2]", #""with \"quote\" and \\ and \u00e9""#, #""\u001b]0;x\u0007""#, "12345678901234567890", "-0",
                      "\"a\tb\"", #""\uD800""#, #""\ud83d\ude00""#, "\"e\u{301}\"", "\"é\"", "1e2", #""sre""#]
        let keys = ["to", "team", "msg", "text", "by", "ticket", "a", "n", "flag", "z"]
        var compared = 0
        for e in expressions {
            let plan = try #require(NativePlan(["x": e]))
            let prelude = #". as [$__v, $__m] | "alice" as $user | ["sre","42"] as $groups | $__m.topic as $topic | $__m.headers as $headers | $__v | "#
            let jq = try JQProgram(prelude + "{\"x\": ([(" + e + "\n)][0])}")
            for _ in 0..<300 {
                var members: [String] = []
                for k in keys where rng.next() % 3 == 0 { members.append("\"\(k)\":\(values[Int(rng.next() % UInt64(values.count))])") }
                let json = rng.next() % 20 == 0 ? "[1]" : "{" + members.joined(separator: ",") + "}"
                let bytes = Array(json.utf8)
                let native = bytes.withUnsafeBytes {
                    plan.evaluate($0, variables: SimpleVariables(["user": .value(.string("alice")), "groups": .strings(["sre", "42"]),
                                                                  "topic": .value(.string("t")), "headers": .object(["h": "v"])]))
                }
                guard let native else { continue }  // gave up: libjq decides
                let meta = JQInput.object([("topic", .string("t")), ("headers", .stringObject([("h", "v")]))])
                guard case .object(let real)? = try? jq.first([.json(bytes), meta]) else {
                    Issue.record("libjq failed where the native plan answered: \(e) on \(json)")
                    continue
                }
                #expect(native["x"] == real["x"], "\(e) on \(json): native \(String(describing: native["x"])) jq \(String(describing: real["x"]))")
                compared += 1
            }
        }
        #expect(compared > 1000, "most messages keep to the simple cases")
    }
}

/// A small deterministic generator.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
