import InboxEvents
import InboxSystem
import Glibc
import InboxCore
import Synchronization
import Testing
@testable import InboxTUI

/// Drives the real event loop and ncurses. Needs a terminal, so it runs only when
/// `INBOX_TUI_PTY=1` is set, under a pseudo-terminal, e.g.:
/// `(sleep 3; printf 'jr'; sleep 1; printf q) | INBOX_TUI_PTY=1 script -qec "swift test --filter PTYSmoke" /dev/null`
@Suite struct PTYSmokeTests {
    @Test(.enabled(if: getenv("INBOX_TUI_PTY") != nil))
    func runsUntilQuitWithLiveEventsAndKeys() throws {
        let events = try EventQueue()
        let sent = Mutex<[String]>([])
        let notes = (0..<5).map { Fixture.note("n\($0)", minutesAgo: Int64($0 + 1)) }
        let app = InboxApp(model: Fixture.model(notes), events: events,
                           send: { requests in sent.withLock { $0 += requests.map(\.notificationID) } },
                           options: TUIOptions(noColor: false))
        Task.detached {
            try? await Task.sleep(for: .milliseconds(500))
            events.push(.arrived([Fixture.note("live", minutesAgo: 0, title: "arrived live \u{1b}[2J")]))
            events.push(.connection(.unreachable("localhost:1")))
        }
        let exit = try app.run()
        #expect(exit == .quit)
        #expect(app.model.inbox.notification(id: "live") != nil)
        // Keys "j r": cursor starts on "live" if it arrived first, else on n0; one of them moved down and read.
        #expect(sent.withLock { $0.count } == 1)
    }
}

extension PTYSmokeTests {
    /// SIGWINCH reflows, SIGTERM ends `run()` with the terminal restored (no keys needed).
    @Test(.enabled(if: getenv("INBOX_TUI_PTY") != nil))
    func resizeThenTerminateRestoresTerminal() throws {
        let events = try EventQueue()
        let app = InboxApp(model: Fixture.five(), events: events, send: { _ in }, options: TUIOptions(noColor: true))
        Task.detached {
            try? await Task.sleep(for: .milliseconds(300))
            kill(getpid(), SIGWINCH)
            try? await Task.sleep(for: .milliseconds(300))
            kill(getpid(), SIGTERM)
        }
        #expect(try app.run() == .signal(SIGTERM))
    }
}
