/// Reads the fields of one entry in order, turning each token into a typed value or a `PresentationError`
/// that names the token's line.
struct TokenCursor {
    private let tokens: [ZoneToken]
    private(set) var index: Int = 0
    /// The line reported when the entry runs out of tokens.
    let line: Int

    init(_ tokens: [ZoneToken], line: Int) {
        self.tokens = tokens
        self.line = tokens.last?.line ?? line
    }

    func peek() -> ZoneToken? { index < tokens.count ? tokens[index] : nil }

    mutating func skip() { index = min(index + 1, tokens.count) }

    /// The next token; `what` names the missing field in the error.
    mutating func next(_ what: String) throws -> ZoneToken {
        guard index < tokens.count else { throw PresentationError("missing \(what)", line: line) }
        defer { index += 1 }
        return tokens[index]
    }

    /// Everything not yet read.
    mutating func rest() -> ArraySlice<ZoneToken> {
        defer { index = tokens.count }
        return tokens[min(index, tokens.count)...]
    }

    /// Throws when tokens are left over after the last field of `what`.
    func expectEnd(after what: String) throws {
        if let extra = peek() {
            throw PresentationError("unexpected '\(extra.text)' after the \(what)", line: extra.line)
        }
    }

    // MARK: Fields

    mutating func name(_ what: String, origin: Name) throws -> Name {
        let token = try next(what)
        return try token.attributing { try Name(token.text, origin: origin) }
    }

    /// An unsigned decimal number of the given width: digits only, no sign, no overflow.
    mutating func number<T: FixedWidthInteger & UnsignedInteger>(_ what: String, as type: T.Type = T.self) throws -> T {
        let token = try next(what)
        guard let value = TokenCursor.decimal(token.raw, as: T.self) else {
            throw PresentationError("\(what) '\(token.text)' is not a number from 0 to \(T.max)", line: token.line)
        }
        return value
    }

    /// A duration with optional BIND units (`1h30m`), at most `limit` seconds.
    mutating func duration(_ what: String, limit: UInt32 = .max) throws -> UInt32 {
        let token = try next(what)
        return try token.attributing { try ZoneFile.parseTTL(token.text, limit: limit) }
    }

    /// A DNSSEC algorithm as a number or a mnemonic (RFC 4034 §2.2, Appendix A.1).
    mutating func algorithm() throws -> DNSSECAlgorithm {
        let token = try next("algorithm")
        if let number = TokenCursor.decimal(token.raw, as: UInt8.self) { return DNSSECAlgorithm(number) }
        let upper = token.text.uppercased()
        guard let (value, _) = DNSSECAlgorithm.mnemonics.first(where: { $0.value == upper }) else {
            throw PresentationError("unknown DNSSEC algorithm '\(token.text)' (a number 0-255 or a mnemonic such as RSASHA256)",
                                    line: token.line)
        }
        return DNSSECAlgorithm(value)
    }

    /// A type mnemonic or RFC 3597 `TYPEnnn`.
    mutating func type(_ what: String) throws -> RRType {
        let token = try next(what)
        return try token.recordType(what)
    }

    /// The remaining tokens joined and decoded: base64 and hex may be split by whitespace (RFC 4034 §2.2, §5.3).
    /// A character outside `alphabet` is reported on the line of its own token.
    mutating func joinedRest(_ what: String, alphabet: (UInt8) -> Bool,
                             decode: (String) throws -> [UInt8]) throws -> [UInt8] {
        let parts = rest()
        for part in parts {
            if part.isQuoted { throw PresentationError("\(what) must not be quoted", line: part.line) }
            if let bad = part.raw.first(where: { !alphabet($0) }) {
                throw PresentationError("\(what): \(quotedCharacter(bad)) is not allowed here", line: part.line)
            }
        }
        let text = String(decoding: parts.flatMap(\.raw), as: UTF8.self)
        do {
            return try decode(text)
        } catch var error as PresentationError {
            error.message = "\(what): \(error.message)"
            error.line = error.line ?? parts.first?.line ?? line
            throw error
        }
    }

    static func isBase64(_ char: UInt8) -> Bool {
        isHex(char) || (char >= UInt8(ascii: "G") && char <= UInt8(ascii: "Z")) || (char >= UInt8(ascii: "g") && char <= UInt8(ascii: "z"))
            || char == UInt8(ascii: "+") || char == UInt8(ascii: "/") || char == UInt8(ascii: "=")
    }

    static func isHex(_ char: UInt8) -> Bool {
        isDigit(char) || (char >= UInt8(ascii: "a") && char <= UInt8(ascii: "f")) || (char >= UInt8(ascii: "A") && char <= UInt8(ascii: "F"))
    }

    static func decimal<T: FixedWidthInteger & UnsignedInteger>(_ raw: [UInt8], as type: T.Type) -> T? {
        guard !raw.isEmpty, raw.count <= 20 else { return nil }
        var value: T = 0
        for char in raw {
            guard isDigit(char) else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(T(char - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }
}

extension ZoneToken {
    /// Runs `body`, giving any `PresentationError` it throws this token's line.
    func attributing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as PresentationError {
            error.line = error.line ?? line
            throw error
        }
    }

    func recordType(_ what: String) throws -> RRType {
        guard !isQuoted, hasStrictNumericForm(prefix: "TYPE"), let type = RRType(mnemonic: text) else {
            throw PresentationError("unknown \(what) '\(text)' (a mnemonic such as AAAA, or TYPEnnn)", line: line)
        }
        return type
    }

    /// The class of a class-shaped token (`IN`, `CLASS32`), else nil.
    var recordClass: RRClass? {
        guard !isQuoted, hasStrictNumericForm(prefix: "CLASS") else { return nil }
        return RRClass(mnemonic: text)
    }

    /// RFC 3597 §5: `TYPE` or `CLASS` followed by decimal digits only (no sign), when the token has that prefix.
    private func hasStrictNumericForm(prefix: String) -> Bool {
        let prefixOctets = Array(prefix.utf8)
        guard raw.count > prefixOctets.count,
              zip(raw, prefixOctets).allSatisfy({ asciiLower($0) == asciiLower($1) }) else { return true }
        return raw[prefixOctets.count...].allSatisfy(isDigit)
    }

    /// The token as one <character-string> (RFC 1035 §3.3): escapes decoded, at most 255 octets.
    func characterString() throws -> [UInt8] {
        var out: [UInt8] = []
        var position = 0
        while position < raw.count {
            if raw[position] == UInt8(ascii: "\\") {
                let (octet, used) = try attributing { try Name.unescape(raw, at: position, context: text) }
                out.append(octet)
                position += used
            } else {
                out.append(raw[position])
                position += 1
            }
        }
        guard out.count <= 255 else {
            throw PresentationError("character-string of \(out.count) octets is longer than 255", line: line)
        }
        return out
    }
}
