import Foundation
import Testing
@testable import DNSWire

/// DNSSEC canonical form (RFC 4034 §6, RFC 6840 §5.1) and the octets an RRSIG signs (RFC 4034 §3.1.8.1).
struct CanonicalTests {
    static let signer = name("Example.")

    static func rrsig(_ covered: RRType, labels: UInt8, signer: Name = CanonicalTests.signer) -> RRSIG {
        RRSIG(typeCovered: covered, algorithm: .ecdsaP256SHA256, labels: labels, originalTTL: 3600,
              expiration: 0x6000_0000, inception: 0x5000_0000, keyTag: 0x1234, signerName: signer, signature: [0xFF, 0xEE])
    }

    /// RRSIG RDATA without the signature, signer lowercased.
    static func rrsigPrefix(_ covered: RRType, labels: UInt8) -> [UInt8] {
        u16(covered.rawValue) + [13, labels] + u32(3600) + u32(0x6000_0000) + u32(0x5000_0000) + u16(0x1234) + wireName("example")
    }

    @Test func signedDataIsTheRRSIGPrefixThenSortedDeduplicatedRecordsWithOriginalTTL() throws {
        let rrset = RRSet(name: name("WWW.Example."), type: .a, ttl: 17,
                          rdatas: [.a(IPv4Address(10, 0, 0, 2)), .a(IPv4Address(10, 0, 0, 1)), .a(IPv4Address(10, 0, 0, 2))])
        let data = try Canonical.signedData(rrsig: Self.rrsig(.a, labels: 2), rrset: rrset)
        let record: ([UInt8]) -> [UInt8] = { wireName("www.example") + u16(1) + u16(1) + u32(3600) + u16(4) + $0 }
        #expect(data == Self.rrsigPrefix(.a, labels: 2) + record([10, 0, 0, 1]) + record([10, 0, 0, 2]))
    }

    @Test func aWildcardExpansionIsSignedUnderTheWildcardOwner() throws {
        // RFC 4035 §5.3.2: Labels 2 on "a.b.example." means the RRset was synthesised from "*.b.example.".
        let rrset = RRSet(name: name("A.B.example."), type: .txt, ttl: 60, rdatas: [.txt([Array("hi".utf8)])])
        let data = try Canonical.signedData(rrsig: Self.rrsig(.txt, labels: 2), rrset: rrset)
        let expected = Self.rrsigPrefix(.txt, labels: 2) + [1, 0x2A] + wireName("b.example") + u16(16) + u16(1) + u32(3600)
            + u16(3) + [2, 0x68, 0x69]
        #expect(data == expected)
        // With Labels equal to the owner's label count the owner is used as it is (lowercased).
        let direct = try Canonical.signedData(rrsig: Self.rrsig(.txt, labels: 3), rrset: rrset)
        #expect(Array(direct[Self.rrsigPrefix(.txt, labels: 3).count...].prefix(13)) == wireName("a.b.example"))
        // An owner that is itself a wildcard has one label more than its Labels field, and stays as it is.
        let wild = RRSet(name: name("*.b.example."), type: .txt, ttl: 60, rdatas: [.txt([Array("hi".utf8)])])
        #expect(try Canonical.signedData(rrsig: Self.rrsig(.txt, labels: 2), rrset: wild) == expected)
    }

    @Test func rdataIsSortedAfterLoweringNamesSoCaseDoesNotChangeTheOrder() throws {
        // "B.example." sorts before "a.example." as raw octets (0x42 < 0x61) but after it once lowercased.
        let rrset = RRSet(name: name("example."), type: .ns, ttl: 1,
                          rdatas: [.ns(name("ns.B.example.")), .ns(name("ns.a.example.")), .ns(name("NS.A.EXAMPLE."))])
        let sorted = try Canonical.sortedRData(rrset)
        #expect(sorted == [wireName("ns.a.example"), wireName("ns.b.example")])
    }

    @Test func rdataOrderComparesUnsignedOctetsAndPutsPrefixesFirst() throws {
        // RFC 4034 §6.3: left-justified unsigned octet sequences; an absent octet sorts before a zero octet.
        let rrset = RRSet(name: name("example."), type: RRType(65280), ttl: 1,
                          rdatas: [.opaque([0x80]), .opaque([0x7F, 0xFF]), .opaque([0x7F]), .opaque([0x7F, 0x00]), .opaque([])])
        #expect(try Canonical.sortedRData(rrset) == [[], [0x7F], [0x7F, 0x00], [0x7F, 0xFF], [0x80]])
    }

    @Test func embeddedNamesAreLoweredForTheRFC4034ListButNotForNSEC() throws {
        // RFC 4034 §6.2 item 3 as corrected by RFC 6840 §5.1: NSEC's next name keeps its case, RRSIG's signer does not.
        let mixed = name("Mixed.Example.")
        let lowered = wireName("mixed.example")
        #expect(try RData.ns(mixed).wire(canonical: true) == lowered)
        #expect(try RData.cname(mixed).wire(canonical: true) == lowered)
        #expect(try RData.dname(mixed).wire(canonical: true) == lowered)
        #expect(try RData.ptr(mixed).wire(canonical: true) == lowered)
        #expect(try RData.mx(MX(preference: 5, exchange: mixed)).wire(canonical: true) == u16(5) + lowered)
        #expect(try RData.srv(SRV(priority: 1, weight: 2, port: 3, target: mixed)).wire(canonical: true) == u16(1) + u16(2) + u16(3) + lowered)
        let soa = SOA(mname: mixed, rname: name("Host.Master."), serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5)
        #expect(try RData.soa(soa).wire(canonical: true) == lowered + wireName("host.master") + u32(1) + u32(2) + u32(3) + u32(4) + u32(5))
        let signature = try RData.rrsig(Self.rrsig(.a, labels: 1, signer: mixed)).wire(canonical: true)
        #expect(Array(signature.suffix(lowered.count + 2)) == lowered + [0xFF, 0xEE])
        let nsec = try RData.nsec(NSEC(nextName: mixed, types: TypeBitmap([.a]))).wire(canonical: true)
        #expect(nsec == mixed.wire + hex("000140"))
        // Non-canonical wire keeps the case everywhere.
        #expect(try RData.ns(mixed).wire() == mixed.wire)
        // Text is not a name and is never lowered.
        #expect(try RData.txt([Array("ABC".utf8)]).wire(canonical: true) == [3] + Array("ABC".utf8))
    }

    @Test func nsecSignedDataKeepsTheNextNameCaseButLowersTheOwner() throws {
        let rrset = RRSet(name: name("Alfa.Example."), type: .nsec, ttl: 1,
                          rdatas: [.nsec(NSEC(nextName: name("Host.Example."), types: TypeBitmap([.a, .rrsig, .nsec])))])
        let data = try Canonical.signedData(rrsig: Self.rrsig(.nsec, labels: 2), rrset: rrset)
        let rdata = wireName("Host.Example") + hex("0006 400000000003")
        #expect(data == Self.rrsigPrefix(.nsec, labels: 2) + wireName("alfa.example") + u16(47) + u16(1) + u32(3600)
            + u16(UInt16(rdata.count)) + rdata)
    }

    @Test func canonicalRecordWireIsUncompressedAndLowercased() throws {
        let record = Record(name: name("WWW.Example."), ttl: 99, rdata: .cname(name("Target.EXAMPLE.")))
        #expect(try Canonical.recordWire(record) == wireName("www.example") + u16(5) + u16(1) + u32(99) + u16(16) + wireName("target.example"))
    }

    // MARK: RFC 4034 §5.4 and Appendix B

    static let rfc4034Key = DNSKEY(flags: 256, algorithm: .rsaSHA1, publicKey: Array(Data(base64Encoded:
        "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvx"
        + "egXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==") ?? Data()))

    @Test func theRFC4034Section5_4KeyHasTag60485() {
        #expect(Self.rfc4034Key.publicKey.count == 130)
        #expect(Self.rfc4034Key.keyTag == 60485)
        // The revoke bit changes the tag (RFC 5011 §2.1): flags 0x0180 add 0x80 to the first accumulator word.
        var revoked = Self.rfc4034Key
        revoked.flags |= 0x0080
        #expect(revoked.isRevoked)
        #expect(revoked.keyTag == 60485 &+ 0x80)
    }

    @Test func theRFC4034Section5_4DSDigestIsSHA1OfTheCanonicalOwnerAndKey() {
        // dskey.example.com. 86400 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
        let input = Canonical.dsDigestInput(owner: name("DSKEY.example.COM."), key: Self.rfc4034Key)
        #expect(Array(input.prefix(19)) == wireName("dskey.example.com"))
        #expect(SHA1.digest(input) == hex("2BB183AF5F22588179A53B0A98631FAD1A292118"))
    }

    @Test func theTestSHA1MatchesFIPS180Vectors() {
        // The helper above is only trustworthy if it is SHA-1.
        #expect(SHA1.digest(Array("abc".utf8)) == hex("a9993e364706816aba3e25717850c26c9cd0d89d"))
        #expect(SHA1.digest([]) == hex("da39a3ee5e6b4b0d3255bfef95601890afd80709"))
        #expect(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == hex("84983e441c3bd26ebaae4aa1f95129e5e54670f1"))
    }
}

/// FIPS 180-4 SHA-1, for checking the RFC 4034 DS example without a crypto library in the wire tests.
enum SHA1 {
    static func digest(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0]
        var padded = message + [0x80]
        while padded.count % 64 != 56 { padded.append(0) }
        let bits = UInt64(message.count) * 8
        padded += (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
        for chunk in stride(from: 0, to: padded.count, by: 64) {
            var w = (0..<16).map { i in
                (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(padded[chunk + 4 * i + $1]) }
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w.append(x << 1 | x >> 31)
            }
            var (a, b, c, d, e) = (h[0], h[1], h[2], h[3], h[4])
            for i in 0..<80 {
                let (f, k): (UInt32, UInt32)
                switch i {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)
                }
                let temp = (a << 5 | a >> 27) &+ f &+ e &+ k &+ w[i]
                (e, d, c, b, a) = (d, c, b << 30 | b >> 2, a, temp)
            }
            h = [h[0] &+ a, h[1] &+ b, h[2] &+ c, h[3] &+ d, h[4] &+ e]
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
    }
}
