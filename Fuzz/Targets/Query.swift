@testable import InboxCore

/// The query language (`F`, `[[views]]`, `--query`) on any text: parsing never traps, a
/// parse error names a column within the text, and a query that parses answers the same
/// from a row's stored bytes (`matches(packed:)`, when it can answer there) as from the
/// notification, for every row class. The input is the query, then optionally a newline
/// and a message value that is decoded to the notification asked about.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let newline = input.firstIndex(of: 0x0A) ?? size
    let text = String(decoding: UnsafeBufferPointer(rebasing: input[..<newline]), as: UTF8.self)
    let query: InboxQuery
    do throws(QueryError) {
        query = try InboxQuery(text, nowMs: 1_764_079_200_000)
    } catch {
        require(error.column >= 1 && error.column <= text.count + 1, "\(error) is outside \(text.count) characters")
        return 0
    }
    let value = newline < size ? UnsafeBufferPointer(rebasing: input[(newline + 1)...]) : UnsafeBufferPointer(start: nil, count: 0)
    let n = NotificationDecoder.decode(UnsafeRawBufferPointer(value), source: SourcePosition(topic: "notify.alice.owner", partition: 0, offset: 7),
                                       timestampMs: 1_764_000_000_000, topicKind: .owner)
    for rowClass in RowClass.allCases {
        for tagged in [false, true] {
            let facts = InboxQuery.Facts(rowClass: rowClass, tagged: tagged)
            let answer = query.matches(n, facts)
            let packed = Array(n.title.utf8).withUnsafeBufferPointer { t in
                Array((n.actor ?? "").utf8).withUnsafeBufferPointer { a in
                    Array((n.body ?? "").utf8).withUnsafeBufferPointer { b in
                        query.matches(packed: InboxQuery.PackedRow(title: t, actor: n.actor == nil ? nil : a,
                                                                   body: n.body == nil ? nil : b, kind: n.kind,
                                                                   createdAtMs: n.createdAtMs), facts)
                    }
                }
            }
            if let packed { require(packed == answer, "packed \(packed) != \(answer) for \(text) on \(n)") }
        }
    }
    return 0
}

/// Stops with `message` when `condition` fails (`precondition` drops its message in -O builds).
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}
