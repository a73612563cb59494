import Testing
@testable import DNSWire

/// Presentation format of single records and RDATA: codecs, signature times, every typed RDATA, the RFC 4034
/// examples, and the dig-style message dump.
@Suite struct PresentationTests {
    // MARK: Codecs (RFC 4648 §10 test vectors)

    static let rfc4648Inputs = ["", "f", "fo", "foo", "foob", "fooba", "foobar"]

    @Test func base64EncodesAndDecodesTheRFC4648Vectors() throws {
        let expected = ["", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"]
        for (input, text) in zip(Self.rfc4648Inputs, expected) {
            #expect(Base64.encode(Array(input.utf8)) == text)
            #expect(try Base64.decode(text) == Array(input.utf8))
        }
    }

    @Test(arguments: ["Zg=", "Zg", "Z===", "====", "Zm9v!A==", "Zg==Zg==", "Zm=v", "Zh==", "Zm9=", "Zm 9v"])
    func base64RejectsBadCharactersPaddingAndPadBits(text: String) {
        #expect(throws: PresentationError.self) { try Base64.decode(text) }
    }

    @Test func base32HexEncodesAndDecodesTheRFC4648VectorsWithoutPadding() throws {
        let expected = ["", "CO", "CPNG", "CPNMU", "CPNMUOG", "CPNMUOJ1", "CPNMUOJ1E8"]
        for (input, text) in zip(Self.rfc4648Inputs, expected) {
            #expect(Base32Hex.encode(Array(input.utf8)) == text.lowercased())
            #expect(try Base32Hex.decode(text) == Array(input.utf8))
            #expect(try Base32Hex.decode(text.lowercased()) == Array(input.utf8))
        }
    }

    @Test(arguments: ["CO======", "C", "CPN", "CPNMUO", "CW", "CP", "c-"])
    func base32HexRejectsPaddingBadLengthsAndCharacters(text: String) {
        #expect(throws: PresentationError.self) { try Base32Hex.decode(text) }
    }

    @Test func hexEncodesAndDecodesTheRFC4648VectorsInEitherCase() throws {
        let expected = ["", "66", "666F", "666F6F", "666F6F62", "666F6F6261", "666F6F626172"]
        for (input, text) in zip(Self.rfc4648Inputs, expected) {
            #expect(Hex.encode(Array(input.utf8)) == text)
            #expect(try Hex.decode(text.lowercased()) == Array(input.utf8))
        }
        #expect(throws: PresentationError.self) { try Hex.decode("666") }
        #expect(throws: PresentationError.self) { try Hex.decode("6g") }
    }

    // MARK: Signature times (RFC 4034 §3.2)

    @Test func signatureTimesConvertBetweenDatesAndSeconds() throws {
        // The RFC 4034 §3.3 example's expiration, whose wire value is 0x3E7C9DD7.
        #expect(try SignatureTime.parse("20030322173103") == 0x3E7C_9DD7)
        #expect(SignatureTime.text(0x3E7C_9DD7) == "20030322173103")
        #expect(SignatureTime.text(0) == "19700101000000")
        #expect(SignatureTime.text(.max) == "21060207062815")
        #expect(try SignatureTime.parse("21060207062815") == .max)
        #expect(try SignatureTime.parse("20000229123456") == 951_827_696)
        #expect(SignatureTime.text(951_827_696) == "20000229123456")
        #expect(try SignatureTime.parse("20380119031408") == 2_147_483_648)
    }

    @Test func signatureTimesAcceptPlainSecondsAndWrapLateDates() throws {
        #expect(try SignatureTime.parse("1048354263") == 1_048_354_263)
        #expect(try SignatureTime.parse("0") == 0)
        // One second after the 32-bit range: serial arithmetic reads it as 0 (RFC 4034 §3.1.5).
        #expect(try SignatureTime.parse("21060207062816") == 0)
    }

    @Test(arguments: ["20030230000000", "20031301000000", "20030322240000", "20030322236000", "19691231235959",
                      "19000229000000", "4294967296", "2003032217310", "", "-1", "2003-03-22"])
    func signatureTimesRejectImpossibleDatesAndOversizedNumbers(text: String) {
        #expect(throws: PresentationError.self) { try SignatureTime.parse(text) }
    }

    // MARK: Every type

    static let everyType: [String] = [
        "a.example. 300 IN A 192.0.2.1",
        "a.example. 300 IN AAAA 2001:db8::1",
        "example. 86400 IN NS ns1.example.",
        "www.example. 300 IN CNAME a.example.",
        "old.example. 300 IN DNAME new.example.",
        "1.2.0.192.in-addr.arpa. 300 IN PTR a.example.",
        "example. 3600 IN SOA ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 300",
        "example. 300 IN MX 10 mail.example.",
        #"example. 300 IN TXT "v=spf1 -all" "with \"quotes\" and \\ and \255" word "" semi\;colon"#,
        "_sip._tcp.example. 300 IN SRV 0 5 5060 sip.example.",
        "dskey.example.com. 86400 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
        "example. 3600 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
        "example. 3600 IN RRSIG DNSKEY 13 1 3600 20240201000000 20240101000000 2371 example. AAECAwQFBgc=",
        "alfa.example. 3600 IN NSEC host.example. A MX RRSIG NSEC TYPE1234",
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG",
        "example. 0 IN NSEC3PARAM 1 0 0 -",
        ##"example. 300 IN TYPE65534 \# 4 0A000001"##,
        ##"example. 300 IN CAA \# 17 0005697373756563612E6578616D706C65"##,
        ##"example. 300 CLASS32 A \# 4 C0000201"##,
        ##"example. 300 IN NULL \# 0"##,
    ]

    @Test(arguments: everyType)
    func everyTypePrintsBackToTextThatParsesToTheSameRecord(line: String) throws {
        let record = try Record(text: line)
        let again = try Record(text: record.text)
        #expect(again == record)
        #expect(again.text == record.text)
    }

    @Test(arguments: everyType)
    func textAndWireFormsOfEveryTypeAgree(line: String) throws {
        let record = try Record(text: line)
        var writer = WireWriter(compression: true)
        try record.encode(into: &writer)
        var reader = WireReader(writer.bytes)
        let decoded = try Record.decode(from: &reader)
        #expect(reader.isAtEnd)
        #expect(decoded == record)
        #expect(decoded.text == record.text)
    }

    @Test func theTypeListCoversEveryTypedRDataCase() throws {
        let types = Set(try Self.everyType.compactMap { try Record(text: $0).rdata.type })
        let typed: Set<RRType> = [.a, .aaaa, .ns, .cname, .dname, .ptr, .soa, .mx, .txt, .srv, .ds, .dnskey, .rrsig,
                                  .nsec, .nsec3, .nsec3param]
        #expect(types == typed)
        let opaque = try Self.everyType.map { try Record(text: $0) }.filter { $0.rdata.type == nil }
        #expect(opaque.count == 4)
    }

    // MARK: Printing

    @Test func aRecordPrintsAsTabSeparatedFields() throws {
        let record = Record(name: try Name("example.com."), ttl: 3600, rdata: .a(IPv4Address(192, 0, 2, 1)))
        #expect(record.text == "example.com.\t3600\tIN\tA\t192.0.2.1")
        #expect("\(record)" == record.text)
    }

    @Test func txtStringsKeepQuotesEscapesAndBareWords() throws {
        let record = try Record(text: #"t.example. 60 TXT "a\"b\\c" "\009tab" semi\;colon "two words" """#)
        #expect(record.rdata == .txt([Array(#"a"b\c"#.utf8), [9] + Array("tab".utf8), Array("semi;colon".utf8),
                                      Array("two words".utf8), []]))
        #expect(record.rdata.text == #""a\"b\\c" "\009tab" "semi;colon" "two words" """#)
    }

    @Test func txtStringLongerThan255OctetsIsRejected() {
        let long = String(repeating: "x", count: 256)
        #expect(throws: PresentationError.self) { try Record(text: "t.example. 60 TXT \(long)") }
        #expect(throws: Never.self) { try Record(text: "t.example. 60 TXT \(long.dropLast())") }
    }

    @Test func dnskeyAlgorithmMnemonicParsesAndPrintsAsANumber() throws {
        let record = try Record(text: "example. 60 DNSKEY 256 3 RSASHA256 ( AwEAAQ== )")
        guard case let .dnskey(key) = record.rdata else { Issue.record("not a DNSKEY: \(record)"); return }
        #expect(key.algorithm == .rsaSHA256)
        #expect(record.rdata.text == "256 3 8 AwEAAQ==")
        #expect(throws: PresentationError.self) { try Record(text: "example. 60 DNSKEY 256 3 RSASHA999 AwEAAQ==") }
    }

    @Test func rrsigTimesParseInEitherFormAndPrintAsDates() throws {
        let dated = try Record(text: "a.example. 60 RRSIG A 8 2 60 20030322173103 20030220173103 1 example. AAAA")
        let numeric = try Record(text: "a.example. 60 RRSIG A RSASHA256 2 60 1048354263 1045762263 1 example. AAAA")
        #expect(dated == numeric)
        #expect(numeric.rdata.text == "A 8 2 60 20030322173103 20030220173103 1 example. AAAA")
    }

    @Test func nsec3WithoutSaltPrintsADashAndLowercaseBase32Hex() throws {
        let rdata = RData.nsec3(NSEC3(hashAlgorithm: 1, flags: 0, iterations: 0, salt: [],
                                      nextHashedOwner: Array(repeating: 0xFF, count: 20), types: TypeBitmap([.a])))
        #expect(rdata.text == "1 0 0 - vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv A")
        #expect(try RData(text: rdata.text.uppercased(), type: .nsec3) == rdata)
    }

    @Test func valuesWithoutATypedTextUseTheGenericForm() throws {
        #expect(RData.txt([]).text == ##"\# 0"##)
        let keyless = RData.dnskey(DNSKEY(flags: 256, algorithm: .ed25519, publicKey: []))
        #expect(keyless.text == ##"\# 4 0100030F"##)
        #expect(try RData(text: keyless.text, type: .dnskey) == keyless)
        #expect(RData.opaque([0xDE, 0xAD]).text == ##"\# 2 DEAD"##)
    }

    // MARK: Generic RDATA (RFC 3597 §5)

    @Test func genericRDataOfAKnownTypeBecomesTheTypedValue() throws {
        let generic = try Record(text: ##"a.example. 60 IN A \# 4 C0000201"##)
        #expect(generic.rdata == .a(IPv4Address(192, 0, 2, 1)))
        let mx = try RData(text: ##"\# ( 5 000A 01 61 00 )"##, type: .mx) // hex split over tokens: 10 a.
        #expect(mx == .mx(MX(preference: 10, exchange: try Name("a."))))
    }

    @Test func genericRDataOfAnUnknownTypeStaysOpaque() throws {
        let record = try Record(text: ##"a.example. 60 CLASS255 TYPE65534 \# 3 abcdef"##)
        #expect(record.type == RRType(65534))
        #expect(record.rrClass == .any)
        #expect(record.rdata == .opaque([0xAB, 0xCD, 0xEF]))
        #expect(record.text == "a.example.\t60\tANY\tTYPE65534\t\\# 3 ABCDEF")
    }

    @Test(arguments: [##"\# 5 C0000201"##, ##"\# 4"##, ##"\# x C0000201"##, ##"\# 3 C00002"##, ##"\# 4 C000020"##])
    func genericRDataWithTheWrongLengthOrContentIsRejected(rdata: String) {
        #expect(throws: PresentationError.self) { try RData(text: rdata, type: .a) }
    }

    @Test func genericRDataWithACompressedNameIsRejected() {
        // MX 10 with a pointer back to offset 0: RFC 3597 §5 data must be uncompressed.
        #expect(throws: PresentationError.self) { try RData(text: ##"\# 4 000A C000"##, type: .mx) }
    }

    @Test func typesWithoutATypedFormAskForTheGenericForm() {
        let error = #expect(throws: PresentationError.self) {
            try Record(text: #"a.example. 60 CAA 0 issue "ca.example""#)
        }
        #expect(error?.message.contains(##"\# <length> <hex>"##) == true)
    }

    // MARK: RFC 4034 examples

    @Test func rfc4034Section2_3DNSKEYExampleParses() throws {
        let record = try Record(text: """
            example.com. 86400 IN DNSKEY 256 3 5 ( AQPSKmynfzW4kyBv015MUG2DeIQ3
                                                  Cbl+BBZH4b/0PY1kxkmvHjcZc8no
                                                  kfzj31GajIQKY+5CptLr3buXA10h
                                                  WqTkF7H6RfoRqXQeogmMHfpftf6z
                                                  Mv1LyBUgia7za6ZEzOJBOztyvhjL
                                                  742iU/TpPSEDhm2SNKLijfUppn1U
                                                  aNvv4w==  )
            """)
        guard case let .dnskey(key) = record.rdata else { Issue.record("not a DNSKEY: \(record)"); return }
        #expect(key.flags == 256 && key.protocol == 3 && key.algorithm == .rsaSHA1)
        #expect(key.isZoneKey && !key.isSecureEntryPoint)
        let expectedKey = "0103D22A6CA77F35B893206FD35E4C506D8378843709B97E041647E1BFF43D8D64C649AF1E371973C9E891FCE3DF519A"
            + "8C840A63EE42A6D2EBDDBB97035D215AA4E417B1FA45FA11A9741EA2098C1DFA5FB5FEB332FD4BC8152089AEF36BA644CC"
            + "E2413B3B72BE18CBEF8DA253F4E93D2103866D9234A2E28DF529A67D5468DBEFE3"
        #expect(Hex.encode(try record.rdata.wire()) == "01000305" + expectedKey)
    }

    @Test func rfc4034Section3_3RRSIGExampleParsesToItsWireForm() throws {
        let record = try Record(text: """
            host.example.com. 86400 IN RRSIG A 5 3 86400 20030322173103 (
                                              20030220173103 2642 example.com.
                                              oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr
                                              PYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6o
                                              B9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3t
                                              GNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkG
                                              J5D6fwFm8nN+6pBzeDQfsS3Ap3o= )
            """)
        guard case let .rrsig(sig) = record.rdata else { Issue.record("not an RRSIG: \(record)"); return }
        #expect(sig.typeCovered == .a && sig.algorithm == .rsaSHA1 && sig.labels == 3 && sig.originalTTL == 86400)
        let signer = try Name("example.com.")
        #expect(sig.keyTag == 2642 && sig.signerName == signer)
        #expect(sig.signature.count == 128)
        // Type A, algorithm 5, 3 labels, TTL 86400, the two times, key tag 2642, then the signer name.
        let fixed = "0001" + "05" + "03" + "00015180" + "3E7C9DD7" + "3E5510D7" + "0A52" + "076578616D706C6503636F6D00"
        #expect(Hex.encode(try record.rdata.wire()).hasPrefix(fixed))
        #expect(record.text.hasSuffix("A 5 3 86400 20030322173103 20030220173103 2642 example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTr"
            + "PYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkG"
            + "J5D6fwFm8nN+6pBzeDQfsS3Ap3o="))
    }

    @Test func rfc4034Section4_3NSECExampleParsesToItsWireForm() throws {
        let record = try Record(text: """
            alfa.example.com. 86400 IN NSEC host.example.com. (
                                            A MX RRSIG NSEC TYPE1234 )
            """)
        guard case let .nsec(nsec) = record.rdata else { Issue.record("not an NSEC: \(record)"); return }
        #expect(nsec.types.types == [.a, .mx, .rrsig, .nsec, RRType(1234)])
        // RFC 4034 §4.3: the next name, window 0 (6 octets), window 4 (27 octets, bit 1234 in the last).
        let expected = "04686F7374076578616D706C6503636F6D00" + "0006400100000003" + "041B" + String(repeating: "00", count: 26) + "20"
        #expect(Hex.encode(try record.rdata.wire()) == expected)
    }

    @Test func rfc4034Section5_4DSMatchesItsDNSKEYByKeyTag() throws {
        let records = try ZoneFile.parse("""
            dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
                                                      fwJr1AYtsmx3TGkJaNXVbfi/
                                                      2pHm822aJ5iI9BMzNXxeYCmZ
                                                      DRD99WYwYqUSdjMmmAphXdvx
                                                      egXd/M5+X7OrzKBaMbCVdFLU
                                                      Uh6DhweJBjEVv5f2wwjM9Xzc
                                                      nOf+EPbtG9DMBmADjFDc2w/r
                                                      ljwvFw==
                                                      ) ;  key id = 60485

            dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A
                                                       98631FAD1A292118 )
            """)
        #expect(records.count == 2)
        guard records.count == 2, case let .dnskey(key) = records[0].rdata, case let .ds(ds) = records[1].rdata else {
            Issue.record("expected a DNSKEY and a DS: \(records)")
            return
        }
        #expect(key.keyTag == 60485)
        #expect(ds.keyTag == key.keyTag && ds.algorithm == key.algorithm && ds.digestType == .sha1)
        #expect(Hex.encode(ds.digest) == "2BB183AF5F22588179A53B0A98631FAD1A292118")
        #expect(records[1].text == "dskey.example.com.\t86400\tIN\tDS\t60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118")
    }

    // MARK: Message dump

    @Test func messageDumpLooksLikeDig() throws {
        let answer = try Record(text: "example.com. 300 IN A 192.0.2.1")
        let edns = EDNS(udpPayloadSize: 1232, dnssecOK: true,
                        options: [.extendedError(ExtendedDNSError(code: .dnssecBogus, text: "no valid RRSIG for example.com. A"))])
        let message = Message(header: Header(id: 4660, isResponse: true, recursionDesired: true, recursionAvailable: true,
                                             authenticData: false),
                              rcode: .servFail, questions: [Question(name: try Name("example.com."), type: .a)],
                              answers: [answer], edns: edns)
        let lines = message.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == ";; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 4660")
        #expect(lines.contains(";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1"))
        #expect(lines.contains("; EDNS: version: 0, flags: do; udp: 1232"))
        #expect(lines.contains("; EDE: 6 (DNSSEC Bogus): (no valid RRSIG for example.com. A)"))
        #expect(lines.contains(";example.com.\t\tIN\tA"))
        #expect(lines.contains(";; ANSWER SECTION:"))
        #expect(lines.contains(answer.text))
        #expect(!lines.contains(";; AUTHORITY SECTION:"))
    }

    @Test func messageDumpShowsTheExtendedRCodeAndOtherOptions() throws {
        let edns = EDNS(options: [.cookie(client: [1, 2, 3, 4, 5, 6, 7, 8], server: []), .nsid(Array("ns1".utf8)),
                                  .padding(16), .tcpKeepalive(timeout: 150), .unknown(code: EDNSOptionCode(65001), data: [0xAB])])
        let text = Message(header: Header(id: 1, isResponse: true), rcode: .badVers, edns: edns).text
        #expect(text.contains("status: BADVERS"))
        #expect(text.contains("; COOKIE: 0102030405060708\n"))
        #expect(text.contains(#"; NSID: 6E7331 ("ns1")"#))
        #expect(text.contains("; PADDING: 16 octets"))
        #expect(text.contains("; TCP-KEEPALIVE: 15.0 secs"))
        #expect(text.contains("; OPT=65001: AB"))
    }
}
