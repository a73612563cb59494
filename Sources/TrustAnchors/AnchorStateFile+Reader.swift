import DNSWire

/// Reads a state file line by line (`AnchorStateFile.decode`), remembering where each thing was said.
struct StateReader {
    let fileName: String
    var line = 0

    var zone: Name?
    var times: [String: Int64?] = [:]
    var failures: Int?
    var originalTTL: UInt32??
    var lastError: String?
    var problem: AnchorProblem?
    /// Directives already read, and where: each may appear once.
    var seen: [String: Int] = [:]
    var keys: [(key: ManagedKey, line: Int)] = []

    static let timeDirectives = ["last-success", "last-attempt", "next-refresh", "signature-expiration"]
    static let directives = ["zone", "failures", "original-ttl", "last-error", "problem", "key"] + timeDirectives

    init(fileName: String) { self.fileName = fileName }

    func error(_ message: String, line: Int? = nil) -> PresentationError {
        PresentationError(message, line: line ?? self.line, fileName: fileName)
    }

    func readMagic(_ line: Substring, empty: Bool) throws {
        guard !empty else {
            throw error("the state file is empty; it should start with `\(AnchorStateFile.magic)` (delete it to start "
                + "again from the configured trust anchor)")
        }
        guard line != AnchorStateFile.magic else { return }
        if line.hasPrefix(AnchorStateFile.magicPrefix) {
            throw error("state file version \(line.dropFirst(AnchorStateFile.magicPrefix.count)) is not one this "
                + "anchord reads (it reads v1)")
        }
        throw error("not an anchord trust-anchor state file: the first line must be `\(AnchorStateFile.magic)`")
    }

    mutating func read(_ line: Substring) throws {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let directive = fields.first?.lowercased() else { return }
        // A record's owner is the zone, written absolute (ends in a dot); no directive does.
        let looksLikeRecord = fields[0].hasSuffix(".")
            || (!StateReader.directives.contains(directive)
                && fields.dropFirst().prefix(3).contains { ["DNSKEY", "DS"].contains($0.uppercased()) })
        if looksLikeRecord { return try readRecord(String(line)) }
        guard StateReader.directives.contains(directive) else {
            throw error("unknown directive '\(fields[0])'; expected one of "
                + StateReader.directives.joined(separator: ", ") + ", or a DNSKEY or DS record after a key line")
        }
        if directive != "key" {
            if let earlier = seen[directive] { throw error("\(directive) appears twice (first on line \(earlier))") }
            seen[directive] = self.line
        }
        var cursor = FieldCursor(fields: Array(fields.dropFirst()), reader: self, directive: directive)
        switch directive {
        case "zone":
            guard keys.isEmpty else { throw error("zone must come before the keys") }
            let text = try cursor.next("a zone name")
            do { zone = try Name(text) } catch { throw self.error("'\(text)' is not a domain name") }
        case "failures":
            failures = try cursor.number("a count of failed refreshes", as: Int.self)
        case "original-ttl":
            originalTTL = try cursor.optionalNumber("a TTL in seconds or -", as: UInt32.self)
        case "last-error":
            lastError = ManagedAnchor.oneLine(String(line.dropFirst(fields[0].count)))
            return
        case "problem":
            problem = try readProblem(&cursor)
        case "key":
            try readKey(&cursor)
        default:
            times[directive] = try cursor.time()
        }
        try cursor.end()
    }

    func readProblem(_ cursor: inout FieldCursor) throws -> AnchorProblem {
        switch try cursor.next("no-trusted-key or no-trusted-signer") {
        case "no-trusted-key":
            return .noTrustedKey
        case "no-trusted-signer":
            try cursor.keyword("signing")
            let signing = try cursor.tagList()
            try cursor.keyword("trusted")
            return .noTrustedSigner(signing: signing, trusted: try cursor.tagList())
        case let other:
            throw error("unknown problem '\(other)'; expected no-trusted-key or no-trusted-signer")
        }
    }

    mutating func readKey(_ cursor: inout FieldCursor) throws {
        guard zone != nil else { throw error("a key line before the zone line") }
        try checkLastKey()
        let tag = try cursor.number("a key tag (0-65535)", as: UInt16.self)
        let algorithmText = try cursor.next("an algorithm")
        guard let algorithm = DNSSECAlgorithm(mnemonic: algorithmText) else {
            throw error("'\(algorithmText)' is not a DNSSEC algorithm (a number or a mnemonic such as RSASHA256)")
        }
        let stateText = try cursor.next("a state")
        guard let state = ManagedKeyState(label: stateText), state != .start else {
            throw error("'\(stateText)' is not a key state; expected ADDPEND, VALID, MISSING, REVOKED or REMOVED")
        }
        try cursor.keyword("since")
        guard let since = try cursor.time() else { throw error("since needs a time, not -") }
        try cursor.keyword("first-seen")
        let firstSeen = try cursor.time()
        try cursor.keyword("last-seen")
        let lastSeen = try cursor.time()
        try cursor.keyword("seen")
        let count = try cursor.number("a count of refreshes", as: Int.self)
        keys.append((ManagedKey(keyTag: tag, algorithm: algorithm, state: state, since: since, firstSeen: firstSeen,
                                lastSeen: lastSeen, seenCount: count), line))
    }

    mutating func readRecord(_ text: String) throws {
        guard let zone else { throw error("a record before the zone line") }
        let record: Record
        do {
            record = try Record(text: text, origin: zone, defaultTTL: 0)
        } catch let problem as PresentationError {
            throw error(problem.message)
        }
        guard record.name == zone else {
            throw error("a record of \(record.name.text) in the state file of \(zone.text)")
        }
        guard record.rrClass == .in else { throw error("\(record.rrClass) record: trust anchors are class IN") }
        guard let last = keys.indices.last else { throw error("a \(record.type) record with no key line before it") }
        switch record.rdata {
        case let .dnskey(dnskey):
            guard keys[last].key.dnskey == nil else { throw error("a second DNSKEY for the key on line \(keys[last].line)") }
            keys[last].key.dnskey = dnskey
        case let .ds(ds):
            guard keys[last].key.ds == nil else { throw error("a second DS for the key on line \(keys[last].line)") }
            keys[last].key.ds = ds
        default:
            throw error("a \(record.type) record; only DNSKEY and DS records follow a key line")
        }
    }

    /// The key just read has a record that agrees with its line, and is not a key seen before.
    func checkLastKey() throws {
        guard let (key, keyLine) = keys.last else { return }
        let name = "key \(key.keyTag)"
        guard key.dnskey != nil || key.ds != nil else {
            throw error("\(name) has no DNSKEY or DS record after it", line: keyLine)
        }
        let recordTag = key.dnskey?.keyTag ?? key.ds?.keyTag
        let recordAlgorithm = key.dnskey?.algorithm ?? key.ds?.algorithm
        guard recordTag == key.keyTag, recordAlgorithm == key.algorithm else {
            throw error("\(name) (\(key.algorithm)) does not match its record, which has key tag "
                + "\(recordTag.map(String.init) ?? "?") (\(recordAlgorithm.map(\.description) ?? "?"))", line: keyLine)
        }
        for (other, otherLine) in keys.dropLast() {
            let same = if let identity = key.identity { other.identity == identity } else { other.dnskey == nil && other.ds == key.ds }
            if same { throw error("\(name) appears twice (also on line \(otherLine))", line: keyLine) }
        }
    }

    mutating func finish() throws -> ManagedAnchor {
        line = max(line, 1)
        try checkLastKey()
        guard let zone else { throw error("no zone line: the file must say `zone NAME`") }
        guard let nextRefresh = times["next-refresh"] ?? nil else {
            throw error("no next-refresh line (or it is -): the file must say when to refresh")
        }
        return ManagedAnchor(zone: zone, keys: keys.map(\.key), lastSuccess: times["last-success"] ?? nil,
                             lastAttempt: times["last-attempt"] ?? nil, nextRefresh: nextRefresh,
                             failures: failures ?? 0, lastError: lastError, problem: problem,
                             originalTTL: originalTTL ?? nil, signatureExpiration: times["signature-expiration"] ?? nil)
    }
}

/// The fields of one directive, read in order; every mistake names what was expected.
struct FieldCursor {
    var fields: [String]
    let reader: StateReader
    let directive: String
    var position = 0

    init(fields: [String], reader: StateReader, directive: String) {
        self.fields = fields
        self.reader = reader
        self.directive = directive
    }

    mutating func next(_ what: String) throws -> String {
        guard position < fields.count else { throw reader.error("\(directive): \(what) is missing") }
        defer { position += 1 }
        return fields[position]
    }

    mutating func keyword(_ word: String) throws {
        let found = try next("'\(word)'")
        guard found == word else { throw reader.error("\(directive): expected '\(word)', found '\(found)'") }
    }

    mutating func number<Value: FixedWidthInteger>(_ what: String, as type: Value.Type) throws -> Value {
        let text = try next(what)
        guard text.allSatisfy(\.isASCII), let value = Value(text), value >= 0 else {
            throw reader.error("\(directive): '\(text)' is not \(what)")
        }
        return value
    }

    mutating func optionalNumber<Value: FixedWidthInteger>(_ what: String, as type: Value.Type) throws -> Value? {
        if position < fields.count, fields[position] == "-" {
            position += 1
            return nil
        }
        return try number(what, as: type)
    }

    /// `-`, or epoch seconds followed by the same moment in UTC ISO-8601.
    mutating func time() throws -> Int64? {
        let text = try next("a time (epoch seconds and UTC ISO-8601, or -)")
        if text == "-" { return nil }
        guard text.allSatisfy(\.isASCII), let seconds = Int64(text), UTCTime.range.contains(seconds) else {
            throw reader.error("\(directive): '\(text)' is not a time in epoch seconds (years 0000-9999)")
        }
        let iso = try next("the UTC ISO-8601 form of \(seconds) (\(UTCTime.text(seconds)))")
        guard iso == UTCTime.text(seconds) else {
            throw reader.error("\(directive): \(iso) is not the UTC time of \(seconds), which is \(UTCTime.text(seconds)); "
                + "correct one to match the other")
        }
        return seconds
    }

    /// `-` or comma-separated key tags.
    mutating func tagList() throws -> [UInt16] {
        let text = try next("key tags separated by commas, or -")
        if text == "-" { return [] }
        return try text.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard part.allSatisfy(\.isASCII), let tag = UInt16(part) else {
                throw reader.error("\(directive): '\(part)' is not a key tag (0-65535)")
            }
            return tag
        }
    }

    func end() throws {
        guard position >= fields.count else {
            throw reader.error("\(directive): unexpected '\(fields[position])' at the end of the line")
        }
    }
}
