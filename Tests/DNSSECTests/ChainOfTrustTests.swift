import DNSCache
import DNSSEC
import DNSWire
import Testing

@Suite("RFC 4035 §5: a chain of trust from the anchor down, over a BIND-signed hierarchy")
struct ChainOfTrustTests {
    let hierarchy: Hierarchy

    init() throws { hierarchy = try Hierarchy() }

    @Test func aSignedAnswerTwoCutsBelowTheAnchorIsSecure() throws {
        let answer = try hierarchy.rrset("www.example.test.", .a, in: "example.test.")
        let run = hierarchy.run(try question("www.example.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        #expect(run.result.verdict == .secure)
        #expect(run.result.extendedError == nil)
        #expect(run.result.rrsets.map(\.status) == [.secure])
        #expect(run.steps == [.needDNSKEY(zone: .root), .needDS(zone: try Name("test.")), .needDNSKEY(zone: try Name("test.")),
                              .needDS(zone: try Name("example.test.")), .needDNSKEY(zone: try Name("example.test."))])
    }

    @Test func theValidatedDNSKEYAndDSRRsetsAreHandedBackForTheCache() throws {
        let answer = try hierarchy.rrset("www.example.test.", .a, in: "example.test.")
        let run = hierarchy.run(try question("www.example.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        let chain = run.result.chain.map { "\($0.rrset.rrset.name) \($0.rrset.rrset.type) \($0.status)" }
        #expect(chain == [". DNSKEY secure", "test. DS secure", "test. DNSKEY secure",
                          "example.test. DS secure", "example.test. DNSKEY secure"])
    }

    @Test func aKeyAnchorWorksAsWellAsADSAnchor() throws {
        let answer = try hierarchy.rrset("www.example.test.", .a, in: "example.test.")
        let run = hierarchy.run(try question("www.example.test.", .a), ChainResponse(kind: .positive, answer: [answer]),
                                anchor: hierarchy.keyAnchor)
        #expect(run.result.verdict == .secure)
    }

    @Test func aDNSKEYRRsetCachedAsSecureSkipsItsSignatureChecks() throws {
        let answer = try hierarchy.rrset("www.example.test.", .a, in: "example.test.")
        var cached: [Name: (SignedRRSet?, SecurityStatus)] = [:]
        for zone in [".", "test.", "example.test."] {
            let name = try Name(zone)
            cached[name] = (hierarchy.dnskey(name), .secure)
        }
        let ds = [try Name("test."): DSLookup.signed(try hierarchy.rrset("test.", .ds, in: "."), status: .secure),
                  try Name("example.test."): .signed(try hierarchy.rrset("example.test.", .ds, in: "test."), status: .secure)]
        // One verification left: only the answer's own signature may be checked.
        let run = hierarchy.run(try question("www.example.test.", .a), ChainResponse(kind: .positive, answer: [answer]),
                                budget: ValidationBudget(signatureVerifications: 1), dnskeys: cached, ds: ds)
        #expect(run.result.verdict == .secure)
    }

    @Test func eachLinkOfACNAMEChainIsValidatedWithItsOwnZonesKeys() throws {
        let cname = try hierarchy.rrset("alias.example.test.", .cname, in: "example.test.")
        let target = try hierarchy.rrset("www.other.test.", .a, in: "other.test.")
        let run = hierarchy.run(try question("alias.example.test.", .a),
                                ChainResponse(kind: .positive, answer: [cname, target]))
        #expect(run.result.verdict == .secure)
        #expect(run.result.rrsets.map(\.status) == [.secure, .secure])
        #expect(run.steps.contains(.needDNSKEY(zone: try Name("other.test."))))
    }

    @Test func aDelegationWithoutDSProvenByNSECIsInsecure() throws {
        let answer = try unsigned("www.insecure.test.", .a, .a(IPv4Address(192, 0, 2, 9)))
        let run = hierarchy.run(try question("www.insecure.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        #expect(run.result.verdict == .insecure(nil))
        #expect(run.result.extendedError == nil)
        #expect(run.result.rrsets.map(\.status) == [.insecure])
        #expect(run.steps.last == .needDS(zone: try Name("insecure.test.")))
    }

    @Test func aDelegationInAnNSEC3OptOutSpanIsInsecure() throws {
        let answer = try unsigned("www.unsigned.other.test.", .a, .a(IPv4Address(192, 0, 2, 10)))
        let run = hierarchy.run(try question("www.unsigned.other.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        #expect(run.result.verdict.isInsecure)
        #expect(run.result.verdict.reason?.kind == .optOut)
        #expect(run.result.extendedError == nil)
    }

    @Test func aReferralIntoAnOptOutSpanIsProvenInsecure() throws {
        let ns = try hierarchy.rrset("unsigned.other.test.", .ns, in: "other.test.")
        let response = ChainResponse(kind: .insecureReferral(child: try Name("unsigned.other.test.")),
                                     authority: [ns] + (try hierarchy.denialRecords(of: "other.test.")))
        let run = hierarchy.run(try question("www.unsigned.other.test.", .a), response)
        #expect(run.result.verdict.isInsecure)
    }

    @Test func aReferralWithoutDenialRecordsIsBogus() throws {
        let ns = try hierarchy.rrset("unsigned.other.test.", .ns, in: "other.test.")
        let soa = try hierarchy.rrset("other.test.", .soa, in: "other.test.")
        let response = ChainResponse(kind: .insecureReferral(child: try Name("unsigned.other.test.")), authority: [ns, soa])
        let run = hierarchy.run(try question("www.unsigned.other.test.", .a), response)
        #expect(run.code == .nsecMissing)
    }

    @Test func aDSOfOnlyAnUnsupportedAlgorithmMakesTheZoneInsecure() throws {
        let answer = try unsigned("www.private.test.", .a, .a(IPv4Address(192, 0, 2, 11)))
        let run = hierarchy.run(try question("www.private.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        #expect(run.result.verdict.isInsecure)
        #expect(run.code == .unsupportedDNSKEYAlgorithm)
        #expect(!run.steps.contains(.needDNSKEY(zone: try Name("private.test."))))
    }

    @Test func nxdomainWithAnNSECProofIsSecure() throws {
        let soa = try hierarchy.rrset("example.test.", .soa, in: "example.test.")
        let response = ChainResponse(kind: .nameError, authority: [soa] + (try hierarchy.denialRecords(of: "example.test.")))
        let run = hierarchy.run(try question("nothing.example.test.", .a), response)
        #expect(run.result.verdict == .secure)
    }

    @Test func nodataWithAnNSECProofIsSecure() throws {
        let soa = try hierarchy.rrset("example.test.", .soa, in: "example.test.")
        let response = ChainResponse(kind: .noData, authority: [soa] + (try hierarchy.denialRecords(of: "example.test.")))
        let run = hierarchy.run(try question("www.example.test.", .mx), response)
        #expect(run.result.verdict == .secure)
    }

    @Test func nodataForATypeThatExistsIsBogus() throws {
        let soa = try hierarchy.rrset("example.test.", .soa, in: "example.test.")
        let response = ChainResponse(kind: .noData, authority: [soa] + (try hierarchy.denialRecords(of: "example.test.")))
        let run = hierarchy.run(try question("www.example.test.", .a), response)
        #expect(run.result.verdict.isBogus)
    }

    @Test func nxdomainInAnNSEC3OptOutSpanIsInsecure() throws {
        let soa = try hierarchy.rrset("other.test.", .soa, in: "other.test.")
        let response = ChainResponse(kind: .nameError, authority: [soa] + (try hierarchy.denialRecords(of: "other.test.")))
        let run = hierarchy.run(try question("nothing.other.test.", .a), response)
        // RFC 5155 §9.2: the next closer name lies in an opt-out span, so the denial is insecure, not secure.
        #expect(run.result.verdict.reason?.kind == .optOut)
    }

    @Test func nodataInAnNSEC3ZoneIsSecure() throws {
        let soa = try hierarchy.rrset("other.test.", .soa, in: "other.test.")
        let response = ChainResponse(kind: .noData, authority: [soa] + (try hierarchy.denialRecords(of: "other.test.")))
        let run = hierarchy.run(try question("www.other.test.", .mx), response)
        #expect(run.result.verdict == .secure)
    }

    @Test func aNegativeAnswerAfterACNAMEIsProvenForTheCNAMETarget() throws {
        let cname = try hierarchy.rrset("alias.example.test.", .cname, in: "example.test.")
        let soa = try hierarchy.rrset("other.test.", .soa, in: "other.test.")
        let response = ChainResponse(kind: .noData, answer: [cname],
                                     authority: [soa] + (try hierarchy.denialRecords(of: "other.test.")))
        #expect(hierarchy.run(try question("alias.example.test.", .mx), response).result.verdict == .secure)
        #expect(hierarchy.run(try question("alias.example.test.", .a), response).result.verdict.isBogus)
    }

    @Test func aWildcardAnswerWithItsNSECProofIsSecure() throws {
        let run = hierarchy.run(try question("foo.wild.example.test.", .txt),
                                ChainResponse(kind: .positive, answer: [try wildcardAnswer()],
                                              authority: try hierarchy.denialRecords(of: "example.test.")))
        #expect(run.result.verdict == .secure)
    }

    @Test func aWildcardAnswerWithoutItsProofIsBogusWithNSECMissing() throws {
        let run = hierarchy.run(try question("foo.wild.example.test.", .txt),
                                ChainResponse(kind: .positive, answer: [try wildcardAnswer()]))
        #expect(run.code == .nsecMissing)
    }

    @Test func aNameOutsideTheAnchorIsIndeterminate() throws {
        let answer = try unsigned("www.example.", .a, .a(IPv4Address(192, 0, 2, 12)))
        let anchor = AnchorKeys(zone: try Name("test."), ds: [hierarchy.anchorDS])
        let run = hierarchy.run(try question("www.example.", .a), ChainResponse(kind: .positive, answer: [answer]),
                                anchor: anchor)
        #expect(run.result.verdict.isInsecure)
        #expect(run.result.rrsets.map(\.status) == [.indeterminate])
        #expect(run.steps.isEmpty)
    }

    /// `*.wild.example.test.` TXT as synthesised for `foo.wild.example.test.`.
    func wildcardAnswer() throws -> SignedRRSet {
        var set = try hierarchy.rrset("*.wild.example.test.", .txt, in: "example.test.")
        set.rrset.name = try Name("foo.wild.example.test.")
        return set
    }
}
