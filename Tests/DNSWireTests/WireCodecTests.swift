import Testing
@testable import DNSWire

/// Wire encoding and decoding against hand-written octets: every typed RDATA, the header bits, compression.
struct WireCodecTests {
    /// Encodes `record` uncompressed, checks the RDATA octets, and decodes them back to an equal record.
    func check(_ record: Record, rdata expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var writer = WireWriter(compression: false)
        try record.encode(into: &writer)
        let owner = record.name.wire
        let fixed = u16(record.type.rawValue) + u16(record.rrClass.rawValue) + u32(record.ttl) + u16(UInt16(expected.count))
        #expect(writer.bytes == owner + fixed + expected, sourceLocation: sourceLocation)
        #expect(try record.rdata.wire() == expected, sourceLocation: sourceLocation)
        var reader = WireReader(owner + fixed + expected)
        let decoded = try Record.decode(from: &reader)
        #expect(decoded == record, sourceLocation: sourceLocation)
        #expect(reader.isAtEnd, sourceLocation: sourceLocation)
    }

    let owner = name("host.example.com.")

    @Test func addressRecordsAreTheirRawOctets() throws {
        try check(Record(name: owner, ttl: 300, rdata: .a(IPv4Address(192, 0, 2, 1))), rdata: [192, 0, 2, 1])
        let v6 = try #require(IPv6Address("2001:db8::1"))
        try check(Record(name: owner, ttl: 300, rdata: .aaaa(v6)), rdata: hex("20010db8 00000000 00000000 00000001"))
    }

    @Test func singleNameRecordsCarryTheNameUncompressedWhenWrittenAlone() throws {
        let target = name("NS1.Example.com.")
        try check(Record(name: owner, ttl: 1, rdata: .ns(target)), rdata: target.wire)
        try check(Record(name: owner, ttl: 1, rdata: .cname(target)), rdata: target.wire)
        try check(Record(name: owner, ttl: 1, rdata: .dname(target)), rdata: target.wire)
        try check(Record(name: owner, ttl: 1, rdata: .ptr(target)), rdata: target.wire)
        #expect(RData.ns(target).targetName == target)
        #expect(RData.mx(MX(preference: 1, exchange: target)).targetName == nil)
    }

    @Test func soaFieldsFollowRFC1035Order() throws {
        let soa = SOA(mname: name("ns.example."), rname: name("hostmaster.example."), serial: 2024010101,
                      refresh: 7200, retry: 3600, expire: 1_209_600, minimum: 300)
        try check(Record(name: name("example."), ttl: 3600, rdata: .soa(soa)),
                  rdata: wireName("ns.example") + wireName("hostmaster.example") + u32(2024010101) + u32(7200)
                      + u32(3600) + u32(1_209_600) + u32(300))
    }

    @Test func mxSrvAndTxtEncodeTheirFieldsInOrder() throws {
        try check(Record(name: owner, ttl: 60, rdata: .mx(MX(preference: 10, exchange: name("mail.example.")))),
                  rdata: u16(10) + wireName("mail.example"))
        try check(Record(name: name("_sip._udp.example."), ttl: 60,
                         rdata: .srv(SRV(priority: 0, weight: 5, port: 5060, target: name("sip.example.")))),
                  rdata: u16(0) + u16(5) + u16(5060) + wireName("sip.example"))
        // Several strings, including an empty one and one of the maximum 255 octets.
        let long = [UInt8](repeating: 0x78, count: 255)
        try check(Record(name: owner, ttl: 60, rdata: .txt([Array("hello".utf8), [], long])),
                  rdata: [5] + Array("hello".utf8) + [0, 255] + long)
    }

    @Test func dsAndDNSKEYMatchTheRFC4034Section5_4Example() throws {
        // dskey.example.com. 86400 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
        let digest = hex("2BB183AF5F22588179A53B0A98631FAD1A292118")
        let ds = DS(keyTag: 60485, algorithm: .rsaSHA1, digestType: .sha1, digest: digest)
        try check(Record(name: name("dskey.example.com."), ttl: 86400, rdata: .ds(ds)), rdata: [0xEC, 0x45, 5, 1] + digest)
        #expect(DigestType.sha1.digestLength == digest.count)
        let key = DNSKEY(flags: 256, algorithm: .rsaSHA1, publicKey: [1, 2, 3])
        try check(Record(name: name("dskey.example.com."), ttl: 86400, rdata: .dnskey(key)), rdata: [1, 0, 3, 5, 1, 2, 3])
        #expect(key.isZoneKey && !key.isSecureEntryPoint && !key.isRevoked)
    }

    @Test func rrsigMatchesTheRFC4034Section3_3ExampleFields() throws {
        // host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 20030220173103 2642 example.com. …
        let signature: [UInt8] = [0xA0, 0x90, 0x75, 0x5B]
        let rrsig = RRSIG(typeCovered: .a, algorithm: .rsaSHA1, labels: 3, originalTTL: 86400,
                          expiration: 1_048_354_263, inception: 1_045_762_263, keyTag: 2642,
                          signerName: name("Example.com."), signature: signature)
        try check(Record(name: owner, ttl: 86400, rdata: .rrsig(rrsig)),
                  rdata: u16(1) + [5, 3] + u32(86400) + u32(1_048_354_263) + u32(1_045_762_263) + u16(2642)
                      + name("Example.com.").wire + signature)
    }

    @Test func nsecMatchesTheRFC4034Section4_3WireExample() throws {
        // alfa.example.com. 86400 IN NSEC host.example.com. ( A MX RRSIG NSEC TYPE1234 )
        let expected = wireName("host.example.com") + hex("0006 4001 0000 0003  041b") + [UInt8](repeating: 0, count: 26) + [0x20]
        let nsec = NSEC(nextName: name("host.example.com."), types: TypeBitmap([.a, .mx, .rrsig, .nsec, RRType(1234)]))
        try check(Record(name: name("alfa.example.com."), ttl: 86400, rdata: .nsec(nsec)), rdata: expected)
        #expect(nsec.types.contains(RRType(1234)) && nsec.types.contains(.mx) && !nsec.types.contains(.ns))
    }

    @Test func nsec3AndNSEC3PARAMFollowRFC5155Section3_2() throws {
        let hash = Array(1...20).map { UInt8($0) }
        let nsec3 = NSEC3(hashAlgorithm: 1, flags: 1, iterations: 12, salt: hex("aabbccdd"), nextHashedOwner: hash,
                          types: TypeBitmap([.ns, .soa, .mx, .rrsig, .dnskey, .nsec3param]))
        #expect(nsec3.isOptOut)
        try check(Record(name: name("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example."), ttl: 3600, rdata: .nsec3(nsec3)),
                  rdata: [1, 1] + u16(12) + [4] + hex("aabbccdd") + [20] + hash + hex("0007 2201 0000 0002 90"))
        let param = NSEC3PARAM(hashAlgorithm: 1, flags: 0, iterations: 12, salt: hex("aabbccdd"))
        try check(Record(name: name("example."), ttl: 0, rdata: .nsec3param(param)), rdata: [1, 0] + u16(12) + [4] + hex("aabbccdd"))
        // An empty salt is a zero length octet (shown as "-" in text).
        try check(Record(name: name("example."), ttl: 0, rdata: .nsec3param(NSEC3PARAM(hashAlgorithm: 1, flags: 0, iterations: 0, salt: []))),
                  rdata: [1, 0, 0, 0, 0])
    }

    @Test func typeBitmapsUseOneWindowPerHighOctetAndOmitTrailingZeros() throws {
        let bitmap = TypeBitmap([RRType(65535), .a, .caa, .a, RRType(256)])
        #expect(bitmap.types == [.a, RRType(256), .caa, RRType(65535)])
        var writer = WireWriter(compression: false)
        bitmap.encode(into: &writer)
        // Window 0: type 1; window 1: types 256 and 257; window 255: type 65535 (bit 7 of octet 31).
        #expect(writer.bytes == hex("0001 40  0101 c0  ff20") + [UInt8](repeating: 0, count: 31) + [0x01])
        var reader = WireReader(writer.bytes)
        #expect(try TypeBitmap.decode(from: &reader, owner: .nsec) == bitmap)
        #expect(TypeBitmap([]).types.isEmpty)
    }

    @Test func unknownTypesAndClassesRoundTripAsOpaqueOctets() throws {
        // RFC 3597: TYPE65280 in CLASS32 keeps its octets unchanged.
        try check(Record(name: owner, type: RRType(65280), rrClass: RRClass(32), ttl: 5, rdata: .opaque([0xDE, 0xAD])),
                  rdata: [0xDE, 0xAD])
        // Types we know by name but do not type (CAA, HINFO) are opaque too.
        try check(Record(name: owner, type: .caa, ttl: 5, rdata: .opaque([0, 5] + Array("issue".utf8))), rdata: [0, 5] + Array("issue".utf8))
        try check(Record(name: owner, type: .hinfo, ttl: 5, rdata: .opaque([])), rdata: [])
        #expect(RRType(65280).description == "TYPE65280")
        #expect(RRClass(32).description == "CLASS32")
    }

    @Test func addressRDATAOutsideClassINStaysOpaque() throws {
        // RFC 3597 §4: A has no defined meaning in CH; an odd length must not be an error there.
        try check(Record(name: owner, type: .a, rrClass: .ch, ttl: 0, rdata: .opaque([1, 2, 3, 4, 5])), rdata: [1, 2, 3, 4, 5])
        // Dynamic-update style empty RDATA in classes NONE and ANY.
        try check(Record(name: owner, type: .a, rrClass: .any, ttl: 0, rdata: .opaque([])), rdata: [])
        try check(Record(name: owner, type: .mx, rrClass: .none, ttl: 0, rdata: .opaque([])), rdata: [])
    }

    @Test func ttlWithTheTopBitSetIsReadAsZero() throws {
        // RFC 2181 §8.
        var reader = WireReader(rr([0], 1, ttl: 0x8000_0001, [1, 2, 3, 4]))
        #expect(try Record.decode(from: &reader).ttl == 0)
        var reader2 = WireReader(rr([0], 1, ttl: 0x7FFF_FFFF, [1, 2, 3, 4]))
        #expect(try Record.decode(from: &reader2).ttl == 0x7FFF_FFFF)
    }

    // MARK: Header

    @Test func everyHeaderFlagHasItsOwnBit() throws {
        let bits: [(UInt16, (inout Header) -> Void)] = [
            (0x8000, { $0.isResponse = true }), (0x0400, { $0.isAuthoritative = true }),
            (0x0200, { $0.isTruncated = true }), (0x0100, { $0.recursionDesired = true }),
            (0x0080, { $0.recursionAvailable = true }), (0x0040, { $0.zero = true }),
            (0x0020, { $0.authenticData = true }), (0x0010, { $0.checkingDisabled = true }),
        ]
        for (bit, set) in bits {
            var headerValue = Header(id: 0xBEEF)
            set(&headerValue)
            let wire = try Message(header: headerValue).encode()
            #expect(wire == header(id: 0xBEEF, flags: bit), "flag 0x\(String(bit, radix: 16))")
            #expect(try Message(wire: wire).header == headerValue)
        }
        for opcode in [Opcode.query, .iquery, .status, .notify, .update, Opcode(15)] {
            let wire = try Message(header: Header(opcode: opcode)).encode()
            #expect(wire[2] == opcode.rawValue << 3)
            #expect(try Message(wire: wire).header.opcode == opcode)
        }
        for code: UInt16 in 0...15 {
            let wire = try Message(rcode: RCode(code)).encode()
            #expect(wire[3] == UInt8(code))
            #expect(try Message(wire: wire).rcode == RCode(code))
        }
    }

    @Test func peekHeaderReadsIDAndFlagsOfAnUndecodableMessage() {
        let garbage = header(id: 0x4242, flags: 0x0100, qd: 9) + [0xFF]
        #expect(decodeError(garbage) != nil)
        let peeked = Message.peekHeader(garbage)
        #expect(peeked?.id == 0x4242)
        #expect(peeked?.recursionDesired == true)
        #expect(peeked?.isResponse == false)
        #expect(Message.peekHeader(Array(garbage.prefix(11))) == nil)
    }

    // MARK: Compression

    @Test func aSimpleResponseEncodesToTheExpectedOctetsWithAPointerToTheQuestion() throws {
        let www = name("www.example.com.")
        let message = Message(header: Header(id: 0xABCD, isResponse: true, recursionDesired: true, recursionAvailable: true),
                              questions: [Question(name: www, type: .a)],
                              answers: [Record(name: www, ttl: 300, rdata: .a(IPv4Address(192, 0, 2, 1)))])
        let expected = header(id: 0xABCD, flags: 0x8180, qd: 1, an: 1) + wireName("www.example.com") + hex("0001 0001")
            + hex("c00c 0001 0001 0000012c 0004 c0000201")
        #expect(try message.encode() == expected)
        #expect(try Message(wire: expected) == message)
    }

    @Test func namesInRFC1035RDATAAreCompressedButSRVAndDNAMEAndDNSSECNamesAreNot() throws {
        let zone = name("example.")
        let answers = [
            Record(name: zone, ttl: 1, rdata: .mx(MX(preference: 1, exchange: zone))),
            Record(name: zone, ttl: 1, rdata: .ns(zone)),
            Record(name: zone, ttl: 1, rdata: .srv(SRV(priority: 0, weight: 0, port: 53, target: zone))),
            Record(name: zone, ttl: 1, rdata: .dname(zone)),
            Record(name: zone, ttl: 1, rdata: .nsec(NSEC(nextName: zone, types: TypeBitmap([.a])))),
            Record(name: zone, ttl: 1, rdata: .rrsig(RRSIG(typeCovered: .a, algorithm: .ed25519, labels: 1, originalTTL: 1,
                                                            expiration: 2, inception: 1, keyTag: 7, signerName: zone, signature: [9]))),
        ]
        let message = Message(questions: [Question(name: zone, type: .any)], answers: answers)
        let wire = try message.encode()
        let decoded = try Message(wire: wire)
        #expect(decoded == message)
        // Walk the answers: owner is a pointer each time; RDATA as expected per type.
        var reader = WireReader(wire, offset: 12 + zone.wire.count + 4)
        var rdatas: [[UInt8]] = []
        for _ in answers {
            #expect(try reader.readUInt16() == 0xC00C)
            _ = try reader.readBytes(8)
            let length = Int(try reader.readUInt16())
            rdatas.append(try reader.readBytes(length))
        }
        #expect(rdatas[0] == u16(1) + [0xC0, 0x0C])
        #expect(rdatas[1] == [0xC0, 0x0C])
        #expect(rdatas[2] == u16(0) + u16(0) + u16(53) + zone.wire)
        #expect(rdatas[3] == zone.wire)
        #expect(rdatas[4] == zone.wire + hex("000140"))
        #expect(rdatas[5].suffix(zone.wire.count + 1) == ArraySlice(zone.wire + [9]))
    }

    @Test func compressedNamesInsideRDATAAndChainsOfPointersDecode() throws {
        // Question example.com; answer owner "mail" + pointer to the question; MX exchange a pointer to that owner,
        // which itself continues with a pointer: two hops, each strictly backwards.
        let question = wireName("example.com") + hex("000f 0001")
        let ownerOffset = 12 + question.count
        let answer = [4] + Array("mail".utf8) + [0xC0, 0x0C] + hex("000f 0001 00000e10 0004 000a")
            + [0xC0, UInt8(ownerOffset)]
        let wire = header(qd: 1, an: 1) + question + answer
        let message = try Message(wire: wire)
        let mx = try #require(message.answers.first)
        #expect(mx.name.isIdentical(to: name("mail.example.com.")))
        #expect(mx.rdata == .mx(MX(preference: 10, exchange: name("mail.example.com."))))
        #expect(try message.encode() == wire)
    }

    @Test func aPointerMayTargetTheMiddleOfAnEarlierName() throws {
        // Answer owner points at "example.com" inside the question name "www.example.com" (offset 12 + 4).
        let wire = header(qd: 1, an: 1) + wireName("www.example.com") + hex("0001 0001")
            + [0xC0, 16] + hex("0001 0001 00000001 0004 7f000001")
        let message = try Message(wire: wire)
        #expect(message.answers.first?.name == name("example.com."))
    }

    @Test func compressionPreservesTheCaseOfTheFirstOccurrence() throws {
        // 0x20-randomised question; the answer owner compresses to it and comes back with the question's case.
        let question = name("wWw.ExAmPlE.")
        let message = Message(questions: [Question(name: question, type: .a)],
                              answers: [Record(name: name("www.example."), ttl: 1, rdata: .a(IPv4Address(1, 2, 3, 4)))])
        let decoded = try Message(wire: try message.encode())
        #expect(decoded.questions.first?.name.isIdentical(to: question) == true)
        #expect(decoded == message)
    }

    @Test func namesPastOffset0x3FFFAreNotUsedAsPointerTargets() throws {
        // One big record pushes the writer past 0x4000; a name first written there cannot be a pointer target
        // (pointers have 14 bits), though it may still point back at an earlier suffix.
        let late = name("late.example.")
        let message = Message(answers: [
            Record(name: name("big.example."), type: RRType(65000), ttl: 1, rdata: .opaque([UInt8](repeating: 7, count: 0x4100))),
            Record(name: late, ttl: 1, rdata: .a(IPv4Address(1, 1, 1, 1))),
            Record(name: late, ttl: 1, rdata: .a(IPv4Address(2, 2, 2, 2))),
        ])
        let wire = try message.encode()
        #expect(try Message(wire: wire) == message)
        // "example." was written at offset 16, inside "big.example." at 12.
        let lateOwner: [UInt8] = [4] + Array("late".utf8) + [0xC0, 16]
        let record2 = lateOwner + hex("0001 0001 00000001 0004 02020202")
        #expect(Array(wire.suffix(record2.count)) == record2)
        #expect(wire.count == 12 + name("big.example.").wire.count + 10 + 0x4100 + 2 * record2.count)
    }

    // MARK: Reader and writer edges

    @Test func readerReportsWhereAndHowMuchWasMissing() throws {
        var reader = WireReader([1, 2, 3])
        #expect(try reader.readUInt16() == 0x0102)
        #expect(throws: WireError.truncated(offset: 2, needed: 3)) { try reader.readUInt32() }
        #expect(reader.offset == 2)
        #expect(try reader.readUInt8() == 3)
        #expect(reader.isAtEnd)
        var strings = WireReader([3, 0x61, 0x62])
        #expect(throws: WireError.truncated(offset: 1, needed: 1)) { try strings.readCharacterString() }
    }

    @Test func withLimitConfinesReadsAndRequiresAllOctetsUsed() throws {
        var reader = WireReader([1, 2, 3, 4, 5])
        #expect(throws: WireError.rdataLengthMismatch(type: .a, declared: 3, used: 2)) {
            try reader.withLimit(3, type: .a) { inner in try inner.readUInt16() }
        }
        var second = WireReader([1, 2, 3, 4, 5])
        let value = try second.withLimit(2, type: .a) { inner in try inner.readUInt16() }
        #expect(value == 0x0102)
        #expect(second.remaining == 3)
    }

    @Test func valuesThatCannotBeWrittenAreRefused() throws {
        let tooLongString = Record(name: .root, ttl: 0, rdata: .txt([[UInt8](repeating: 0, count: 256)]))
        var writer = WireWriter()
        #expect(throws: WireError.unencodable(reason: "character-string of 256 octets")) { try tooLongString.encode(into: &writer) }
        let tooLongRDATA = Record(name: .root, type: RRType(65000), ttl: 0, rdata: .opaque([UInt8](repeating: 0, count: 65536)))
        var second = WireWriter()
        #expect(throws: WireError.self) { try tooLongRDATA.encode(into: &second) }
    }

    @Test func valuesTheDecoderWouldRejectAreRefusedByTheEncoder() {
        func refusal(_ message: Message) -> WireError? {
            do { _ = try message.encode(); return nil } catch let error as WireError { return error } catch { return nil }
        }
        let owner = name("example.")
        #expect(refusal(Message(answers: [Record(name: owner, type: .mx, ttl: 1, rdata: .a(IPv4Address(1, 2, 3, 4)))]))
            == .unencodable(reason: "A RDATA in a MX record"))
        #expect(refusal(Message(answers: [Record(name: owner, ttl: 1, rdata: .ds(DS(keyTag: 1, algorithm: .ed25519, digestType: .sha256, digest: [])))]))
            == .unencodable(reason: "DS without a digest"))
        let hashless = NSEC3(hashAlgorithm: 1, flags: 0, iterations: 0, salt: [], nextHashedOwner: [], types: TypeBitmap([]))
        #expect(refusal(Message(authority: [Record(name: owner, ttl: 1, rdata: .nsec3(hashless))]))
            == .unencodable(reason: "NSEC3 without a next hashed owner"))
        #expect(refusal(Message(edns: EDNS(options: [.cookie(client: [1, 2, 3], server: [])])))
            == .unencodable(reason: "cookie option of 3 octets"))
        #expect(refusal(Message(edns: EDNS(options: [.unknown(code: .tcpKeepalive, data: [1])])))
            == .unencodable(reason: "tcp-keepalive option of 1 octets"))
        let opt = Record(name: .root, type: .opt, rrClass: RRClass(1232), ttl: 0, rdata: .opaque([]))
        #expect(refusal(Message(additional: [opt]))
            == .unencodable(reason: "an OPT record among the resource records (EDNS belongs in Message.edns)"))
    }

    @Test func queryHelperBuildsOneQuestionWithEDNSByDefault() throws {
        let query = Message.query(id: 7, question: Question(name: name("example."), type: .dnskey), recursionDesired: true)
        let decoded = try Message(wire: try query.encode())
        #expect(decoded.question == Question(name: name("example."), type: .dnskey))
        #expect(decoded.header.recursionDesired && !decoded.header.isResponse)
        #expect(decoded.edns?.udpPayloadSize == EDNS.defaultPayloadSize)
        #expect(Message(questions: []).question == nil)
    }

    @Test func sectionsGroupIntoRRSetsByOwnerTypeAndClass() {
        let a = Record(name: name("a.example."), ttl: 30, rdata: .a(IPv4Address(1, 1, 1, 1)))
        let b = Record(name: name("A.EXAMPLE."), ttl: 10, rdata: .a(IPv4Address(2, 2, 2, 2)))
        let sig = Record(name: name("a.example."), ttl: 30, rdata: .rrsig(RRSIG(typeCovered: .a, algorithm: .ed25519, labels: 2,
            originalTTL: 30, expiration: 0, inception: 0, keyTag: 1, signerName: name("example."), signature: [1])))
        let message = Message(answers: [a, sig, b, a])
        let sets = message.rrsets(in: .answer)
        #expect(sets.count == 2)
        #expect(sets[0].rdatas == [a.rdata, b.rdata])
        #expect(sets[0].ttl == 10)
        #expect(sets[1].type == .rrsig)
        #expect(sets[0].records.map(\.ttl) == [10, 10])
        #expect(message.rrsets(in: .authority).isEmpty)
    }
}
