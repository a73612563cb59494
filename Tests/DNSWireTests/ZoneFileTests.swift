import Testing
@testable import DNSWire

/// Zone files as a whole: tokens, directives, defaults carried between lines, the RFC 5155 example zone,
/// and errors that point at the right line.
@Suite struct ZoneFileTests {
    // MARK: Tokenizer (RFC 1035 §5.1)

    @Test func parenthesesJoinLinesAndCommentsAreDropped() throws {
        let entries = try ZoneTokenizer.entries(in: "a ( b ; comment ( ) \"\n c ) d\ne ; f\n; only a comment\n\n")
        #expect(entries.map { $0.tokens.map(\.text) } == [["a", "b", "c", "d"], ["e"]])
        #expect(entries.map(\.line) == [1, 3])
        #expect(entries.first?.tokens.map(\.line) == [1, 1, 2, 2])
    }

    @Test func quotedStringsStayWholeAndRememberTheyWereQuoted() throws {
        let entries = try ZoneTokenizer.entries(in: #"x "a ; b ( c \" d" "" e\ f"g""#)
        let tokens = entries.first?.tokens ?? []
        #expect(tokens.map(\.text) == ["x", #"a ; b ( c \" d"#, "", #"e\ f"#, "g"])
        #expect(tokens.map(\.isQuoted) == [false, true, true, false, true])
    }

    @Test func anEntryThatStartsWithABlankIsMarked() throws {
        let entries = try ZoneTokenizer.entries(in: "a A 1\n\tA 2\n  ; comment\n(b) A 3\n  (c) A 4\n")
        #expect(entries.map(\.startsWithBlank) == [false, true, false, true])
    }

    @Test func carriageReturnsAreWhitespace() throws {
        let records = try ZoneFile.parse("a.example. 60 IN A 192.0.2.1\r\nb.example. 60 IN A 192.0.2.2\r\n")
        #expect(records.map(\.name.text) == ["a.example.", "b.example."])
    }

    @Test func unbalancedParenthesesAndQuotesAreErrorsOnTheirLine() {
        let cases: [(String, Int)] = [
            ("a A (\n b ( c )\n", 2),
            ("a A b\nc ) d\n", 2),
            ("a A 1\nb TXT ( \"x\"\n\n", 2),
            ("a A 1\nb TXT \"open\nc\n", 2),
            ("a A 1\nb TXT \"open", 2),
        ]
        for (text, line) in cases {
            let error = #expect(throws: PresentationError.self) { try ZoneTokenizer.entries(in: text) }
            #expect(error?.line == line, "\(text.debugDescription)")
        }
    }

    // MARK: TTLs

    @Test func ttlsAcceptBINDUnits() throws {
        let cases: [(String, UInt32)] = [("3600", 3600), ("1h30m", 5400), ("2d", 172_800), ("1W", 604_800),
                                          ("1w2d3h4m5s", 788_645), ("1h30", 3630), ("0", 0), ("2147483647", 2_147_483_647)]
        for (text, seconds) in cases {
            #expect(try ZoneFile.parseTTL(text) == seconds, "\(text)")
        }
    }

    @Test(arguments: ["", "h", "1x", "1hh", "-1", "+5", "2147483648", "68y", "99999999999"])
    func ttlsOutsideRFC2181OrWithUnknownUnitsAreRejected(text: String) {
        #expect(throws: PresentationError.self) { try ZoneFile.parseTTL(text) }
    }

    /// Found by Fuzz/ (FuzzZoneFile: "36003d" as a record's TTL): a record's own TTL was read up to 2^32 − 1,
    /// though `$TTL` stops at 2^31 − 1, so a record read from text came back off the wire with TTL 0 (RFC 2181
    /// §8). A record's TTL now has the same limit as `$TTL`, and the error names the line.
    @Test(arguments: ["2147483648", "36003d", "4294967295"])
    func aRecordTTLAboveRFC2181sLimitIsAnErrorNamingTheLine(ttl: String) throws {
        do {
            _ = try ZoneFile.parse("a.example. 60 IN A 192.0.2.1\nb.example. \(ttl) IN A 192.0.2.2\n")
            Issue.record("TTL \(ttl) was accepted")
        } catch let error as PresentationError {
            #expect(error.line == 2)
            #expect(error.message.contains("larger than 2147483647"), "\(error.message)")
        }
    }

    @Test func theLargestRecordTTLSurvivesTheWire() throws {
        let record = try Record(text: "b.example. 2147483647 IN A 192.0.2.2")
        let wire = try Message(header: Header(id: 1, isResponse: true), answers: [record]).encode()
        #expect(try Message(wire: wire).answers == [record])
    }

    // MARK: A whole zone

    static let zone = #"""
        $ORIGIN example.com.
        $TTL 1h
        ; the apex
        @   IN  SOA ns1 hostmaster (
                2024010101 ; serial
                2h         ; refresh
                30m        ; retry
                2w         ; expire
                5m )       ; minimum
            IN  NS  ns1
            IN  NS  ns2.example.net.
        ns1 300 IN A 192.0.2.53
            IN 300 AAAA 2001:db8::53
        www     CNAME   @
        txt     TXT ( "first string"
                      "second; not a comment" ) ; a trailing comment
        esc\.dot 1d30m TXT "a\"b" \065\066
        $ORIGIN sub
        host    A   192.0.2.80
        mail 2d MX 10 host
        """#

    @Test func aWholeZoneWithDirectivesParenthesesCommentsAndEscapesParses() throws {
        let records = try ZoneFile.parse(Self.zone, fileName: "example.com.zone")
        #expect(records.count == 10)
        guard records.count == 10 else { return }
        let apex = try Name("example.com.")
        let ns1 = try Name("ns1.example.com.")
        let host = try Name("host.sub.example.com.")

        #expect(records[0].name == apex && records[0].ttl == 3600)
        #expect(records[0].rdata == .soa(SOA(mname: ns1, rname: try Name("hostmaster.example.com."),
                                             serial: 2_024_010_101, refresh: 7200, retry: 1800, expire: 1_209_600, minimum: 300)))
        #expect(records[1].name == apex)
        #expect(records[1].rdata == .ns(ns1))
        #expect(records[2].name == apex)
        #expect(records[2].rdata == .ns(try Name("ns2.example.net.")))
        #expect(records[3].name == ns1 && records[3].ttl == 300)
        #expect(records[4].name == ns1 && records[4].type == .aaaa && records[4].ttl == 300)
        #expect(records[5].rdata == .cname(apex) && records[5].ttl == 3600)
        #expect(records[6].rdata == .txt([Array("first string".utf8), Array("second; not a comment".utf8)]))
        #expect(records[7].name.labels.first.map(Array.init) == Array("esc.dot".utf8))
        #expect(records[7].ttl == 88200)
        #expect(records[7].rdata == .txt([Array(#"a"b"#.utf8), Array("AB".utf8)]))
        #expect(records[8].name == host)
        #expect(records[9].rdata == .mx(MX(preference: 10, exchange: host)))
        #expect(records[9].ttl == 172_800)
        #expect(records.allSatisfy { $0.rrClass == .in })
    }

    @Test func aPrintedZoneParsesBackToTheSameRecords() throws {
        let records = try ZoneFile.parse(Self.zone)
        let printed = records.map(\.text).joined(separator: "\n")
        #expect(try ZoneFile.parse(printed) == records)
    }

    @Test func originIsRelativeToThePreviousOriginAndDefaultsToTheParameter() throws {
        let records = try ZoneFile.parse("@ 60 A 192.0.2.1\n$ORIGIN sub\n@ 60 A 192.0.2.2\nwww 60 A 192.0.2.3\n",
                                         origin: try Name("example."))
        #expect(records.map(\.name.text) == ["example.", "sub.example.", "www.sub.example."])
    }

    @Test func ttlAndClassComeInEitherOrderAndCarryOver() throws {
        let records = try ZoneFile.parse("""
            a 300 IN A 192.0.2.1
            b IN 600 A 192.0.2.2
            c A 192.0.2.3
            d CH TXT "chaos"
            e 10 TXT "still chaos"
            f CLASS1 TYPE1 \\# 4 C0000206
            """, origin: try Name("example."))
        #expect(records.map(\.ttl) == [300, 600, 600, 600, 10, 10])
        #expect(records.map(\.rrClass) == [.in, .in, .in, .ch, .ch, .in])
        #expect(records.last?.rdata == .a(IPv4Address(192, 0, 2, 6)))
    }

    @Test func theTTLComesFromDollarTTLThenTheParameterThenTheLastExplicitOne() throws {
        let fromParameter = try ZoneFile.parse("a. A 192.0.2.1", defaultTTL: 99)
        #expect(fromParameter.first?.ttl == 99)
        let fromDirective = try ZoneFile.parse("$TTL 5m\na. A 192.0.2.1", defaultTTL: 99)
        #expect(fromDirective.first?.ttl == 300)
        let fromPrevious = try ZoneFile.parse("a. 42 A 192.0.2.1\nb. A 192.0.2.2")
        #expect(fromPrevious.map(\.ttl) == [42, 42])
        let error = #expect(throws: PresentationError.self) { try ZoneFile.parse("\n\na. A 192.0.2.1") }
        #expect(error?.line == 3)
        #expect(error?.message.contains("$TTL") == true)
    }

    @Test func aSingleRecordParsesFromOneEntryOnly() throws {
        let record = try Record(text: "www 60 IN AAAA 2001:db8::1", origin: try Name("example."))
        let expected = try Name("www.example.")
        #expect(record.name == expected)
        #expect(throws: PresentationError.self) { try Record(text: "a. 60 A 192.0.2.1\nb. 60 A 192.0.2.2") }
        #expect(throws: PresentationError.self) { try Record(text: "; nothing here") }
    }

    @Test func rootHintsAndTrustAnchorFilesInTheirUsualLayoutParse() throws {
        let hints = try ZoneFile.parse("""
            ;       This file holds the information on root name servers needed to
            ;       initialize cache of Internet domain name servers
            ;
            .                        3600000      NS    A.ROOT-SERVERS.NET.
            A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
            A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
            ;
            .                        3600000      NS    B.ROOT-SERVERS.NET.
            B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2
            B.ROOT-SERVERS.NET.      3600000      AAAA  2801:1b8:10::b
            ; End of file
            """, fileName: "named.root")
        #expect(hints.count == 6)
        #expect(hints.allSatisfy { $0.ttl == 3_600_000 && $0.rrClass == .in })
        let servers = [try Name("a.root-servers.net."), try Name("b.root-servers.net.")]
        #expect(hints.filter { $0.name.isRoot }.compactMap(\.rdata.targetName) == servers)
        let address = try #require(IPv6Address("2801:1b8:10::b"))
        #expect(hints.contains { $0.name == servers[1] && $0.rdata == .aaaa(address) })

        let anchor = try Record(text: ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D", defaultTTL: 0)
        guard case let .ds(ds) = anchor.rdata else { Issue.record("not a DS: \(anchor)"); return }
        #expect(anchor.name.isRoot && ds.keyTag == 20326 && ds.algorithm == .rsaSHA256 && ds.digestType == .sha256)
        #expect(ds.digest.count == DigestType.sha256.digestLength)
    }

    // MARK: RFC 5155 Appendix A

    static let rfc5155Excerpt = """
        example.       3600 IN SOA ns1.example. bugs.x.w.example. 1 3600 300 (
                               3600000 3600 )
        example.       3600 RRSIG  SOA 7 1 3600 20150420235959 20051021000000 (
                               40430 example.
                               Hu25UIyNPmvPIVBrldN+9Mlp9Zql39qaUd8i
                               q4ZLlYWfUUbbAS41pG+68z81q1xhkYAcEyHd
                               VI2LmKusbZsT0Q== )
        example.       3600 NS  ns1.example.
        example.       3600 NS  ns2.example.
        example.       3600 DNSKEY 256 3 7 AwEAAaetidLzsKWUt4swWR8yu0wPHPiUi8LUsAD0QPWU+wzt89epO6tHzkMBVDkC7qphQO2hTY4hHn9npWFRw5BYubE=
        example.       3600 DNSKEY 257 3 7 AwEAAcUlFV1vhmqx6NSOUOq2R/dsR7Xm3upJj7IommWSpJABVfW8Q0rOvXdM6kzt+TAu92L9AbsUdblMFin8CVF3n4s=
        example.       3600 NSEC3PARAM 1 0 12 aabbccdd
        0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. 3600 IN NSEC3 1 1 12 aabbccdd (
                               2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS
                               SOA NSEC3PARAM RRSIG )
        2t7b4g4vsa5smi47k61mv5bv1a22bojr.example. 3600 IN NSEC3 1 1 12 aabbccdd (
                               2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG )
        2vptu5timamqttgl4luu9kg21e0aor3s.example. 3600 IN NSEC3 1 1 12 aabbccdd (
                               35mthgpgcu1qg68fab165klnsnk3dpvl MX RRSIG )
        """

    @Test func rfc5155AppendixAExcerptParses() throws {
        let records = try ZoneFile.parse(Self.rfc5155Excerpt)
        #expect(records.count == 10)
        let nsec3s = records.compactMap { if case let .nsec3(value) = $0.rdata { return ($0.name, value) } else { return nil } }
        #expect(nsec3s.count == 3)
        for (owner, nsec3) in nsec3s {
            #expect(nsec3.hashAlgorithm == 1 && nsec3.isOptOut && nsec3.iterations == 12)
            #expect(nsec3.salt == [0xAA, 0xBB, 0xCC, 0xDD])
            #expect(nsec3.nextHashedOwner.count == 20)
            #expect(try Base32Hex.decode(String(decoding: owner.firstLabel, as: UTF8.self)).count == 20)
        }
        // Each NSEC3's next hashed owner is the owner of the following one in the chain.
        for (current, following) in zip(nsec3s, nsec3s.dropFirst()) {
            let followingHash = try Base32Hex.decode(String(decoding: following.0.firstLabel, as: UTF8.self))
            #expect(current.1.nextHashedOwner == followingHash)
        }
        #expect(nsec3s.first?.1.types.types == [.ns, .soa, .mx, .rrsig, .dnskey, .nsec3param])
        #expect(records.contains { $0.rdata == .nsec3param(NSEC3PARAM(hashAlgorithm: 1, flags: 0, iterations: 12, salt: [0xAA, 0xBB, 0xCC, 0xDD])) })
    }

    @Test func rfc5155AppendixAKeysHaveTheKeyTagsItsSignaturesName() throws {
        let records = try ZoneFile.parse(Self.rfc5155Excerpt)
        let tags = records.compactMap { if case let .dnskey(key) = $0.rdata { return key.keyTag } else { return nil } }
        #expect(tags == [40430, 12708])
        guard let signature = records.first(where: { $0.type == .rrsig }), case let .rrsig(rrsig) = signature.rdata else {
            Issue.record("no RRSIG in the excerpt")
            return
        }
        #expect(signature.rrClass == .in)
        #expect(rrsig.keyTag == 40430 && rrsig.typeCovered == .soa && rrsig.algorithm == .rsaSHA1NSEC3SHA1)
        #expect(SignatureTime.text(rrsig.expiration) == "20150420235959")
        #expect(rrsig.signature.count == 64)
    }

    // MARK: Errors name the line

    @Test func anErrorNamesItsLineAndTheFile() {
        let text = "$ORIGIN example.\n$TTL 60\n@ NS ns1\nwww A 192.0.2.300\n"
        let error = #expect(throws: PresentationError.self) { try ZoneFile.parse(text, fileName: "example.zone") }
        #expect(error?.line == 4)
        #expect(error?.fileName == "example.zone")
        #expect(error?.description == "example.zone, line 4: '192.0.2.300' is not an IPv4 address")
    }

    @Test func anErrorInsideParenthesesNamesTheLineOfTheBadToken() {
        let cases: [(String, Int)] = [
            ("a. 60 DNSKEY 256 3 8 (\n AwEAAQ==\n AwE!AQ== )\n", 3),
            ("a. 60 NSEC b. (\n A\n BOGUS )\n", 3),
            ("a. 60 SOA ns. host. (\n 1\n 2\n 3\n 4x\n 5 )\n", 5),
            ("a. 60 RRSIG A 8 1 60 (\n 20240230000000 20240101000000\n 1 a. AAAA )\n", 2),
            ("a. 60 DS 1 8 2 (\n 00112233\n 4455667Z )\n", 3),
        ]
        for (text, line) in cases {
            let error = #expect(throws: PresentationError.self) { try ZoneFile.parse(text) }
            #expect(error?.line == line, "\(text.debugDescription): \(String(describing: error))")
        }
    }

    @Test func badEntriesAreRejectedWithAReason() {
        let cases: [(String, String)] = [
            ("$INCLUDE other.zone\n", "$INCLUDE is not supported"),
            ("$GENERATE 1-10 a$ A 192.0.2.$\n", "unknown directive"),
            ("  A 192.0.2.1\n", "no owner"),
            ("a. 60 IN BOGUS 1\n", "unknown type 'BOGUS'"),
            ("a. 60 IN OPT \\# 0\n", "meta-type"),
            ("a. 60 IN A 192.0.2.1 extra\n", "unexpected 'extra'"),
            ("a. 60 IN MX 10\n", "missing mail exchange"),
            ("a. 60 IN MX 65536 b.\n", "MX preference '65536'"),
            ("a. 60 IN NSEC3 1 0 1 xy 00 A\n", "not a hex digit"),
            ("a. 60 IN NSEC3 1 0 1 - 0w A\n", "base32hex"),
            ("a. 60 IN DNSKEY 256 3 8\n", "missing DNSKEY public key"),
            ("a. 60 IN TXT\n", "at least one string"),
            ("a..b. 60 IN A 192.0.2.1\n", "empty label"),
        ]
        for (text, reason) in cases {
            let error = #expect(throws: PresentationError.self) { try ZoneFile.parse(text) }
            #expect(error?.message.contains(reason) == true, "\(text.debugDescription): \(String(describing: error))")
            #expect(error?.line == 1, "\(text.debugDescription)")
        }
    }

    // MARK: Robustness: bad text throws, never traps

    /// Xorshift64: a tiny deterministic generator, so a failure here repeats on every run.
    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    static let zoneCharacters = Array(" \t\n;()\"\\.@$#-+*0123456789AaFfZz=/:".utf8)

    @Test func mutatedRecordsEitherThrowAPresentationErrorOrRoundTrip() throws {
        var random = Xorshift(state: 0x5EED_0F_7E47)
        var parsed = 0
        for _ in 0..<3000 {
            guard let line = PresentationTests.everyType.randomElement(using: &random) else { continue }
            var bytes = Array(line.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                let replacement = Self.zoneCharacters[Int.random(in: 0..<Self.zoneCharacters.count, using: &random)]
                switch random.next() % 3 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(replacement, at: position)
                default: bytes[position] = replacement
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                let record = try Record(text: text)
                parsed += 1
                #expect(try Record(text: record.text) == record, "\(text.debugDescription)")
                var writer = WireWriter()
                try record.encode(into: &writer)
                var reader = WireReader(writer.bytes)
                #expect(try Record.decode(from: &reader) == record, "\(text.debugDescription)")
            } catch is PresentationError {
                continue
            } catch {
                Issue.record("\(text.debugDescription) threw \(error) instead of a PresentationError")
            }
        }
        // Many mutations (a changed digit, an extra letter in a name) leave valid records; those must round-trip.
        #expect(parsed > 300)
    }

    @Test func randomTextEitherParsesOrThrowsAPresentationError() {
        var random = Xorshift(state: 0xD15EA5E)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...80, using: &random)
            let bytes = (0..<length).map { _ in Self.zoneCharacters[Int.random(in: 0..<Self.zoneCharacters.count, using: &random)] }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try ZoneFile.parse(text, origin: .root, defaultTTL: 60)
            } catch is PresentationError {
                continue
            } catch {
                Issue.record("\(text.debugDescription) threw \(error) instead of a PresentationError")
            }
        }
    }
}
