/// Makes untrusted text safe for a terminal and measures it in columns: every string from
/// Kafka may carry escape sequences, bidi overrides or invalid UTF-8.
///
/// Control characters (C0, C1, DEL) and the ESC that starts every CSI/OSC/DCS sequence
/// are shown escaped (`\x1b`), so the rest of a sequence is inert printable text.
/// Bidi controls are shown escaped (`\u202e`); invisible zero-width and other default-ignorable
/// characters are removed (joiners and variation selectors stay, they shape emoji), as are
/// combining marks with no base character and marks beyond `maxCombiningMarks` on one base.
public enum TerminalText {
    /// Returns `text` with nothing a terminal would act on.
    /// - Parameter keepNewlines: keep `\n` (for multi-line preview text); otherwise it becomes a space.
    public static func sanitize(_ text: String, keepNewlines: Bool = false) -> String {
        if isPlainASCII(text) { return text }
        var out = String.UnicodeScalarView()
        var hasBase = false  // whether a combining mark here has a character to sit on
        var marks = 0        // combining marks on the current base so far
        for scalar in text.unicodeScalars {
            let v = scalar.value
            switch v {
            case 0x0A where keepNewlines:
                out.append(scalar)
                hasBase = false
                continue
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029:
                out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                appendEscaped("\\x" + hex(v, digits: 2), to: &out)
            case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069, 0xFFF9...0xFFFB:
                appendEscaped("\\u" + hex(v, digits: 4), to: &out)
            case 0x200C, 0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x180B...0x180D, 0x180F:
                // Joiners and variation selectors shape emoji and scripts: kept.
                if hasBase { out.append(scalar) }
                continue
            case 0x00A0...:
                if scalar.properties.isDefaultIgnorableCodePoint { continue }  // zero-width tricks
                if isCombiningMark(scalar) {
                    // A mark without a base would draw over the cell before the text; a long
                    // stack of marks ("zalgo") spills over neighbouring rows.
                    guard hasBase, marks < maxCombiningMarks else { continue }
                    marks += 1
                    out.append(scalar)
                    continue
                }
                out.append(scalar)
            default:
                out.append(scalar)
            }
            hasBase = true
            marks = 0
        }
        return String(out)
    }

    /// The most combining marks kept on one base character.
    public static let maxCombiningMarks = 8

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return true
        default: return false
        }
    }

    /// The number of terminal columns `text` takes (wide characters 2, combining marks 0).
    public static func width(_ text: String) -> Int {
        if isPlainASCII(text) { return text.utf8.count }
        var total = 0
        for scalar in text.unicodeScalars { total += width(of: scalar) }
        return total
    }

    /// The number of columns one scalar takes: 0, 1 or 2.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : 0 }
        if v < 0xA0 { return 0 }
        if v == 0x200D || v == 0x200C || (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v)
            || (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) {
            return 0  // joiners, variation selectors, conjoining Hangul vowels and finals
        }
        if scalar.properties.isDefaultIgnorableCodePoint { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control:
            return 0
        default:
            break
        }
        if isWide(v) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// Cuts `text` to at most `columns` columns, ending with `…` when something was cut.
    /// The text must already be sanitised.
    public static func truncate(_ text: String, toWidth columns: Int) -> String {
        guard columns > 0 else { return "" }
        if isPlainASCII(text), text.utf8.count <= columns { return text }
        if width(text) <= columns { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            let w = width(of: scalar)
            if used + w > columns - 1 { break }
            out.append(scalar)
            used += w
        }
        out.append("…")
        return String(out)
    }

    /// Cuts or pads `text` to exactly `columns` columns.
    public static func fit(_ text: String, width columns: Int) -> String {
        let cut = truncate(text, toWidth: columns)
        let w = width(cut)
        return w < columns ? cut + String(repeating: " ", count: columns - w) : cut
    }

    /// Sanitises and cuts in one step, for one line of untrusted text.
    public static func line(_ text: String, width columns: Int) -> String {
        truncate(sanitize(text), toWidth: columns)
    }

    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    private static func appendEscaped(_ text: String, to out: inout String.UnicodeScalarView) {
        out.append(contentsOf: text.unicodeScalars)
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let s = String(value, radix: 16)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    /// East Asian Wide and Fullwidth ranges, plus the emoji blocks terminals draw two columns wide.
    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
             0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1,
             0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
             0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C,
             0x274E, 0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C,
             0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
             0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF,
             0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F251,
             0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB, 0x1F90C...0x1F9FF,
             0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
