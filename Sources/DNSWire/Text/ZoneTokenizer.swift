/// One token of zone-file text (RFC 1035 §5.1).
struct ZoneToken: Equatable, Sendable {
    /// The characters as written, with escapes (`\DDD`, `\c`) still in place; without the quotes of a quoted string.
    var raw: [UInt8]
    /// A quoted string: whitespace and specials inside are literal, and TXT keeps it as one character-string.
    var isQuoted: Bool
    /// The 1-based line the token starts on.
    var line: Int

    var text: String { String(decoding: raw, as: UTF8.self) }

    /// True for the unquoted token `literal` (directives, `\#`, `-`).
    func isBare(_ literal: String) -> Bool { !isQuoted && raw == Array(literal.utf8) }
}

/// The tokens of one record or directive. Parentheses let an entry span lines (RFC 1035 §5.1).
struct ZoneEntry: Equatable, Sendable {
    /// The line the entry starts on.
    var line: Int
    /// The entry's first line began with a blank: the owner is the previous record's (RFC 1035 §5.1).
    var startsWithBlank: Bool
    var tokens: [ZoneToken]
}

/// Splits zone-file text into entries of tokens, following RFC 1035 §5.1: tokens are separated by spaces and
/// tabs, `;` starts a comment that runs to the end of the line, `(` … `)` continue an entry over line breaks,
/// `"` … `"` keeps whitespace and specials inside one token, and a backslash escapes the next character.
///
/// Escapes are kept in the token so each consumer decodes them for its own field (a name, a character-string).
enum ZoneTokenizer {
    static func entries(in text: String) throws -> [ZoneEntry] {
        let bytes = Array(text.utf8)
        var entries: [ZoneEntry] = []
        var current: ZoneEntry? = nil
        var line = 1
        var lineStart = 0
        var openParenthesisLine: Int? = nil
        var index = 0

        func beginEntryIfNeeded(at position: Int) {
            if current == nil { current = ZoneEntry(line: line, startsWithBlank: position != lineStart, tokens: []) }
        }
        func endEntry() {
            if let entry = current, !entry.tokens.isEmpty { entries.append(entry) }
            current = nil
        }

        while index < bytes.count {
            let char = bytes[index]
            switch char {
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
                if openParenthesisLine == nil { endEntry() }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: ";"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "("):
                if let opened = openParenthesisLine {
                    throw PresentationError("'(' inside the parentheses opened on line \(opened)", line: line)
                }
                beginEntryIfNeeded(at: index)
                openParenthesisLine = line
                index += 1
            case UInt8(ascii: ")"):
                guard openParenthesisLine != nil else { throw PresentationError("')' without a matching '('", line: line) }
                openParenthesisLine = nil
                index += 1
            case UInt8(ascii: "\""):
                beginEntryIfNeeded(at: index)
                let token = try quoted(bytes, from: &index, line: &line)
                current?.tokens.append(token)
            default:
                beginEntryIfNeeded(at: index)
                let token = bare(bytes, from: &index, line: &line)
                current?.tokens.append(token)
            }
        }
        if let opened = openParenthesisLine {
            throw PresentationError("'(' is never closed", line: opened)
        }
        endEntry()
        return entries
    }

    /// A quoted string starting at the opening quote; leaves `index` after the closing quote.
    private static func quoted(_ bytes: [UInt8], from index: inout Int, line: inout Int) throws -> ZoneToken {
        let startLine = line
        var raw: [UInt8] = []
        var position = index + 1
        while position < bytes.count {
            let char = bytes[position]
            if char == UInt8(ascii: "\"") {
                index = position + 1
                return ZoneToken(raw: raw, isQuoted: true, line: startLine)
            }
            if char == UInt8(ascii: "\n") {
                throw PresentationError("quoted string not closed before the end of the line", line: startLine)
            }
            raw.append(char)
            if char == UInt8(ascii: "\\"), position + 1 < bytes.count {
                if bytes[position + 1] == UInt8(ascii: "\n") { line += 1 }
                raw.append(bytes[position + 1])
                position += 1
            }
            position += 1
        }
        throw PresentationError("quoted string not closed before the end of the text", line: startLine)
    }

    /// An unquoted token; ends at whitespace, a comment, a parenthesis or a quote that is not escaped.
    private static func bare(_ bytes: [UInt8], from index: inout Int, line: inout Int) -> ZoneToken {
        let startLine = line
        var raw: [UInt8] = []
        var position = index
        scan: while position < bytes.count {
            let char = bytes[position]
            switch char {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
                 UInt8(ascii: ";"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\""):
                break scan
            case UInt8(ascii: "\\"):
                raw.append(char)
                if position + 1 < bytes.count {
                    if bytes[position + 1] == UInt8(ascii: "\n") { line += 1 }
                    raw.append(bytes[position + 1])
                    position += 1
                }
            default:
                raw.append(char)
            }
            position += 1
        }
        index = position
        return ZoneToken(raw: raw, isQuoted: false, line: startLine)
    }
}
