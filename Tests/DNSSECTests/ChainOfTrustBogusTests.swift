import DNSCache
import DNSSEC
import DNSWire
import Testing

@Suite("RFC 4035 §5.5, RFC 8914: a broken chain is bogus, with the Extended DNS Error that says why")
struct ChainOfTrustBogusTests {
    let hierarchy: Hierarchy

    init() throws { hierarchy = try Hierarchy() }

    func www() throws -> SignedRRSet { try hierarchy.rrset("www.example.test.", .a, in: "example.test.") }

    func runWWW(_ answer: SignedRRSet, now: Int64 = Hierarchy.now, budget: ValidationBudget = ValidationBudget(),
                maxLookups: Int = 48, ds: [Name: DSLookup] = [:],
                dnskeys: [Name: (SignedRRSet?, SecurityStatus)] = [:], anchor: AnchorKeys? = nil) throws -> ChainRun {
        hierarchy.run(try question("www.example.test.", .a), ChainResponse(kind: .positive, answer: [answer]),
                      anchor: anchor, budget: budget, maxLookups: maxLookups, now: now, dnskeys: dnskeys, ds: ds)
    }

    @Test func aSignatureWithOneFlippedByteIsBogus() throws {
        var answer = try www()
        answer.signatures[0].signature[5] ^= 0x01
        let run = try runWWW(answer)
        #expect(run.code == .dnssecBogus)
        #expect(run.result.rrsets.map(\.status) == [.bogus])
    }

    @Test func signaturesPastTheirExpirationGiveSignatureExpired() throws {
        let run = try runWWW(try www(), now: 2_400_000_000)  // 2046
        #expect(run.code == .signatureExpired)
    }

    @Test func signaturesBeforeTheirInceptionGiveSignatureNotYetValid() throws {
        let run = try runWWW(try www(), now: 1_700_000_000)  // 2023
        #expect(run.code == .signatureNotYetValid)
    }

    @Test func aDSThatMatchesNoKeyGivesDNSKEYMissing() throws {
        let answer = try hierarchy.rrset("www.nokey.test.", .a, in: "nokey.test.")
        let run = hierarchy.run(try question("www.nokey.test.", .a), ChainResponse(kind: .positive, answer: [answer]))
        #expect(run.code == .dnskeyMissing)
        #expect(run.result.extendedError?.text.contains("nokey.test.") == true)
    }

    @Test func anAnswerStrippedOfItsRRSIGsGivesRRSIGsMissing() throws {
        var answer = try www()
        answer.signatures = []
        let run = try runWWW(answer)
        #expect(run.code == .rrsigsMissing)
        #expect(run.steps.last == .needDS(zone: try Name("www.example.test.")))
    }

    @Test func aDSPointingAtAKeyWithoutTheZoneBitGivesNoZoneKeyBitSet() throws {
        guard var keys = hierarchy.dnskey(.root) else { throw FixtureError.missing(". DNSKEY") }
        var flagless = hierarchy.anchorDNSKEY
        flagless.flags = 1
        keys.rrset.rdatas = keys.rrset.rdatas.map { $0 == .dnskey(hierarchy.anchorDNSKEY) ? .dnskey(flagless) : $0 }
        let digest = hierarchy.crypto.digest(.sha256, of: Canonical.dsDigestInput(owner: .root, key: flagless)) ?? []
        let anchor = AnchorKeys(zone: .root, ds: [DS(keyTag: flagless.keyTag, algorithm: flagless.algorithm,
                                                     digestType: .sha256, digest: digest)])
        let run = try runWWW(try www(), dnskeys: [.root: (keys, .unchecked)], anchor: anchor)
        #expect(run.code == .noZoneKeyBitSet)
    }

    @Test func nxdomainWithoutNSECGivesNSECMissing() throws {
        let soa = try hierarchy.rrset("example.test.", .soa, in: "example.test.")
        let run = hierarchy.run(try question("nothing.example.test.", .a), ChainResponse(kind: .nameError, authority: [soa]))
        #expect(run.code == .nsecMissing)
    }

    @Test func anAbsentDSWithoutProofIsBogus() throws {
        let answer = try www()
        let run = try runWWW(answer, ds: [try Name("example.test."): .denied([])])
        #expect(run.code == .nsecMissing)
    }

    @Test func aSpentBudgetIsBogusNotInsecure() throws {
        let run = try runWWW(try www(), budget: ValidationBudget(signatureVerifications: 2))
        #expect(run.result.verdict.reason?.kind == .limitExceeded)
        #expect(run.code == .other)
    }

    @Test func tooManyLookupsIsBogus() throws {
        let run = try runWWW(try www(), maxLookups: 3)
        #expect(run.result.verdict.reason?.kind == .limitExceeded)
        #expect(run.steps.count == 3)
    }

    @Test func anUnreachableParentGivesNoReachableAuthority() throws {
        let run = try runWWW(try www(), ds: [try Name("test."): .failed("timeout", unreachable: true)])
        #expect(run.code == .noReachableAuthority)
        #expect(run.result.verdict.isBogus)
    }

    @Test func aMissingDNSKEYRRsetGivesDNSKEYMissing() throws {
        let run = try runWWW(try www(), dnskeys: [try Name("example.test."): (nil, .unchecked)])
        #expect(run.code == .dnskeyMissing)
    }

    @Test func aWrongAnchorIsBogus() throws {
        var ds = hierarchy.anchorDS
        ds.digest[0] ^= 0xFF
        let run = try runWWW(try www(), anchor: AnchorKeys(zone: .root, ds: [ds]))
        #expect(run.code == .dnskeyMissing)
    }

    // When the anchor zone's DNSKEY RRset is signed by a key the anchor does not hold, the key is usually there
    // and only not trusted (a missed key roll): the text must name the signing key and the trusted ones, not
    // claim that a key is missing from the zone.
    @Test func anAnchorThatTrustsAnotherKeyNamesTheSigningAndTheTrustedKeys() throws {
        var stranger = hierarchy.anchorDNSKEY
        stranger.publicKey[stranger.publicKey.count - 1] ^= 0x01
        for anchor in [AnchorKeys(zone: .root, dnskeys: [stranger]),
                       AnchorKeys(zone: .root, ds: [DS(keyTag: 12345, algorithm: hierarchy.anchorDS.algorithm,
                                                       digestType: hierarchy.anchorDS.digestType, digest: hierarchy.anchorDS.digest)])] {
            let run = try runWWW(try www(), anchor: anchor)
            #expect(run.code == .dnskeyMissing)
            let text = run.result.verdict.reason?.text ?? ""
            #expect(text.contains("signed by key \(hierarchy.anchorDNSKEY.keyTag)"), "\(text)")
            #expect(text.contains("only key \(anchor.keyTags.map(String.init).joined(separator: ", ")) is trusted"), "\(text)")
        }
    }

    // An anchor with a problem (a managed anchor that is stale or lost its trusted keys) makes every name below
    // it bogus with that reason, before any lookup.
    @Test func anAnchorWithAProblemIsBogusWithItsReason() throws {
        let reason = ValidationReason(.dnskeyMissing, "trust anchor for . is stale")
        let run = try runWWW(try www(), anchor: AnchorKeys(zone: .root, problem: reason))
        #expect(run.result.verdict == .bogus(reason))
        #expect(run.steps.isEmpty)
    }
}
