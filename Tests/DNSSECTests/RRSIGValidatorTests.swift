import DNSCache
import DNSSEC
import DNSWire
import Testing

@Suite("RFC 4035 §5.3: one RRset's signatures against the zone's keys")
struct RRSIGValidatorTests {
    let validator = RRSIGValidator(crypto: FakeCrypto())
    let key = Fixture.key(1)

    func www() throws -> RRSet { try Fixture.rrset("www 3600 IN A 192.0.2.1") }

    func check(_ signed: SignedRRSet, keys: [DNSKEY]? = nil, zone: String = "example.", now: Int64 = Fixture.now,
               validator: RRSIGValidator? = nil) throws -> RRSetValidation {
        var budget = ValidationBudget()
        return (validator ?? self.validator).validate(signed, zone: try Name(zone), keys: keys ?? [key], now: now, budget: &budget)
    }

    @Test func aSignatureByAZoneKeyWithinItsWindowMakesTheRRsetSecure() throws {
        let rrset = try www()
        let result = try check(SignedRRSet(rrset, signatures: [try Fixture.sign(rrset, with: key, signer: Name("example."))]))
        #expect(result.verdict == .secure)
        #expect(result.signingKey == key)
        #expect(result.wildcard == nil)
        #expect(result.verdict.securityStatus == .secure)
    }

    @Test func aSignatureThatDoesNotVerifyIsBogusWithDNSSECBogus() throws {
        let rrset = try www()
        let bad = try Fixture.sign(rrset, with: key, signer: Name("example."), valid: false)
        let result = try check(SignedRRSet(rrset, signatures: [bad]))
        #expect(result.verdict.reason?.kind == .invalidSignature)
        #expect(result.verdict.extendedError?.code == .dnssecBogus)
        #expect(result.verdict.extendedError?.text.contains("www.example.") == true)
    }

    @Test func changedDataNoLongerVerifies() throws {
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."))
        let forged = try Fixture.rrset("www 3600 IN A 192.0.2.66")
        #expect(try check(SignedRRSet(forged, signatures: [rrsig])).verdict.isBogus)
    }

    @Test func anRRsetWithoutRRSIGsIsBogusWithRRSIGsMissing() throws {
        let result = try check(SignedRRSet(try www()))
        #expect(result.verdict.extendedError?.code == .rrsigsMissing)
    }

    @Test func anRRSIGFromAnotherSignerDoesNotCount() throws {
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("other."))
        let result = try check(SignedRRSet(rrset, signatures: [rrsig]))
        #expect(result.verdict.extendedError?.code == .rrsigsMissing)
        #expect(result.verdict.reason?.text.contains("other.") == true)
    }

    @Test func anRRsetOutsideTheSignersZoneIsBogus() throws {
        let rrset = try Fixture.rrset("www.example.org. 3600 IN A 192.0.2.1")
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."))
        #expect(try check(SignedRRSet(rrset, signatures: [rrsig])).verdict.reason?.kind == .malformed)
    }

    @Test func noKeyWithTheTagIsBogusWithDNSKEYMissing() throws {
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: Fixture.key(9), signer: Name("example."))
        #expect(try check(SignedRRSet(rrset, signatures: [rrsig])).verdict.extendedError?.code == .dnskeyMissing)
    }

    @Test func aKeyWithoutTheZoneKeyFlagIsBogusWithNoZoneKeyBitSet() throws {
        let notZone = Fixture.key(3, flags: 0)
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: notZone, signer: Name("example."))
        let result = try check(SignedRRSet(rrset, signatures: [rrsig]), keys: [notZone])
        #expect(result.verdict.extendedError?.code == .noZoneKeyBitSet)
    }

    @Test func aRevokedKeyVerifiesNothing() throws {
        let revoked = Fixture.key(4, flags: 256 | 0x80 | 1)
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: revoked, signer: Name("example."))
        let result = try check(SignedRRSet(rrset, signatures: [rrsig]), keys: [revoked])
        #expect(result.verdict.isBogus)
        #expect(result.verdict.reason?.text.contains("revoked") == true)
    }

    @Test func aKeyOfAnotherProtocolVerifiesNothing() throws {
        let other = DNSKEY(flags: 256, protocol: 2, algorithm: .ecdsaP256SHA256, publicKey: Array(repeating: 5, count: 32))
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: other, signer: Name("example."))
        #expect(try check(SignedRRSet(rrset, signatures: [rrsig]), keys: [other]).verdict.isBogus)
    }

    @Test func oneGoodSignatureAmongBadOnesSuffices() throws {
        let rrset = try www()
        let other = Fixture.key(2)
        let bad = try Fixture.sign(rrset, with: other, signer: Name("example."), valid: false)
        let good = try Fixture.sign(rrset, with: key, signer: Name("example."))
        #expect(try check(SignedRRSet(rrset, signatures: [bad, good]), keys: [other, key]).verdict == .secure)
    }

    @Test func theReasonGivenIsTheOneThatGotFurthest() throws {
        let rrset = try www()
        let missingKey = try Fixture.sign(rrset, with: Fixture.key(9), signer: Name("example."))
        let expired = try Fixture.sign(rrset, with: key, signer: Name("example."),
                                       inception: UInt32(Fixture.now) - 40 * Fixture.day, expiration: UInt32(Fixture.now) - 10 * Fixture.day)
        let result = try check(SignedRRSet(rrset, signatures: [missingKey, expired]))
        #expect(result.verdict.extendedError?.code == .signatureExpired)
    }

    @Test func labelsAboveTheOwnersLabelCountAreBogus() throws {
        let rrset = try www()
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."), labels: 3)
        #expect(try check(SignedRRSet(rrset, signatures: [rrsig])).verdict.reason?.kind == .malformed)
    }

    @Test func fewerLabelsThanTheOwnerRevealAWildcardExpansion() throws {
        // RFC 4035 Appendix B.6: a.z.w.example. MX synthesised from *.w.example. (Labels 2).
        let rrset = try Fixture.rrset("a.z.w 3600 IN MX 1 ai.example.")
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."), labels: 2)
        let result = try check(SignedRRSet(rrset, signatures: [rrsig]))
        #expect(result.verdict == .secure)
        let expansion = try #require(result.wildcard)
        #expect(expansion.closestEncloser == (try Name("w.example.")))
        #expect(expansion.nextCloser == (try Name("z.w.example.")))
        #expect(expansion.wildcard == (try Name("*.w.example.")))
        #expect(expansion.name == rrset.name)
    }

    @Test func aLiteralWildcardOwnerIsNoExpansion() throws {
        let rrset = try Fixture.rrset("*.w 3600 IN MX 1 ai.example.")
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."))
        #expect(rrsig.labels == 2)
        let result = try check(SignedRRSet(rrset, signatures: [rrsig]))
        #expect(result.verdict == .secure)
        #expect(result.wildcard == nil)
    }

    @Test func theTTLIsCappedByOriginalTTLAndTimeLeftBeforeExpiration() throws {
        let rrset = try Fixture.rrset("www 86400 IN A 192.0.2.1")
        let soon = try Fixture.sign(rrset, with: key, signer: Name("example."), expiration: UInt32(Fixture.now) + 600,
                                    originalTTL: 3600)
        let result = try check(SignedRRSet(rrset, signatures: [soon]))
        #expect(result.rrset.rrset.ttl == 600)

        let later = try Fixture.sign(rrset, with: key, signer: Name("example."), originalTTL: 3600)
        #expect(try check(SignedRRSet(rrset, signatures: [later])).rrset.rrset.ttl == 3600)

        var budget = ValidationBudget()
        let withSignatureTTL = validator.validate(SignedRRSet(rrset, signatures: [later]), zone: try Name("example."),
                                                  keys: [key], now: Fixture.now, signatureTTL: 300, budget: &budget)
        #expect(withSignatureTTL.rrset.rrset.ttl == 300)
    }

    @Test func aReceivedTTLBelowTheOriginalIsKept() throws {
        let rrset = try Fixture.rrset("www 120 IN A 192.0.2.1")
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."), originalTTL: 3600)
        #expect(try check(SignedRRSet(rrset, signatures: [rrsig])).rrset.rrset.ttl == 120)
    }
}
