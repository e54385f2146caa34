// fuzz-sources: Sources/InboxFeed/NativePlan.swift
// fuzz-modules: JQKit
// fuzz-link: -ljq
// fuzz-flags: -I Sources/CJQ
import InboxCore
import JQKit

/// The jq mapping's inputs: a `[schema]` expression and a message value. The native jq
/// subset (`SimpleJQ`) never traps on either, and whenever it answers for a message
/// (instead of giving up) on an expression libjq compiles, its answer is exactly libjq's
/// for the same expression, message and variables. The input is the expression, a
/// newline, then the message value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    guard let newline = input.firstIndex(of: 0x0A) else {
        _ = SimpleJQ.parse(String(decoding: input, as: UTF8.self))
        return 0
    }
    let expression = String(decoding: UnsafeBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
    guard let plan = NativePlan(["x": expression]) else { return 0 }
    let message = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[(newline + 1)...])
    let variables = SimpleVariables(["user": .value(.string("alice")), "groups": .strings(["sre", "42"]),
                                     "topic": .value(.string("notify.alice.owner")), "headers": .object(["h": "v"])])
    guard let native = plan.evaluate(message, variables: variables) else { return 0 }  // gave up: libjq decides
    let prelude = #". as [$__v, $__m] | "alice" as $user | ["sre","42"] as $groups | $__m.topic as $topic | $__m.headers as $headers | $__v | "#
    // The mapper compiles every expression with libjq first (`MessageMapper.check`) and
    // refuses the config when it cannot, so the native subset runs only where libjq compiles
    // (an expression with a NUL never does: libjq reads the text as a C string).
    guard let jq = program(prelude + "{\"x\": ([(" + expression + "\n)][0])}") else { return 0 }
    let meta = JQInput.object([("topic", .string("notify.alice.owner")), ("headers", .stringObject([("h", "v")]))])
    let bytes = Array(message)
    guard case .object(let real)? = try? jq.first([.json(bytes), meta]) else {
        fatalError("libjq failed where the native subset answered: \(expression) on \(String(decoding: bytes, as: UTF8.self))")
    }
    require(native["x"] == real["x"], "\(expression) on \(String(decoding: bytes, as: UTF8.self)): native "
                 + "\(String(describing: native["x"])), libjq \(String(describing: real["x"]))")
    return 0
}

/// Programs compiled so far (most mutations change the message, not the expression, and
/// libjq's compile costs more than everything else here); nil: libjq cannot compile it.
nonisolated(unsafe) private var compiled: [String: JQProgram?] = [:]

private func program(_ text: String) -> JQProgram? {
    if let known = compiled[text] { return known }
    if compiled.count >= 512 { compiled.removeAll() }
    let p = try? JQProgram(text)
    compiled[text] = p
    return p
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
