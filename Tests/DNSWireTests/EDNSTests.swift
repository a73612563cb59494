import Testing
@testable import DNSWire

/// EDNS(0) (RFC 6891) lifted out of the additional section, and its options.
struct EDNSTests {
    /// A response carrying only `edns` and `rcode`; returns its octets and what they decode to.
    func roundTrip(_ edns: EDNS, rcode: RCode = .noError) throws -> (wire: [UInt8], decoded: Message) {
        let message = Message(header: Header(id: 1, isResponse: true), rcode: rcode, edns: edns)
        let wire = try message.encode()
        let decoded = try Message(wire: wire)
        #expect(decoded == message)
        #expect(try decoded.encode() == wire)
        return (wire, decoded)
    }

    /// The OPT record's octets in a message that has nothing else.
    func optOctets(_ wire: [UInt8]) -> [UInt8] { Array(wire.dropFirst(12)) }

    @Test func payloadSizeVersionAndDOBitHaveTheirRFC6891Places() throws {
        let (wire, decoded) = try roundTrip(EDNS(udpPayloadSize: 1232, version: 0, dnssecOK: true))
        // Owner root, TYPE 41, CLASS = payload size, TTL = extended RCODE | version | DO | Z, empty RDATA.
        #expect(optOctets(wire) == [0] + u16(41) + u16(1232) + [0, 0, 0x80, 0x00] + u16(0))
        #expect(Array(wire[10..<12]) == u16(1), "ARCOUNT counts the OPT record")
        #expect(decoded.additional.isEmpty, "OPT is lifted out of the additional section")
        #expect(decoded.edns?.dnssecOK == true)
        #expect(decoded.edns?.udpPayloadSize == 1232)

        let (other, _) = try roundTrip(EDNS(udpPayloadSize: 4096, version: 1, dnssecOK: false, otherFlags: 0x0001))
        #expect(optOctets(other) == [0] + u16(41) + u16(4096) + [0, 1, 0x00, 0x01] + u16(0))
    }

    @Test func zFlagsBesideDOAreKeptButCannotOverwriteIt() throws {
        let edns = EDNS(udpPayloadSize: 512, dnssecOK: false, otherFlags: 0xFFFF)
        #expect(edns.otherFlags == 0x7FFF)
        let (wire, decoded) = try roundTrip(edns)
        #expect(decoded.edns?.dnssecOK == false)
        #expect(Array(optOctets(wire)[5..<9]) == [0, 0, 0x7F, 0xFF])
    }

    @Test func badversIsSplitIntoHeaderNibbleAndOPTHighBits() throws {
        // RFC 6891 §6.1.3: BADVERS (16) is 0 in the header's RCODE and 1 in the OPT TTL's top octet.
        let (wire, decoded) = try roundTrip(EDNS(udpPayloadSize: 1232), rcode: .badVers)
        #expect(wire[3] & 0x0F == 0)
        #expect(optOctets(wire)[5] == 1)
        #expect(decoded.rcode == .badVers)
        #expect(decoded.rcode.description == "BADVERS")
    }

    @Test func everyTwelveBitRCodeRoundTripsThroughHeaderAndOPT() throws {
        for raw: UInt16 in [0, 3, 15, 16, 23, 0x7F0, 0x800, 0xFFF] {
            let (wire, decoded) = try roundTrip(EDNS(), rcode: RCode(raw))
            #expect(decoded.rcode.rawValue == raw)
            #expect(UInt16(wire[3] & 0x0F) == raw & 0x0F)
            // The high octet is written raw in the TTL: 0x80 and above must not be read as a negative TTL.
            #expect(UInt16(optOctets(wire)[5]) == raw >> 4)
        }
    }

    @Test func anExtendedRCodeWithoutEDNSIsRefusedRatherThanSentAsAnotherCode() {
        // BADCOOKIE (23) would otherwise go out as YXRRSET (7), BADVERS (16) as NOERROR.
        #expect(throws: WireError.unencodable(reason: "RCODE BADCOOKIE needs EDNS to carry its upper bits")) {
            try Message(rcode: .badCookie).encode()
        }
        #expect(throws: WireError.self) { try Message(rcode: .badVers).encode(maxSize: 512) }
        #expect((try? Message(rcode: .refused).encode()) != nil)
    }

    @Test func payloadSizesBelow512AreTreatedAs512() {
        #expect(EDNS(udpPayloadSize: 0).effectivePayloadSize == 512)
        #expect(EDNS(udpPayloadSize: 511).effectivePayloadSize == 512)
        #expect(EDNS(udpPayloadSize: 1232).effectivePayloadSize == 1232)
        #expect(EDNS(udpPayloadSize: 65535).effectivePayloadSize == 65535)
    }

    // MARK: Options

    @Test func cookiesOfClientOnlyAndClientPlusServerRoundTrip() throws {
        let client: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        for server in [[], [UInt8](repeating: 0xAA, count: 8), [UInt8](repeating: 0xBB, count: 32)] {
            let (wire, decoded) = try roundTrip(EDNS(options: [.cookie(client: client, server: server)]))
            #expect(decoded.edns?.options == [.cookie(client: client, server: server)])
            #expect(Array(optOctets(wire).suffix(4 + 8 + server.count)) == option(10, client + server))
        }
    }

    @Test func cookieLengthsOutsideRFC7873AreRejected() {
        // RFC 7873 §5.2: 8 octets, or 16 to 40.
        for length in [0, 1, 7, 9, 15, 41, 64] {
            let wire = header(ar: 1) + opt(options: option(10, [UInt8](repeating: 1, count: length)))
            #expect(decodeError(wire) == .badOPT(reason: "cookie option of \(length) octets"), "length \(length)")
        }
        for length in [8, 16, 40] {
            #expect(decodeError(header(ar: 1) + opt(options: option(10, [UInt8](repeating: 1, count: length)))) == nil)
        }
    }

    @Test func extendedDNSErrorsCarryCodeAndText() throws {
        let error = ExtendedDNSError(code: .dnssecBogus, text: "example.com. DNSKEY: no valid signature ✗")
        let (wire, decoded) = try roundTrip(EDNS(options: [.extendedError(error), .extendedError(ExtendedDNSError(code: .staleAnswer))]))
        #expect(decoded.edns?.extendedErrors == [error, ExtendedDNSError(code: .staleAnswer, text: "")])
        let body = u16(6) + Array(error.text.utf8)
        #expect(Array(optOctets(wire).dropFirst(11).prefix(4 + body.count)) == option(15, body))
        #expect(ExtendedDNSErrorCode.dnssecBogus.description == "DNSSEC Bogus")
        #expect(ExtendedDNSErrorCode(999).description == "EDE999")
    }

    @Test func extendedDNSErrorTextLosesTrailingNULsAndToleratesBadUTF8() throws {
        let nulTerminated = header(ar: 1) + opt(options: option(15, u16(3) + Array("stale".utf8) + [0, 0]))
        #expect(try Message(wire: nulTerminated).edns?.extendedErrors == [ExtendedDNSError(code: .staleAnswer, text: "stale")])
        let badUTF8 = header(ar: 1) + opt(options: option(15, u16(0) + [0x61, 0xFF, 0x62]))
        let text = try #require(try Message(wire: badUTF8).edns?.extendedErrors.first?.text)
        #expect(text == "a\u{FFFD}b")
        #expect(decodeError(header(ar: 1) + opt(options: option(15, [0]))) == .badOPT(reason: "extended error option of 1 octets"))
    }

    @Test func paddingIsWrittenAsZerosAndReadAsALength() throws {
        let (wire, decoded) = try roundTrip(EDNS(options: [.padding(5)]))
        #expect(Array(optOctets(wire).suffix(9)) == option(12, [0, 0, 0, 0, 0]))
        #expect(decoded.edns?.options == [.padding(5)])
        // RFC 7830 §4: receivers ignore the content.
        let nonZero = header(ar: 1) + opt(options: option(12, [1, 2, 3]))
        #expect(try Message(wire: nonZero).edns?.options == [.padding(3)])
        #expect(try roundTrip(EDNS(options: [.padding(0)])).decoded.edns?.options == [.padding(0)])
    }

    @Test func tcpKeepaliveIsEmptyInQueriesAndTwoOctetsInResponses() throws {
        let (query, _) = try roundTrip(EDNS(options: [.tcpKeepalive(timeout: nil)]))
        #expect(Array(optOctets(query).suffix(4)) == option(11, []))
        let (response, decoded) = try roundTrip(EDNS(options: [.tcpKeepalive(timeout: 1200)]))
        #expect(Array(optOctets(response).suffix(6)) == option(11, u16(1200)))
        #expect(decoded.edns?.options == [.tcpKeepalive(timeout: 1200)])
        for length in [1, 3, 4] {
            #expect(decodeError(header(ar: 1) + opt(options: option(11, [UInt8](repeating: 0, count: length))))
                == .badOPT(reason: "tcp-keepalive option of \(length) octets"))
        }
    }

    @Test func nsidIsOpaqueAndMayBeEmpty() throws {
        let (wire, decoded) = try roundTrip(EDNS(options: [.nsid([]), .nsid(Array("ns1.lab".utf8))]))
        #expect(decoded.edns?.options == [.nsid([]), .nsid(Array("ns1.lab".utf8))])
        #expect(Array(optOctets(wire).suffix(4 + 4 + 7)) == option(3, []) + option(3, Array("ns1.lab".utf8)))
    }

    @Test func unknownOptionsRoundTripInOrderIncludingRepeats() throws {
        let options: [EDNSOption] = [
            .unknown(code: .clientSubnet, data: [0, 1, 24, 0, 192, 0, 2]),
            .unknown(code: EDNSOptionCode(65001), data: []),
            .nsid([7]),
            .unknown(code: EDNSOptionCode(65001), data: [1, 2, 3]),
        ]
        let (wire, decoded) = try roundTrip(EDNS(options: options))
        #expect(decoded.edns?.options == options)
        #expect(decoded.edns?.options.map(\.code) == [.clientSubnet, EDNSOptionCode(65001), .nsid, EDNSOptionCode(65001)])
        let rdata = option(8, [0, 1, 24, 0, 192, 0, 2]) + option(65001, []) + option(3, [7]) + option(65001, [1, 2, 3])
        #expect(Array(optOctets(wire).suffix(rdata.count + 2)) == u16(UInt16(rdata.count)) + rdata)
    }

    @Test func ednsSurvivesAlongsideOtherAdditionalRecordsInAnyPosition() throws {
        // OPT need not be last on the wire; it is found, lifted out, and the rest keep their order.
        let glue = rr(wireName("ns.example"), 1, [192, 0, 2, 1])
        let wire = header(ar: 3) + glue + opt(payload: 1400, ttl: 0x0000_8000) + rr(wireName("ns.example"), 28, [UInt8](repeating: 0, count: 16))
        let message = try Message(wire: wire)
        #expect(message.edns?.udpPayloadSize == 1400)
        #expect(message.edns?.dnssecOK == true)
        #expect(message.additional.map(\.type) == [.a, .aaaa])
    }
}
