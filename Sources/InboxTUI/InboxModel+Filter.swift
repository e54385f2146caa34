import InboxCore

/// `F`: an ad-hoc query within the current view or tab, typed in the prompt line and
/// applied with Enter (the inbox keeps its rows from then on, like a tab's); Esc clears it.
extension InboxModel {
    /// A key while the filter prompt is open.
    mutating func answerFilter(_ text: String, _ key: Key) {
        switch key {
        case .escape:
            if filterQuery != nil { setFilterQuery(nil) } else { message = "cancelled" }
        case .backspace:
            prompt = .filter(text: String(text.dropLast()))
        case .enter:
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                setFilterQuery(nil)
                return
            }
            do throws(QueryError) {
                setFilterQuery(try InboxQuery(text, nowMs: clock()))
                message = "\(rows.count) match"
            } catch {
                prompt = .filter(text: text)
                message = TerminalText.sanitize(error.description)
            }
        case .char(let c) where text.count < 200:
            prompt = .filter(text: text + String(c))
        default:
            prompt = .filter(text: text)
        }
    }

    /// Sets (or with nil clears) the ad-hoc filter and shows its rows.
    mutating func setFilterQuery(_ q: InboxQuery?) {
        let had = filterQuery != nil
        filterQuery = q
        if q == nil {
            if had { inbox.setQuery(nil, at: savedViews.count) }
        } else {
            applyFilterQuery()
        }
        releasePin(force: true)
        tags.removeAll()
        rebuildRows()
    }

    /// Matches the filter, within the view or tab, into the inbox's query slot after the saved views.
    mutating func applyFilterQuery() {
        guard let q = filterQuery else { return }
        let scope = tab.map { savedViews[$0].query } ?? InboxQuery(view: view)
        inbox.setQuery(InboxQuery(allOf: [scope, q], text: q.text), at: savedViews.count)
    }
}
