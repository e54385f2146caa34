import Testing
@testable import InboxCore

/// The query language: what each term selects, how terms combine, and errors that point at the token.
@Suite struct QueryTests {
    static let now: Int64 = 1_795_615_200_000  // 2026-11-25 14:00Z
    static func note(_ id: String, kind: Kind = .owner, actor: String? = "bob", title: String = "deploy done", url: String? = nil,
                     object: (String, String)? = nil, hoursAgo: Int64 = 1) -> Notification {
        Notification(id: id, kind: kind, title: title, actor: actor, url: url, createdAtMs: now - hoursAgo * 3_600_000,
                     objectType: object?.0, objectID: object?.1, source: SourcePosition(topic: "t", partition: 0, offset: 0))
    }

    func selects(_ q: String, _ n: Notification, _ c: RowClass = .unread) throws -> Bool {
        try InboxQuery(q, nowMs: Self.now).matches(n, InboxQuery.Facts(rowClass: c))
    }

    @Test func termsSelectWhatTheySay() throws {
        let n = Self.note("a", kind: .group, actor: "Bob", url: "https://x", object: ("graph", "123"), hoursAgo: 30)
        #expect(try selects("is:unread", n) && !selects("is:read", n) && selects("is:done", n, .acknowledged))
        #expect(try selects("is:muted", n, .muted) && !selects("is:unread", n, .muted))
        #expect(try selects("kind:group", n) && !selects("kind:owner", n))
        #expect(try selects("from:bob", n) && !selects("from:bo", n))
        #expect(try selects("thread:graph:123", n) && !selects("thread:graph:12", n))
        #expect(try selects("after:2d", n) && !selects("after:1d", n) && selects("before:1d", n))
        #expect(try selects("before:2026-11-25", n) && !selects("after:2026-11-25", n))
        #expect(try selects("has:url", n) && !selects("has:body", n))
        #expect(try selects("DEPLOY", n) && selects("\"deploy done\"", n) && !selects("\"done deploy\"", n))
    }

    @Test func negationAndOrAndParenthesesCombine() throws {
        let bob = Self.note("b")
        let ci = Self.note("c", actor: "ci-bot", title: "build passed")
        #expect(try selects("is:unread -from:ci-bot", bob) && !selects("is:unread -from:ci-bot", ci))
        #expect(try selects("from:ci-bot OR from:bob", bob) && selects("from:ci-bot OR from:bob", ci))
        #expect(try selects("kind:owner (passed OR deploy)", bob) && selects("kind:owner (passed OR deploy)", ci))
        #expect(try !selects("-(from:bob OR from:ci-bot)", ci))
        #expect(try selects("", bob), "an empty query selects everything")
    }

    @Test(arguments: [
        ("is:bogus", "is:bogus (column 1): unknown state \"bogus\""),
        ("kind:owner has:pony", "has:pony (column 12): unknown has:pony"),
        ("from:bob OR", "OR (column 10): OR needs a term on each side"),
        ("(from:bob", "( (column 1): a ( without its )"),
        ("from:bob )", ") (column 10): a ) without its ("),
        ("\"open quote", "\"open quote (column 1): a quote without its closing \""),
        ("after:soon", "after:soon (column 1): after: takes a duration"),
        ("thread:graph", "thread:graph (column 1): thread: takes TYPE:ID"),
        ("-is:nope", "-is:nope (column 2): unknown state"),
    ])
    func badQueriesPointAtTheToken(text: String, message: String) {
        do {
            _ = try InboxQuery(text, nowMs: Self.now)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description.hasPrefix(message), "\(error.description)")
        }
    }

    @Test func savedQueriesKeepRowsAndUnreadCountsAsStatesChange() throws {
        var inbox = Inbox()
        inbox.setQueries([try InboxQuery("from:bob", nowMs: Self.now), try InboxQuery("is:read", nowMs: Self.now)])
        inbox.insert(Self.note("a"))
        inbox.insert(Self.note("b", actor: "carol", hoursAgo: 2))
        inbox.insert(Self.note("c", hoursAgo: 3))
        #expect(inbox.unreadCount(query: 0) == 2)
        #expect(Array(inbox.rows(query: 0, kind: nil)).map { inbox.id(at: $0) } == ["a", "c"])
        inbox.setState(.read, for: "a")
        #expect(inbox.unreadCount(query: 0) == 1)
        #expect(Array(inbox.rows(query: 0, kind: nil)).count == 2, "a read row stays in a query without is:")
        #expect(Array(inbox.rows(query: 1, kind: nil)).map { inbox.id(at: $0) } == ["a"])
        inbox.setState(.unread, for: "a")
        #expect(Array(inbox.rows(query: 1, kind: nil)).isEmpty)
        inbox.mutes.add(Mute(scope: .actor("bob")))
        inbox.refreshMutes(nowMs: Self.now) { _, _ in false }
        #expect(inbox.unreadCount(query: 0) == 0, "muted rows are not unread")
    }

    /// A row taken already read (its receipt came first) counts as unread in a query that
    /// names a state once it is marked unread: its answer as unread is kept from the start.
    @Test func aRowTakenReadCountsOnceMarkedUnreadInAQueryNamingAState() throws {
        var inbox = Inbox()
        inbox.setQueries([try InboxQuery("-is:read from:bob", nowMs: Self.now), try InboxQuery("from:bob", nowMs: Self.now)])
        inbox.setState(.read, for: "a")
        inbox.insert(Self.note("a"))
        inbox.insert(Self.note("b", hoursAgo: 2))
        #expect(inbox.unreadCount(query: 0) == 1 && inbox.unreadCount(query: 1) == 1)
        #expect(Array(inbox.rows(query: 0, kind: nil)).map { inbox.id(at: $0) } == ["b"])
        inbox.setState(.unread, for: "a")
        #expect(inbox.unreadCount(query: 0) == 2, "a is unread now, and from bob")
        #expect(inbox.unreadCount(query: 1) == 2)
        #expect(Array(inbox.rows(query: 0, kind: nil)).map { inbox.id(at: $0) } == ["a", "b"])
    }

    @Test func theStoredBytesAnswerAsTheNotificationDoes() throws {
        let queries = ["deploy", "DEPLOY done", "from:bob", "from:BOB OR kind:group", "-from:carol is:unread", "after:2h",
                       "before:1h", "\"y d\"", "kind:owner -deploy", "thread:graph:1", "has:url from:bob", "bob@corp", "ärger"]
        let notes = [Self.note("a"), Self.note("b", kind: .group, actor: "Bob@corp.example", title: "Deploy DONE", hoursAgo: 3),
                     Self.note("c", actor: "carol", title: "Ärger im Büro"), Self.note("d", actor: nil, title: "deploy", url: "https://x"),
                     Self.note("e", actor: "bobby", title: "x")]
        var decided = 0
        for text in queries {
            let q = try InboxQuery(text, nowMs: Self.now)
            for n in notes {
                for c in [RowClass.unread, .read, .muted] {
                    let facts = InboxQuery.Facts(rowClass: c)
                    let packed = Array(n.title.utf8).withUnsafeBufferPointer { t in
                        (n.actor.map { Array($0.utf8) } ?? []).withUnsafeBufferPointer { a in
                            q.matches(packed: InboxQuery.PackedRow(title: t, actor: n.actor == nil ? nil : a, body: nil, kind: n.kind,
                                                                   createdAtMs: n.createdAtMs), facts)
                        }
                    }
                    if let packed {
                        decided += 1
                        #expect(packed == q.matches(n, facts), "\(text) on \(n.id) in \(c)")
                    }
                }
            }
        }
        #expect(decided > 100, "most questions are answered from the bytes")
    }

    /// Fuzz finding (Fuzz/Corpus/Query/crash-nul-at-end-of-word): Foundation's
    /// `contains(_:)` ignored NULs at the end of a word when the text ended with the rest,
    /// so `done\0` (a `[[views]]` query can hold one) matched "deploy done" unpacked but
    /// not from the stored bytes.
    @Test func aWordEndingInNULMatchesOnlyText() throws {
        let n = Self.note("a", title: "deploy done")
        let facts = InboxQuery.Facts(rowClass: .unread)
        for text in ["done\u{0}", "e\u{0}\u{0}", "\"done\u{0}\""] {
            let q = try InboxQuery(text, nowMs: Self.now)
            #expect(!q.matches(n, facts), "\(text.debugDescription)")
            let packed = Array(n.title.utf8).withUnsafeBufferPointer { t in
                q.matches(packed: InboxQuery.PackedRow(title: t, actor: nil, body: nil, kind: n.kind, createdAtMs: n.createdAtMs), facts)
            }
            #expect(packed == false)
        }
        #expect(try InboxQuery("done", nowMs: Self.now).matches(n, facts))
    }
}
