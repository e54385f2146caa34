import InboxEvents
import InboxCore

/// Keys while the help screen or a question is open, and opening links.
extension InboxModel {
    mutating func helpKey(_ key: Key) -> [ModelEffect] {
        switch keyMap.action(for: key) {
        case .moveDown: helpScroll = min(helpScroll + 1, helpMaxScroll)
        case .moveUp: helpScroll = max(0, helpScroll - 1)
        case .pageDown, .scrollPreview: helpScroll = min(helpScroll + max(1, listHeight), helpMaxScroll)
        case .pageUp: helpScroll = max(0, helpScroll - max(1, listHeight))
        default: helpShown = false
        }
        return []
    }

    mutating func answer(_ prompt: Prompt, _ key: Key) -> [ModelEffect] {
        self.prompt = nil
        switch prompt {
        case .markAllRead(let targets, _):
            guard key == .char("y") || key == .char("Y") else {
                message = "cancelled"
                return []
            }
            tags.removeAll()
            return setStates(targets, to: .read)
        default:
            return answerTriage(prompt, key)
        }
    }

    mutating func openURL() -> [ModelEffect] {
        guard let n = cursorNotification else { return [] }
        guard let url = n.url, !url.isEmpty else {
            message = "no URL"
            return []
        }
        return open(url: url)
    }

    /// Opens `url` when it is a plain http(s) URL, else says why not.
    mutating func open(url: String) -> [ModelEffect] {
        let lower = url.lowercased()
        let safe = TerminalText.sanitize(url) == url && !url.contains(" ")
        guard safe, lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            message = "not opening: only plain http(s) URLs are opened"
            return []
        }
        message = "opening " + url
        return [.openURL(url)]
    }
}
