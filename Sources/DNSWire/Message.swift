/// The fixed header fields of a message other than the counts and the RCODE (RFC 1035 §4.1.1).
public struct Header: Hashable, Sendable {
    public var id: UInt16
    /// QR: this message is a response.
    public var isResponse: Bool
    public var opcode: Opcode
    /// AA
    public var isAuthoritative: Bool
    /// TC
    public var isTruncated: Bool
    /// RD
    public var recursionDesired: Bool
    /// RA
    public var recursionAvailable: Bool
    /// Z: reserved, must be zero; kept so it round-trips.
    public var zero: Bool
    /// AD (RFC 4035 §3.2.3, RFC 6840 §5.7)
    public var authenticData: Bool
    /// CD (RFC 4035 §3.2.2)
    public var checkingDisabled: Bool

    public init(id: UInt16 = 0, isResponse: Bool = false, opcode: Opcode = .query, isAuthoritative: Bool = false,
                isTruncated: Bool = false, recursionDesired: Bool = false, recursionAvailable: Bool = false,
                zero: Bool = false, authenticData: Bool = false, checkingDisabled: Bool = false) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.isAuthoritative = isAuthoritative
        self.isTruncated = isTruncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.zero = zero
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
    }

    /// The 16 flag bits with `rcodeBits` in the low nibble.
    func flagWord(rcodeBits: UInt8) -> UInt16 {
        var word = UInt16(rcodeBits & 0x0F)
        if isResponse { word |= 0x8000 }
        word |= UInt16(opcode.rawValue & 0x0F) << 11
        if isAuthoritative { word |= 0x0400 }
        if isTruncated { word |= 0x0200 }
        if recursionDesired { word |= 0x0100 }
        if recursionAvailable { word |= 0x0080 }
        if zero { word |= 0x0040 }
        if authenticData { word |= 0x0020 }
        if checkingDisabled { word |= 0x0010 }
        return word
    }

    init(id: UInt16, flagWord word: UInt16) {
        self.init(id: id, isResponse: word & 0x8000 != 0, opcode: Opcode(UInt8((word >> 11) & 0x0F)),
                  isAuthoritative: word & 0x0400 != 0, isTruncated: word & 0x0200 != 0,
                  recursionDesired: word & 0x0100 != 0, recursionAvailable: word & 0x0080 != 0,
                  zero: word & 0x0040 != 0, authenticData: word & 0x0020 != 0, checkingDisabled: word & 0x0010 != 0)
    }
}

/// One entry of the question section.
public struct Question: Hashable, Sendable {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass

    public init(name: Name, type: RRType, rrClass: RRClass = .in) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
    }
}

extension Question: CustomStringConvertible {
    public var description: String { "\(name.text) \(rrClass) \(type)" }
}

/// A DNS message. EDNS is lifted out of the additional section into `edns` (RFC 6891), and the RCODE is the
/// full 12-bit value (header nibble plus the OPT record's extended bits).
public struct Message: Hashable, Sendable {
    public var header: Header
    public var rcode: RCode
    public var questions: [Question]
    public var answers: [Record]
    public var authority: [Record]
    /// Additional records other than OPT.
    public var additional: [Record]
    public var edns: EDNS?

    public init(header: Header = Header(), rcode: RCode = .noError, questions: [Question] = [], answers: [Record] = [],
                authority: [Record] = [], additional: [Record] = [], edns: EDNS? = nil) {
        self.header = header
        self.rcode = rcode
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// A query for one question, with EDNS as given (nil for a plain RFC 1035 query).
    public static func query(id: UInt16, question: Question, recursionDesired: Bool = false,
                             checkingDisabled: Bool = false, edns: EDNS? = EDNS()) -> Message {
        Message(header: Header(id: id, recursionDesired: recursionDesired, checkingDisabled: checkingDisabled),
                questions: [question], edns: edns)
    }

    /// The question, when there is exactly one (as there must be in QUERY, RFC 9619).
    public var question: Question? { questions.count == 1 ? questions[0] : nil }

    /// The records of a section grouped into RRsets in order of first appearance.
    public func rrsets(in section: Section) -> [RRSet] {
        RRSet.group(records(in: section))
    }

    public func records(in section: Section) -> [Record] {
        switch section {
        case .answer: return answers
        case .authority: return authority
        case .additional: return additional
        }
    }

    public enum Section: Sendable, CaseIterable {
        case answer, authority, additional
    }
}

extension Message {
    /// Read only the ID and flags of a message, for answering one that cannot be decoded in full with FORMERR.
    public static func peekHeader(_ wire: [UInt8]) -> Header? {
        guard wire.count >= 12 else { return nil }
        return Header(id: UInt16(wire[0]) << 8 | UInt16(wire[1]), flagWord: UInt16(wire[2]) << 8 | UInt16(wire[3]))
    }

    /// Decode a whole message. Throws on anything malformed, including trailing octets and misplaced OPT.
    public init(wire: [UInt8]) throws {
        var reader = WireReader(wire)
        let id = try reader.readUInt16()
        let flags = try reader.readUInt16()
        let counts = [try reader.readUInt16(), try reader.readUInt16(), try reader.readUInt16(), try reader.readUInt16()]
        let header = Header(id: id, flagWord: flags)
        let rcodeBits = UInt16(flags & 0x000F)

        var questions: [Question] = []
        questions.reserveCapacity(Int(min(counts[0], 4)))  // counts are untrusted: no big allocation on their word
        for _ in 0..<counts[0] {
            let name = try reader.readName()
            questions.append(Question(name: name, type: RRType(try reader.readUInt16()), rrClass: RRClass(try reader.readUInt16())))
        }

        func readSection(_ count: UInt16) throws -> [Record] {
            var records: [Record] = []
            records.reserveCapacity(Int(min(count, 64)))
            for _ in 0..<count { records.append(try Record.decode(from: &reader)) }
            return records
        }
        let answers = try readSection(counts[1])
        let authority = try readSection(counts[2])
        var additional = try readSection(counts[3])
        guard reader.isAtEnd else { throw WireError.trailingData(count: reader.remaining) }

        if answers.contains(where: { $0.type == .opt }) || authority.contains(where: { $0.type == .opt }) {
            throw WireError.badOPT(reason: "OPT outside the additional section")
        }
        var edns: EDNS? = nil
        var rcode = RCode(rcodeBits)
        let optIndices = additional.indices.filter { additional[$0].type == .opt }
        if optIndices.count > 1 { throw WireError.badOPT(reason: "more than one OPT record") }
        if let index = optIndices.first {
            let opt = additional.remove(at: index)
            let decoded = try EDNS.fromOPT(opt)
            edns = decoded.edns
            rcode = RCode(UInt16(decoded.extendedRCode) << 4 | rcodeBits)
        }
        self.init(header: header, rcode: rcode, questions: questions, answers: answers, authority: authority,
                  additional: additional, edns: edns)
    }

    /// Encode without a size limit.
    public func encode() throws -> [UInt8] {
        try encode(maxSize: 65535).bytes
    }

    /// Encode into at most `maxSize` octets (a client's UDP limit).
    ///
    /// RRsets are dropped whole. When an answer or authority RRset does not fit, TC is set and nothing after it is
    /// sent (RFC 2181 §9); additional RRsets that do not fit are simply left out. The OPT record is always kept,
    /// so the client still learns our EDNS support (RFC 6891 §7).
    public func encode(maxSize: Int) throws -> (bytes: [UInt8], truncated: Bool) {
        // Without OPT only the low four RCODE bits exist: BADVERS (16) would go out as NOERROR.
        guard edns != nil || rcode.extendedBits == 0 else {
            throw WireError.unencodable(reason: "RCODE \(rcode) needs EDNS to carry its upper bits")
        }
        // Section counts are 16 bits (the OPT record takes one more in the additional section).
        guard questions.count <= 0xFFFF, answers.count <= 0xFFFF, authority.count <= 0xFFFF, additional.count < 0xFFFF else {
            throw WireError.unencodable(reason: "more than 65535 entries in a section")
        }
        var writer = WireWriter(compression: true, capacity: min(maxSize, 4096))
        writer.write(header.id)
        let flagsPosition = writer.count
        writer.write(UInt16(0))
        writer.write(UInt16(questions.count))
        let countsPosition = writer.count
        writer.write(UInt16(0))
        writer.write(UInt16(0))
        writer.write(UInt16(0))
        for question in questions {
            writer.write(question.name)
            writer.write(question.type.rawValue)
            writer.write(question.rrClass.rawValue)
        }
        // EDNS lives in `edns`; an OPT record among the others would be a second one, or one in the wrong place.
        for section in [answers, authority, additional] where section.contains(where: { $0.type == .opt }) {
            throw WireError.unencodable(reason: "an OPT record among the resource records (EDNS belongs in Message.edns)")
        }
        let optRecord = try edns.map { try $0.optRecord(extendedRCode: rcode.extendedBits) }
        let reserved = try optRecord.map { try $0.encodedLength() } ?? 0
        var truncated = header.isTruncated
        var counts: [UInt16] = [0, 0, 0]
        var stop = false
        for (index, section) in [answers, authority, additional].enumerated() where !stop {
            // Where each run of adjacent records began, so a cut can also take back earlier runs of an RRset
            // whose records are not adjacent.
            var runs: [(range: Range<Int>, mark: Int, countBefore: UInt16)] = []
            var start = 0
            while start < section.count {
                var end = start + 1
                while end < section.count, section[end].belongsToSameRRSet(as: section[start]) { end += 1 }
                let mark = writer.count
                for record in section[start..<end] { try record.encode(into: &writer) }
                if writer.count + reserved > maxSize {
                    let dropped = Set(section[start...].map(TruncationUnit.init))
                    if let first = runs.first(where: { run in section[run.range].contains { dropped.contains(TruncationUnit($0)) } }) {
                        writer.truncate(to: first.mark)
                        counts[index] = first.countBefore
                    } else {
                        writer.truncate(to: mark)
                    }
                    if index < 2 { truncated = true }
                    stop = true
                    break
                }
                runs.append((start..<end, mark, counts[index]))
                counts[index] += UInt16(end - start)
                start = end
            }
        }
        if let optRecord {
            try optRecord.encode(into: &writer)
            counts[2] += 1
        }
        var flagHeader = header
        flagHeader.isTruncated = truncated
        writer.patch(flagHeader.flagWord(rcodeBits: rcode.headerBits), at: flagsPosition)
        writer.patch(counts[0], at: countsPosition)
        writer.patch(counts[1], at: countsPosition + 2)
        writer.patch(counts[2], at: countsPosition + 4)
        return (writer.bytes, truncated)
    }
}

/// Records that a size-limited encode keeps or drops together: one RRset, except that RRSIGs at an owner go
/// with the type they cover (RFC 4034 §3: each has the TTL of the RRset it signs, not of the other RRSIGs).
private struct TruncationUnit: Hashable {
    var key: RRSetKey
    var covered: RRType?

    init(_ record: Record) {
        key = RRSetKey(name: record.name, type: record.type, rrClass: record.rrClass)
        if case let .rrsig(signature) = record.rdata { covered = signature.typeCovered } else { covered = nil }
    }
}

extension Record {
    /// Same owner, type and class: the records are members of one RRset.
    public func belongsToSameRRSet(as other: Record) -> Bool {
        type == other.type && rrClass == other.rrClass && name == other.name
    }

    func encodedLength() throws -> Int {
        var writer = WireWriter(compression: false, capacity: 64)
        try encode(into: &writer)
        return writer.count
    }
}
