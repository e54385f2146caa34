// fuzz-sources: Sources/InboxService/TOMLSubset.swift
/// The config file reader (the TOML subset) on any file contents: it never traps, and
/// what it reads is consistent: every key it keeps has a line number within the file, and
/// `entries(under:)` lists exactly the keys under each top-level table.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let toml = try? TOMLSubset(text) else { return 0 }
    let lineCount = text.utf8.count { $0 == 0x0A } + 1
    for (path, _) in toml.values {
        guard let line = toml.lines[path] else { fatalError("key \(path) has no line") }
        require(line >= 1 && line <= lineCount, "key \(path) at line \(line) of \(lineCount)")
    }
    for table in Set(toml.values.keys.compactMap(\.first)) {
        let under = toml.values.keys.filter { $0.count > 1 && $0[0] == table }.count
        require(toml.entries(under: table).count == under, "entries(under: \(table)) lost keys")
    }
    return 0
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
