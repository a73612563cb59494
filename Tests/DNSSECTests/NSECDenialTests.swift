import DNSCache
import DNSSEC
import DNSWire
import Testing

/// The NSEC chain of the RFC 4035 Appendix A zone.
enum RFC4035 {
    static let chain: [String: String] = [
        "example.": "example. NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY",
        "a": "a.example. NSEC ai.example. NS DS RRSIG NSEC",
        "ai": "ai.example. NSEC b.example. A HINFO AAAA RRSIG NSEC",
        "b": "b.example. NSEC ns1.example. NS RRSIG NSEC",
        "ns1": "ns1.example. NSEC ns2.example. A RRSIG NSEC",
        "ns2": "ns2.example. NSEC *.w.example. A RRSIG NSEC",
        "*.w": "*.w.example. NSEC x.w.example. MX RRSIG NSEC",
        "x.w": "x.w.example. NSEC x.y.w.example. MX RRSIG NSEC",
        "x.y.w": "x.y.w.example. NSEC xx.example. MX RRSIG NSEC",
        "xx": "xx.example. NSEC example. A HINFO AAAA RRSIG NSEC",
    ]

    static func records(_ owners: [String]) throws -> [RRSet] {
        try Fixture.rrsets(owners.compactMap { chain[$0] }.joined(separator: "\n"))
    }

    static func prove(_ claim: DenialClaim, with owners: [String], zone: String = "example.") throws -> DenialResult {
        var budget = ValidationBudget()
        return DenialValidator(crypto: FakeCrypto()).prove(claim, zone: try Name(zone), records: try records(owners), budget: &budget)
    }
}

@Suite("RFC 4035 §5.4 and Appendix B: NSEC proofs over the Appendix A zone")
struct NSECDenialTests {
    @Test func theAppendixChainParsesToTenNSECRecords() throws {
        #expect(try RFC4035.records(Array(RFC4035.chain.keys)).count == 10)
    }

    @Test func b2NameErrorIsProvenByTheCoverAndTheWildcardDenial() throws {
        // ml.example.: b.example. → ns1.example. covers it; example. → a.example. covers *.example.
        let result = try RFC4035.prove(.nameError(Name("ml.example.")), with: ["b", "example."])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .nameError)
        #expect(result.proof?.closestEncloser == (try Name("example.")))
    }

    @Test func b2WithoutTheWildcardDenialIsBogusWithNSECMissing() throws {
        let result = try RFC4035.prove(.nameError(Name("ml.example.")), with: ["b"])
        #expect(result.verdict.extendedError?.code == .nsecMissing)
        #expect(result.verdict.reason?.text.contains("*.example.") == true)
    }

    @Test func aNameErrorWithoutAnyCoverIsBogus() throws {
        #expect(try RFC4035.prove(.nameError(Name("ml.example.")), with: ["example.", "ns1"]).verdict.isBogus)
    }

    @Test func aNameErrorForANameThatExistsIsBogus() throws {
        #expect(try RFC4035.prove(.nameError(Name("ns1.example.")), with: ["ns1", "example."]).verdict.isBogus)
    }

    @Test func aNameErrorWhereTheWildcardExistsIsBogus() throws {
        // a.z.w.example. is covered, but *.w.example. exists: the wildcard should have answered.
        let result = try RFC4035.prove(.nameError(Name("a.z.w.example.")), with: ["x.y.w", "*.w"])
        #expect(result.verdict.isBogus)
    }

    @Test func b3NoDataIsProvenByTheNamesOwnNSEC() throws {
        let result = try RFC4035.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .noData)
        #expect(result.proof?.types?.contains(.a) == true)
    }

    @Test func noDataForATypeTheNSECListsIsBogus() throws {
        #expect(try RFC4035.prove(.noData(Name("ns1.example."), .a), with: ["ns1"]).verdict.isBogus)
    }

    @Test func noDataIsBogusWhenTheNameHasACNAME() throws {
        let result = try Fixture.deny(.noData(Name("alias.example."), .a), records: "alias.example. NSEC b.example. CNAME RRSIG NSEC")
        #expect(result.verdict.isBogus)
    }

    @Test func anEmptyNonTerminalHasNoDataBecauseTheCoverLeadsBelowIt() throws {
        // y.w.example. owns nothing, but x.y.w.example. exists below it.
        let result = try RFC4035.prove(.noData(Name("y.w.example."), .a), with: ["x.w"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .emptyNonTerminal)
    }

    @Test func b4TheSignedDelegationsNSECDoesNotProveItUnsigned() throws {
        // mc.a.example.: a.example. has a DS, so the referral is to a signed zone.
        #expect(try RFC4035.prove(.unsignedDelegation(Name("a.example.")), with: ["a"]).verdict.isBogus)
        let noDS = try RFC4035.prove(.noData(Name("a.example."), .ds), with: ["a"])
        #expect(noDS.verdict.isBogus)
    }

    @Test func b5AReferralToAnUnsignedZoneIsProvenByTheDelegationNSEC() throws {
        // mc.b.example.: b.example. NSEC has NS, no DS, no SOA.
        let result = try RFC4035.prove(.unsignedDelegation(Name("b.example.")), with: ["b"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .unsignedDelegation)
        let noDS = try RFC4035.prove(.noData(Name("b.example."), .ds), with: ["b"])
        #expect(noDS.verdict == .secure)
        #expect(noDS.proof?.types?.contains(.ns) == true)
    }

    @Test func theDelegationNSECCannotDenyNamesBelowTheCut() throws {
        // RFC 6840 §4.1: b.example. → ns1.example. spans mc.b.example. in canonical order, but it is the
        // parent's record of a zone cut.
        #expect(try RFC4035.prove(.nameError(Name("mc.b.example.")), with: ["b", "example."]).verdict.isBogus)
        #expect(try RFC4035.prove(.noData(Name("b.example."), .mx), with: ["b"]).verdict.isBogus)
    }

    @Test func aDNAMEOwnersNSECCannotDenyNamesBelowIt() throws {
        let result = try Fixture.deny(.nameError(Name("x.d.example.")), records: """
            d.example. NSEC ns1.example. DNAME RRSIG NSEC
            example. NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY
            """)
        #expect(result.verdict.isBogus)
    }

    @Test func theChildApexNSECCannotDenyItsOwnDS() throws {
        let apex = "child.example. NSEC www.child.example. NS SOA RRSIG NSEC DNSKEY"
        #expect(try Fixture.deny(.noData(Name("child.example."), .ds), zone: "child.example.", records: apex).verdict.isBogus)
        #expect(try Fixture.deny(.noData(Name("child.example."), .ds), records: apex).verdict.isBogus)
    }

    @Test func b6AWildcardAnswerNeedsTheNextCloserNameDenied() throws {
        let rrset = try Fixture.rrset("a.z.w 3600 IN MX 1 ai.example.")
        let key = Fixture.key(1)
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."), labels: 2)
        var budget = ValidationBudget()
        let answer = RRSIGValidator(crypto: FakeCrypto()).validate(SignedRRSet(rrset, signatures: [rrsig]),
                                                                   zone: try Name("example."), keys: [key],
                                                                   now: Fixture.now, budget: &budget)
        let expansion = try #require(answer.wildcard)
        let proven = try RFC4035.prove(.wildcardAnswer(expansion), with: ["x.y.w"])
        #expect(proven.verdict == .secure)
        #expect(proven.proof?.kind == .wildcardAnswer)
        #expect(try RFC4035.prove(.wildcardAnswer(expansion), with: ["xx"]).verdict.extendedError?.code == .nsecMissing)
    }

    @Test func aWildcardAnswerForANameThatExistsIsBogus() throws {
        let expansion = try #require(WildcardExpansion(owner: Name("x.w.example."), labels: 2))
        #expect(try RFC4035.prove(.wildcardAnswer(expansion), with: ["x.w", "*.w"]).verdict.isBogus)
    }

    @Test func b7WildcardNoDataNeedsTheCoverAndTheWildcardsNSEC() throws {
        // a.z.w.example. AAAA: x.y.w.example. covers the name, *.w.example. lacks AAAA.
        let result = try RFC4035.prove(.noData(Name("a.z.w.example."), .aaaa), with: ["x.y.w", "*.w"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .wildcardNoData)
        #expect(result.proof?.closestEncloser == (try Name("w.example.")))
        #expect(try RFC4035.prove(.noData(Name("a.z.w.example."), .mx), with: ["x.y.w", "*.w"]).verdict.isBogus)
        #expect(try RFC4035.prove(.noData(Name("a.z.w.example."), .aaaa), with: ["x.y.w"]).verdict.isBogus)
    }

    @Test func theLastNSECWrapsToTheApex() throws {
        // xx.example. → example. covers every name sorting after xx.example.
        let result = try RFC4035.prove(.nameError(Name("zz.example.")), with: ["xx", "example."])
        #expect(result.verdict == .secure)
        #expect(try RFC4035.prove(.nameError(Name("zz.example.org.")), with: ["xx", "example."]).verdict.isBogus)
    }

    @Test func aRecordWhoseNextNameSortsFirstCoversOnlyIfItWrapsToTheApex() throws {
        // RFC 4034 §4.1.1: only the last NSEC's next name may sort before its owner, and it is the apex.
        let result = try Fixture.deny(.nameError(Name("zz.example.")), records: """
            xx.example. NSEC ai.example. A RRSIG NSEC
            example. NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY
            """)
        #expect(result.verdict.isBogus)
    }

    @Test func aDSDenialSignedByTheChildItselfIsRefusedEvenWithoutSOA() throws {
        let result = try Fixture.deny(.noData(Name("child.example."), .ds), zone: "child.example.",
                                      records: "child.example. NSEC www.child.example. NS RRSIG NSEC")
        #expect(result.verdict.isBogus)
        #expect(result.verdict.reason?.text.contains("parent") == true)
    }

    @Test func canonicalOrderNotTextOrderDecidesCoverage() throws {
        // As text "z.ai.example." sorts after "b.example.", but labels compare from the right, so it falls
        // between ai.example. and b.example.; so does *.ai.example., its wildcard.
        let result = try RFC4035.prove(.nameError(Name("z.ai.example.")), with: ["ai"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.closestEncloser == (try Name("ai.example.")))
        #expect(try RFC4035.prove(.nameError(Name("z.ai.example.")), with: ["b", "x.y.w", "xx"]).verdict.isBogus)
    }

    @Test func withoutAnyNSECOrNSEC3TheProofIsMissing() throws {
        let result = try Fixture.deny(.nameError(Name("ml.example.")), records: "")
        #expect(result.verdict.extendedError?.code == .nsecMissing)
    }
}
