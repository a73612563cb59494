import DNSCache
import DNSSEC
import DNSWire
import Testing

@Suite("CVE-2023-50387 KeyTrap: keys per tag, signatures per RRset and the per-query budget are capped")
struct KeyTrapLimitTests {
    func rrset() throws -> RRSet { try Fixture.rrset("www 3600 IN A 192.0.2.1") }

    @Test func collidingKeysReallyShareATag() {
        let keys = Fixture.collidingKeys(6)
        #expect(Set(keys.map(\.keyTag)).count == 1)
        #expect(Set(keys).count == 6)
    }

    @Test func onlyFourKeysSharingATagAreTried() throws {
        let keys = Fixture.collidingKeys(6)
        let rrset = try rrset()
        // Signed by the last of the colliding keys, which the default cap never reaches.
        let rrsig = try Fixture.sign(rrset, with: keys[5], signer: Name("example."))
        var budget = ValidationBudget(signatureVerifications: 100)
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: [rrsig]),
                                                                   zone: try Name("example."), keys: keys,
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict.reason?.kind == .limitExceeded)
        #expect(result.verdict.extendedError?.code == .other)
        #expect(budget.signatureVerifications == 96)
    }

    @Test func aHigherKeyCapReachesTheSigningKey() throws {
        let keys = Fixture.collidingKeys(6)
        let rrset = try rrset()
        let rrsig = try Fixture.sign(rrset, with: keys[5], signer: Name("example."))
        var budget = ValidationBudget()
        let validator = RRSIGValidator(crypto: FakeCrypto(), limits: ValidationLimits(maxKeysPerTag: 8))
        let result = validator.validate(SignedRRSet(rrset, signatures: [rrsig]), zone: try Name("example."), keys: keys,
                                        now: Fixture.now, budget: &budget)
        #expect(result.verdict == .secure)
        #expect(result.signingKey == keys[5])
    }

    @Test func onlyEightSignaturesPerRRsetAreChecked() throws {
        let rrset = try rrset()
        let key = Fixture.key(1)
        var signatures: [RRSIG] = []
        for offset in 0..<10 {
            // Distinct bad signatures (different inceptions), then a good one that comes too late.
            signatures.append(try Fixture.sign(rrset, with: key, signer: Name("example."),
                                               inception: Fixture.inception - UInt32(offset), valid: false))
        }
        signatures.append(try Fixture.sign(rrset, with: key, signer: Name("example.")))
        var budget = ValidationBudget(signatureVerifications: 100)
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: signatures),
                                                                   zone: try Name("example."), keys: [key],
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict.reason?.kind == .limitExceeded)
        #expect(budget.signatureVerifications == 92)
    }

    @Test func aGoodSignatureWithinTheCapIsFound() throws {
        let rrset = try rrset()
        let key = Fixture.key(1)
        var signatures = try (0..<3).map {
            try Fixture.sign(rrset, with: key, signer: Name("example."), inception: Fixture.inception - UInt32($0), valid: false)
        }
        signatures.append(try Fixture.sign(rrset, with: key, signer: Name("example.")))
        var budget = ValidationBudget()
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: signatures),
                                                                   zone: try Name("example."), keys: [key],
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict == .secure)
        #expect(budget.signatureVerifications == ValidationBudget().signatureVerifications - 4)
    }

    @Test func anExhaustedBudgetStopsValidationAsBogus() throws {
        let rrset = try rrset()
        let key = Fixture.key(1)
        let bad = try (0..<3).map {
            try Fixture.sign(rrset, with: key, signer: Name("example."), inception: Fixture.inception - UInt32($0), valid: false)
        }
        let good = try Fixture.sign(rrset, with: key, signer: Name("example."))
        var budget = ValidationBudget(signatureVerifications: 2)
        let validator = RRSIGValidator(crypto: FakeCrypto())
        let result = validator.validate(SignedRRSet(rrset, signatures: bad + [good]), zone: try Name("example."),
                                        keys: [key], now: Fixture.now, budget: &budget)
        #expect(result.verdict.reason?.kind == .limitExceeded)
        #expect(result.verdict.reason?.text.contains("budget") == true)
        #expect(budget.signatureVerifications == 0)

        // The budget stays spent for the next RRset of the same query, even a good one.
        let next = validator.validate(SignedRRSet(rrset, signatures: [good]), zone: try Name("example."),
                                      keys: [key], now: Fixture.now, budget: &budget)
        #expect(next.verdict.reason?.kind == .limitExceeded)
    }

    @Test func signaturesThatFailCheapChecksCostNoVerification() throws {
        let rrset = try rrset()
        let key = Fixture.key(1)
        let expired = try Fixture.sign(rrset, with: key, signer: Name("example."), inception: 1000, expiration: 2000)
        let unknownKey = try Fixture.sign(rrset, with: Fixture.key(77), signer: Name("example."))
        var budget = ValidationBudget(signatureVerifications: 5)
        _ = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: [expired, unknownKey]),
                                                          zone: try Name("example."), keys: [key],
                                                          now: Fixture.now, budget: &budget)
        #expect(budget.signatureVerifications == 5)
    }
}

@Suite("RFC 4035 §5.2, RFC 6840 §5.2: unsupported algorithms only make data insecure, not bogus")
struct UnsupportedAlgorithmTests {
    @Test func anRRsetSignedOnlyWithAnUnsupportedAlgorithmIsInsecure() throws {
        let rrset = try Fixture.rrset("www 3600 IN A 192.0.2.1")
        let exotic = Fixture.key(1, algorithm: .ed448)
        let rrsig = try Fixture.sign(rrset, with: exotic, signer: Name("example."))
        var budget = ValidationBudget()
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: [rrsig]),
                                                                   zone: try Name("example."), keys: [exotic],
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.extendedError?.code == .unsupportedDNSKEYAlgorithm)
        #expect(result.verdict.securityStatus == .insecure)
    }

    @Test func strippingTheSupportedSignatureFromADoublySignedZoneIsBogus() throws {
        let rrset = try Fixture.rrset("www 3600 IN A 192.0.2.1")
        let exotic = Fixture.key(1, algorithm: .ed448)
        let usual = Fixture.key(2)
        let rrsig = try Fixture.sign(rrset, with: exotic, signer: Name("example."))
        var budget = ValidationBudget()
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: [rrsig]),
                                                                   zone: try Name("example."), keys: [exotic, usual],
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict.isBogus)
        #expect(result.verdict.extendedError?.code == .rrsigsMissing)
    }

    @Test func aSupportedSignatureBesideAnUnsupportedOneIsSecure() throws {
        let rrset = try Fixture.rrset("www 3600 IN A 192.0.2.1")
        let exotic = Fixture.key(1, algorithm: .ed448)
        let usual = Fixture.key(2)
        let signatures = [try Fixture.sign(rrset, with: exotic, signer: Name("example.")),
                          try Fixture.sign(rrset, with: usual, signer: Name("example."))]
        var budget = ValidationBudget()
        let result = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: signatures),
                                                                   zone: try Name("example."), keys: [exotic, usual],
                                                                   now: Fixture.now, budget: &budget)
        #expect(result.verdict == .secure)
    }
}
