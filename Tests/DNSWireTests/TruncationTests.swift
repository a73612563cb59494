import Testing
@testable import DNSWire

/// `Message.encode(maxSize:)`: whole RRsets only, TC when answer or authority data is lost (RFC 2181 §9),
/// never for additional data alone, the OPT record always kept (RFC 6891 §7), and never over the limit.
struct TruncationTests {
    static let zone = name("example.")

    static func a(_ owner: String, _ last: UInt8) -> Record {
        Record(name: name(owner), ttl: 300, rdata: .a(IPv4Address(192, 0, 2, last)))
    }

    static func aaaa(_ owner: String, _ last: UInt8) -> Record {
        let octets = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [last]
        guard let address = IPv6Address(octets: octets) else { preconditionFailure("sixteen octets") }
        return Record(name: name(owner), ttl: 300, rdata: .aaaa(address))
    }

    static func signature(_ covered: RRType, owner: String) -> Record {
        Record(name: name(owner), ttl: 300, rdata: .rrsig(RRSIG(typeCovered: covered, algorithm: .ecdsaP256SHA256, labels: 2, originalTTL: 300,
            expiration: 2_000_000_000, inception: 1_700_000_000, keyTag: 12345, signerName: zone,
            signature: [UInt8](repeating: 0xAB, count: 64))))
    }

    /// A response with three answer RRsets, two authority RRsets and five additional RRsets, plus EDNS.
    static func response() -> Message {
        var answers = (1...6).map { a("www.example.", $0) }
        answers.append(signature(.a, owner: "www.example."))
        answers += (1...3).map { aaaa("www.example.", $0) }
        let authority = (1...3).map { Record(name: zone, ttl: 3600, rdata: .ns(name("ns\($0).example."))) } + [signature(.ns, owner: "example.")]
        var additional: [Record] = []
        for server in 1...3 {
            additional.append(a("ns\(server).example.", UInt8(server)))
            if server < 3 { additional.append(aaaa("ns\(server).example.", UInt8(server))) }
        }
        return Message(header: Header(id: 99, isResponse: true, isAuthoritative: true),
                       questions: [Question(name: name("www.example."), type: .a)],
                       answers: answers, authority: authority, additional: additional,
                       edns: EDNS(udpPayloadSize: 1232, dnssecOK: true,
                                  options: [.cookie(client: [1, 2, 3, 4, 5, 6, 7, 8], server: [UInt8](repeating: 9, count: 16))]))
    }

    /// The RRsets of one section, as (owner, type, record count) in order.
    static func shape(_ records: [Record]) -> [String] {
        RRSet.group(records).map { "\($0.name) \($0.type) ×\($0.rdatas.count)" }
    }

    /// Header, question and OPT: the part that is always sent.
    static func fixedSize(_ message: Message) throws -> Int {
        var bare = message
        bare.answers = []
        bare.authority = []
        bare.additional = []
        return try bare.encode().count
    }

    @Test func aMessageThatFitsIsSentWholeWithoutTC() throws {
        let message = Self.response()
        let full = try message.encode()
        let (bytes, truncated) = try message.encode(maxSize: full.count)
        #expect(bytes == full)
        #expect(!truncated)
        #expect(try !Message(wire: bytes).header.isTruncated)
    }

    @Test func everySizeLimitGivesWholeRRsetsWithinTheLimitAndKeepsOPT() throws {
        let message = Self.response()
        let full = try message.encode().count
        let sections = [message.answers, message.authority, message.additional].map(Self.shape)
        var sawOnlyAdditionalDropped = false
        var sawAnswerDropped = false
        for maxSize in try Self.fixedSize(message)...full {
            let (bytes, truncated) = try message.encode(maxSize: maxSize)
            #expect(bytes.count <= maxSize)
            let decoded = try Message(wire: bytes)
            #expect(decoded.edns == message.edns, "OPT must survive at \(maxSize)")
            #expect(decoded.header.isTruncated == truncated)
            let kept = [decoded.answers, decoded.authority, decoded.additional].map(Self.shape)
            // Every RRset sent is whole, and sections are cut from the end: a prefix of the original order.
            let flatKept = kept.flatMap { $0 }
            let flatAll = sections.flatMap { $0 }
            #expect(Array(flatAll.prefix(flatKept.count)) == flatKept, "at \(maxSize)")
            let lostAnswerOrAuthority = kept[0] != sections[0] || kept[1] != sections[1]
            #expect(truncated == lostAnswerOrAuthority, "TC at \(maxSize)")
            if !lostAnswerOrAuthority && kept[2] != sections[2] { sawOnlyAdditionalDropped = true }
            if kept[0] != sections[0] { sawAnswerDropped = true }
        }
        #expect(sawOnlyAdditionalDropped)
        #expect(sawAnswerDropped)
    }

    @Test func droppingOnlyAdditionalRRsetsLeavesTCClear() throws {
        let message = Self.response()
        let full = try message.encode().count
        // The last additional RRset is ns3's single A record: 2 (pointer) + 10 + 4 octets.
        let (bytes, truncated) = try message.encode(maxSize: full - 1)
        #expect(!truncated)
        let decoded = try Message(wire: bytes)
        #expect(!decoded.header.isTruncated)
        #expect(decoded.answers == message.answers)
        #expect(decoded.authority == message.authority)
        #expect(decoded.additional == Array(message.additional.dropLast()))
        #expect(bytes.count == full - 16)
        #expect(decoded.edns == message.edns)
    }

    @Test func anAnswerRRsetThatDoesNotFitSetsTCAndDropsEverythingAfterIt() throws {
        let message = Self.response()
        var upToAAAA = message
        upToAAAA.answers = Array(message.answers.prefix(7))  // the A RRset and its RRSIG
        upToAAAA.authority = []
        upToAAAA.additional = []
        let limit = try upToAAAA.encode().count
        let (bytes, truncated) = try message.encode(maxSize: limit + 10)
        #expect(truncated)
        let decoded = try Message(wire: bytes)
        #expect(decoded.header.isTruncated)
        #expect(decoded.answers == upToAAAA.answers)
        #expect(decoded.authority.isEmpty && decoded.additional.isEmpty)
        #expect(decoded.edns == message.edns)
    }

    @Test func onlyHeaderQuestionAndOPTFitWhenTheLimitIsTheirSize() throws {
        let message = Self.response()
        let fixed = try Self.fixedSize(message)
        let (bytes, truncated) = try message.encode(maxSize: fixed)
        #expect(truncated)
        #expect(bytes.count == fixed)
        let decoded = try Message(wire: bytes)
        #expect(decoded.answers.isEmpty)
        #expect(decoded.questions == message.questions)
        #expect(decoded.edns != nil)
    }

    @Test func aTCBitAlreadySetStaysSetEvenWhenEverythingFits() throws {
        var message = Self.response()
        message.header.isTruncated = true
        let (bytes, truncated) = try message.encode(maxSize: 65535)
        #expect(truncated)
        #expect(try Message(wire: bytes).header.isTruncated)
    }

    @Test func aClassic512OctetLimitHoldsWithoutEDNS() throws {
        var message = Self.response()
        message.edns = nil
        message.answers = (1...40).map { Self.a("www.example.", $0) } + message.answers.dropFirst(6)
        let (bytes, truncated) = try message.encode(maxSize: 512)
        #expect(bytes.count <= 512)
        #expect(truncated)
        // Forty A records need 640 octets: the RRset is dropped whole, and everything after it.
        let decoded = try Message(wire: bytes)
        #expect(decoded.answers.isEmpty && decoded.authority.isEmpty && decoded.additional.isEmpty)
        #expect(decoded.questions == message.questions)
        #expect(decoded.edns == nil)
    }

    @Test func anRRsetIsDroppedWholeEvenWhenItsRecordsAreNotAdjacent() throws {
        // ns1's two A records are split by its AAAA record; if the second A does not fit, the first must go too,
        // or a client would cache a partial RRset from an answer that does not say TC.
        let first = Self.a("ns1.example.", 1)
        let between = Self.aaaa("ns1.example.", 1)
        let second = Self.a("ns1.example.", 2)
        let message = Message(header: Header(isResponse: true), questions: [Question(name: Self.zone, type: .ns)],
                              answers: [Record(name: Self.zone, ttl: 1, rdata: .ns(name("ns1.example.")))],
                              additional: [first, between, second])
        let full = try message.encode().count
        let (bytes, truncated) = try message.encode(maxSize: full - 1)
        #expect(!truncated)
        let decoded = try Message(wire: bytes)
        #expect(decoded.answers == message.answers)
        #expect(!decoded.additional.contains(first), "half of ns1's A RRset was sent")
        #expect(!decoded.additional.contains(second))
    }

    @Test func signaturesAtOneOwnerAreKeptOrDroppedWithTheTypeTheyCover() throws {
        // RFC 4035 §3.1.1: in the additional section an RRset may stay while its RRSIGs go, without TC.
        // The RRSIGs at ns1 cover A and AAAA; losing the AAAA one must not take back the A one.
        let additional = [Self.a("ns1.example.", 1), Self.signature(.a, owner: "ns1.example."),
                          Self.aaaa("ns1.example.", 1), Self.signature(.aaaa, owner: "ns1.example.")]
        let message = Message(header: Header(isResponse: true), questions: [Question(name: Self.zone, type: .ns)],
                              answers: [Record(name: Self.zone, ttl: 1, rdata: .ns(name("ns1.example.")))],
                              additional: additional, edns: EDNS(dnssecOK: true))
        let full = try message.encode().count
        let (bytes, truncated) = try message.encode(maxSize: full - 1)
        #expect(!truncated)
        #expect(try Message(wire: bytes).additional == Array(additional.prefix(3)))
    }

    /// Records kept or dropped together: owner, type, class, and for RRSIG the covered type.
    static func unit(_ record: Record) -> String {
        if case let .rrsig(signature) = record.rdata { return "\(record.name.lowercased()) RRSIG \(signature.typeCovered)" }
        return "\(record.name.lowercased()) \(record.rrClass) \(record.type)"
    }

    @Test func capturedRepliesCutAtEveryBoundaryStayWithinTheLimitWithWholeRRsets() throws {
        let fixtures = try CapturedFixture.all()
        #expect(fixtures.count >= 12)
        var random = SplitMix64(seed: 512)
        var cuts = 0
        for fixture in fixtures {
            let message = try Message(wire: fixture.wire)
            let original = [message.answers, message.authority, message.additional]
            // From the full size down, each limit one below the last result: every distinct cut, once.
            var maxSize = try message.encode().count
            let fixed = try Self.fixedSize(message)
            while maxSize >= fixed {
                let (bytes, truncated) = try message.encode(maxSize: maxSize)
                #expect(bytes.count <= maxSize, "\(fixture.name) at \(maxSize)")
                // Any limit between the result and this one gives the same octets.
                #expect(try message.encode(maxSize: Int.random(in: bytes.count...maxSize, using: &random)).bytes == bytes)
                let decoded = try Message(wire: bytes)
                let kept = [decoded.answers, decoded.authority, decoded.additional]
                #expect(decoded.edns == message.edns)
                for (section, all) in zip(kept, original) {
                    // Cut from the end, and no unit in part.
                    #expect(section == Array(all.prefix(section.count)), "\(fixture.name) at \(maxSize)")
                    for unit in Set(section.map(Self.unit)) {
                        #expect(section.filter { Self.unit($0) == unit }.count == all.filter { Self.unit($0) == unit }.count,
                                "\(fixture.name) at \(maxSize): \(unit) sent in part")
                    }
                }
                #expect(truncated == (message.header.isTruncated || kept[0] != original[0] || kept[1] != original[1]))
                maxSize = bytes.count - 1
                cuts += 1
            }
        }
        #expect(cuts > 100)
    }

    @Test func compressionMakesRepeatedNamesSmaller() throws {
        let owner = name("a-rather-long-label.www.example.com.")
        let records = (1...10).map { Record(name: owner, ttl: 60, rdata: .a(IPv4Address(10, 0, 0, $0))) }
        let message = Message(questions: [Question(name: owner, type: .a)], answers: records)
        let compressed = try message.encode()
        let uncompressed = try 12 + owner.wire.count + 4 + records.map { try $0.encodedLength() }.reduce(0, +)
        // Each owner becomes a two-octet pointer to the question name.
        #expect(compressed.count == 12 + owner.wire.count + 4 + records.count * (2 + 10 + 4))
        #expect(compressed.count < uncompressed)
        #expect(uncompressed - compressed.count == records.count * (owner.wire.count - 2))
    }
}
