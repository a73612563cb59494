/// Reads zone-file text (RFC 1035 §5) into records: root hints, trust-anchor files and test fixtures.
///
/// Supported: `$ORIGIN` and `$TTL` (RFC 2308 §4), relative names and `@`, a blank owner meaning the previous
/// owner, TTL and class in either order and both optional, TTLs with BIND units (`1h30m`), type and class
/// mnemonics and their RFC 3597 forms (`TYPE65534`, `CLASS32`), and generic RDATA (`\# <length> <hex>`).
/// `$INCLUDE` is refused: anchord reads one self-contained file at a time.
public enum ZoneFile {
    /// Every record in `text`, in order. A failure names the line, and `fileName` when given.
    ///
    /// A record without a TTL takes the `$TTL` value (or `defaultTTL` before any `$TTL`), else the last TTL
    /// stated explicitly (RFC 1035 §5.1); without any of these the record is an error.
    public static func parse(_ text: String, origin: Name = .root, defaultTTL: UInt32? = nil,
                             fileName: String? = nil) throws -> [Record] {
        try parseWithLines(text, origin: origin, defaultTTL: defaultTTL, fileName: fileName).map(\.record)
    }

    /// As `parse`, with the line each record's entry starts on, for callers that judge the records afterwards
    /// and must name the line of one they reject (a trust-anchor file with a record that is not DS or DNSKEY).
    public static func parseWithLines(_ text: String, origin: Name = .root, defaultTTL: UInt32? = nil,
                                      fileName: String? = nil) throws -> [(record: Record, line: Int)] {
        var reader = ZoneReader(origin: origin, defaultTTL: defaultTTL)
        var records: [(record: Record, line: Int)] = []
        var lineInProgress = 1
        do {
            for entry in try ZoneTokenizer.entries(in: text) {
                lineInProgress = entry.line
                if let record = try reader.read(entry) { records.append((record, entry.line)) }
            }
        } catch var error as PresentationError {
            error.line = error.line ?? lineInProgress
            error.fileName = fileName
            throw error
        }
        return records
    }

    /// A TTL or other duration: a decimal number of seconds, or numbers with BIND units `w`, `d`, `h`, `m`, `s`
    /// in either case (`1h30m`, `2d`); a trailing number without a unit counts seconds.
    ///
    /// The default limit is RFC 2181 §8's largest TTL, 2^31 − 1.
    public static func parseTTL(_ text: String, limit: UInt32 = UInt32(Int32.max)) throws -> UInt32 {
        let chars = Array(text.utf8)
        guard let first = chars.first, isDigit(first) else {
            throw PresentationError("'\(text)' is not a TTL (seconds, or units such as 1h30m)")
        }
        var total: UInt64 = 0
        var number: UInt64 = 0
        var digits = 0
        for char in chars {
            if isDigit(char) {
                number = number * 10 + UInt64(char - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 10 else { throw PresentationError("TTL '\(text)' is too large") }
                continue
            }
            guard digits > 0, let unit = unitSeconds(char) else {
                throw PresentationError("'\(text)' is not a TTL (seconds, or units such as 1h30m)")
            }
            total += number * unit
            number = 0
            digits = 0
            guard total <= UInt64(limit) else { throw PresentationError("TTL '\(text)' is larger than \(limit) seconds") }
        }
        total += number
        guard total <= UInt64(limit) else { throw PresentationError("TTL '\(text)' is larger than \(limit) seconds") }
        return UInt32(total)
    }

    private static func unitSeconds(_ char: UInt8) -> UInt64? {
        switch asciiLower(char) {
        case UInt8(ascii: "w"): return 604_800
        case UInt8(ascii: "d"): return 86_400
        case UInt8(ascii: "h"): return 3_600
        case UInt8(ascii: "m"): return 60
        case UInt8(ascii: "s"): return 1
        default: return nil
        }
    }
}

/// The state carried from one zone-file entry to the next.
struct ZoneReader {
    var origin: Name
    var defaultTTL: UInt32?
    var lastOwner: Name?
    var lastExplicitTTL: UInt32?
    var lastClass: RRClass?

    init(origin: Name, defaultTTL: UInt32?) {
        self.origin = origin
        self.defaultTTL = defaultTTL
    }

    /// The record an entry describes, or nil for a directive.
    mutating func read(_ entry: ZoneEntry) throws -> Record? {
        if !entry.startsWithBlank, let first = entry.tokens.first, !first.isQuoted, first.raw.first == UInt8(ascii: "$") {
            try directive(entry)
            return nil
        }
        return try record(entry)
    }

    private mutating func directive(_ entry: ZoneEntry) throws {
        var cursor = TokenCursor(entry.tokens, line: entry.line)
        let keyword = try cursor.next("directive")
        switch keyword.text.uppercased() {
        case "$ORIGIN":
            // The new origin may itself be relative to the current one.
            origin = try cursor.name("name after $ORIGIN", origin: origin)
            try cursor.expectEnd(after: "$ORIGIN name")
        case "$TTL":
            defaultTTL = try cursor.duration("TTL after $TTL", limit: UInt32(Int32.max))
            try cursor.expectEnd(after: "$TTL value")
        case "$INCLUDE":
            throw PresentationError("$INCLUDE is not supported: put the records in this file", line: keyword.line)
        default:
            throw PresentationError("unknown directive '\(keyword.text)' (supported: $ORIGIN, $TTL)", line: keyword.line)
        }
    }

    private mutating func record(_ entry: ZoneEntry) throws -> Record {
        var cursor = TokenCursor(entry.tokens, line: entry.line)
        let owner: Name
        if entry.startsWithBlank {
            guard let lastOwner else {
                throw PresentationError("the first record starts with a blank, so it has no owner name", line: entry.line)
            }
            owner = lastOwner
        } else {
            owner = try cursor.name("owner name", origin: origin)
        }

        // RFC 1035 §5.1: TTL and class may come in either order, and each may be left out.
        var ttl: UInt32? = nil
        var rrClass: RRClass? = nil
        while let token = cursor.peek(), !token.isQuoted {
            if ttl == nil, let first = token.raw.first, isDigit(first) {
                // RFC 2181 §8, as for $TTL: a TTL with the top bit set would arrive as 0 off the wire.
                ttl = try cursor.duration("TTL", limit: UInt32(Int32.max))
            } else if rrClass == nil, let value = token.recordClass {
                rrClass = value
                cursor.skip()
            } else {
                break
            }
        }
        let typeToken = try cursor.next("type")
        let type = try typeToken.recordType("type")
        guard !type.isMetaType else {
            throw PresentationError("\(type) is a meta-type and cannot appear as zone data", line: typeToken.line)
        }
        let resolvedClass = rrClass ?? lastClass ?? .in
        let rdata = try RData.parse(type: type, rrClass: resolvedClass, from: &cursor, origin: origin)

        let resolvedTTL: UInt32
        if let ttl {
            resolvedTTL = ttl
            lastExplicitTTL = ttl
        } else if let value = defaultTTL ?? lastExplicitTTL {
            resolvedTTL = value
        } else {
            throw PresentationError("no TTL for \(owner.text) \(type): give one on the record or set $TTL", line: entry.line)
        }
        lastOwner = owner
        lastClass = resolvedClass
        return Record(name: owner, type: type, rrClass: resolvedClass, ttl: resolvedTTL, rdata: rdata)
    }
}
