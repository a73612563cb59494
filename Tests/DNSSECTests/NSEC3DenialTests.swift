import DNSSEC
import DNSWire
import Testing

/// RFC 5155 Appendix A: the example zone's hashes (SHA-1, 12 iterations, salt aabbccdd) and its NSEC3 chain,
/// keyed by the name each record stands for. Every record there has the opt-out flag set.
enum RFC5155 {
    static let hashes: [String: String] = [
        "example.": "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
        "a.example.": "35mthgpgcu1qg68fab165klnsnk3dpvl",
        "ai.example.": "gjeqe526plbf1g8mklp59enfd789njgi",
        "ns1.example.": "2t7b4g4vsa5smi47k61mv5bv1a22bojr",
        "ns2.example.": "q04jkcevqvmu85r014c7dkba38o0ji5r",
        "w.example.": "k8udemvp1j2f7eg6jebps17vp3n8i58h",
        "*.w.example.": "r53bq7cc2uvmubfu5ocmm6pers9tk9en",
        "x.w.example.": "b4um86eghhds6nea196smvmlo4ors995",
        "y.w.example.": "ji6neoaepv8b5o6k4ev33abha8ht9fgc",
        "x.y.w.example.": "2vptu5timamqttgl4luu9kg21e0aor3s",
        "xx.example.": "t644ebqk9bibcna874givr6joj62mlhv",
        "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.": "kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
    ]

    /// Owner hash, next hash and types of each NSEC3 of the Appendix A zone, by the name it stands for.
    static let chain: [String: String] = [
        "example.": "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX DNSKEY NS SOA NSEC3PARAM RRSIG",
        "ns1": "2t7b4g4vsa5smi47k61mv5bv1a22bojr 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
        "x.y.w": "2vptu5timamqttgl4luu9kg21e0aor3s 35mthgpgcu1qg68fab165klnsnk3dpvl MX RRSIG",
        "a": "35mthgpgcu1qg68fab165klnsnk3dpvl b4um86eghhds6nea196smvmlo4ors995 NS DS RRSIG",
        "x.w": "b4um86eghhds6nea196smvmlo4ors995 gjeqe526plbf1g8mklp59enfd789njgi MX RRSIG",
        "ai": "gjeqe526plbf1g8mklp59enfd789njgi ji6neoaepv8b5o6k4ev33abha8ht9fgc A HINFO AAAA RRSIG",
        "y.w": "ji6neoaepv8b5o6k4ev33abha8ht9fgc k8udemvp1j2f7eg6jebps17vp3n8i58h",
        "w": "k8udemvp1j2f7eg6jebps17vp3n8i58h kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
        "2t7b": "kohar7mbb8dc2ce8a9qvl8hon4k53uhi q04jkcevqvmu85r014c7dkba38o0ji5r A RRSIG",
        "ns2": "q04jkcevqvmu85r014c7dkba38o0ji5r r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG",
        "*.w": "r53bq7cc2uvmubfu5ocmm6pers9tk9en t644ebqk9bibcna874givr6joj62mlhv MX RRSIG",
        "xx": "t644ebqk9bibcna874givr6joj62mlhv 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A HINFO AAAA RRSIG",
    ]

    /// Zone text for the records standing for `names`; `flags` 1 as published, 0 to clear opt-out.
    static func text(_ names: [String], flags: Int = 1, iterations: Int = 12, algorithm: Int = 1) -> String {
        names.compactMap { chain[$0] }.map { entry in
            var fields = entry.split(separator: " ").map(String.init)
            let owner = fields.removeFirst()
            let next = fields.removeFirst()
            return "\(owner).example. 3600 IN NSEC3 \(algorithm) \(flags) \(iterations) aabbccdd \(next) \(fields.joined(separator: " "))"
        }.joined(separator: "\n")
    }

    static func prove(_ claim: DenialClaim, with names: [String], flags: Int = 1, iterations: Int = 12,
                      budget: inout ValidationBudget, limits: ValidationLimits = ValidationLimits()) throws -> DenialResult {
        let records = try Fixture.rrsets(text(names, flags: flags, iterations: iterations))
        return DenialValidator(crypto: FakeCrypto(), limits: limits).prove(claim, zone: try Name("example."),
                                                                          records: records, budget: &budget)
    }

    static func prove(_ claim: DenialClaim, with names: [String], flags: Int = 1) throws -> DenialResult {
        var budget = ValidationBudget()
        return try prove(claim, with: names, flags: flags, budget: &budget)
    }
}

@Suite("RFC 5155 §8 and Appendix B: NSEC3 proofs over the Appendix A zone")
struct NSEC3DenialTests {
    @Test func theFakeCryptoComputesTheAppendixAHashes() throws {
        for (text, expected) in RFC5155.hashes {
            let hash = FakeCrypto().nsec3Hash(of: try Name(text), algorithm: 1, salt: [0xAA, 0xBB, 0xCC, 0xDD], iterations: 12)
            #expect(hash.map { Base32Hex.encode($0) } == expected, "H(\(text))")
        }
        #expect(SHA1.hash(Array("abc".utf8)).map { Hex.encode([$0], uppercase: false) }.joined()
                == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test func b1NameErrorRestsOnAnOptOutSpanSoItIsInsecure() throws {
        // a.c.x.w.example.: x.w.example. matched, c.x.w.example. covered (opt-out), *.x.w.example. covered.
        let result = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: ["example.", "x.w", "a"])
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.reason?.kind == .optOut)
        #expect(result.verdict.extendedError == nil)
        #expect(result.proof?.closestEncloser == (try Name("x.w.example.")))
    }

    @Test func b1NameErrorWithoutOptOutIsSecure() throws {
        let result = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: ["example.", "x.w", "a"], flags: 0)
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .nameError)
        #expect(result.proof?.closestEncloser == (try Name("x.w.example.")))
    }

    @Test func b1WithAnyOfTheThreeRecordsMissingIsBogus() throws {
        for names in [["x.w", "a"], ["example.", "a"], ["example.", "x.w"]] {
            let result = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: names, flags: 0)
            #expect(result.verdict.isBogus, "with \(names)")
        }
        let noWildcard = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: ["example.", "x.w"], flags: 0)
        #expect(noWildcard.verdict.extendedError?.code == .nsecMissing)
    }

    @Test func b2NoDataIsProvenByTheMatchingNSEC3() throws {
        let result = try RFC5155.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .noData)
        #expect(try RFC5155.prove(.noData(Name("ns1.example."), .a), with: ["ns1"]).verdict.isBogus)
    }

    @Test func b21NoDataAtAnEmptyNonTerminalIsProvenByItsOwnNSEC3() throws {
        let result = try RFC5155.prove(.noData(Name("y.w.example."), .a), with: ["y.w"])
        #expect(result.verdict == .secure)
        #expect(result.proof?.types?.types.isEmpty == true)
    }

    @Test func b3AReferralIntoAnOptOutSpanIsInsecure() throws {
        // mc.c.example.: example. matched, c.example. covered by a.example.'s NSEC3 with opt-out.
        let result = try RFC5155.prove(.unsignedDelegation(Name("c.example.")), with: ["example.", "a"])
        #expect(result.verdict.isInsecure)
        #expect(result.proof?.kind == .unsignedDelegation)
        #expect(result.proof?.closestEncloser == (try Name("example.")))
        let noDS = try RFC5155.prove(.noData(Name("c.example."), .ds), with: ["example.", "a"])
        #expect(noDS.verdict.isInsecure)
    }

    @Test func b3WithoutOptOutTheDelegationCannotExist() throws {
        #expect(try RFC5155.prove(.unsignedDelegation(Name("c.example.")), with: ["example.", "a"], flags: 0).verdict.isBogus)
        #expect(try RFC5155.prove(.noData(Name("c.example."), .ds), with: ["example.", "a"], flags: 0).verdict.isBogus)
    }

    @Test func theSignedDelegationsNSEC3ShowsItsDS() throws {
        #expect(try RFC5155.prove(.unsignedDelegation(Name("a.example.")), with: ["a"]).verdict.isBogus)
        #expect(try RFC5155.prove(.noData(Name("a.example."), .ds), with: ["a"]).verdict.isBogus)
    }

    @Test func anUnsignedDelegationWithItsOwnNSEC3IsProvenSecure() throws {
        let unsigned = RFC5155.text(["a"], flags: 0).replacing("NS DS RRSIG", with: "NS")
        let result = try Fixture.deny(.unsignedDelegation(Name("a.example.")), records: unsigned)
        #expect(result.verdict == .secure)
        #expect(result.proof?.kind == .unsignedDelegation)
    }

    @Test func b4AWildcardAnswerNeedsTheNextCloserCovered() throws {
        // a.z.w.example. MX from *.w.example.: z.w.example. is covered by ns2.example.'s NSEC3.
        let expansion = try #require(WildcardExpansion(owner: Name("a.z.w.example."), labels: 2))
        let published = try RFC5155.prove(.wildcardAnswer(expansion), with: ["ns2"])
        #expect(published.verdict.isInsecure)
        let strict = try RFC5155.prove(.wildcardAnswer(expansion), with: ["ns2"], flags: 0)
        #expect(strict.verdict == .secure)
        #expect(strict.proof?.kind == .wildcardAnswer)
        #expect(try RFC5155.prove(.wildcardAnswer(expansion), with: ["ai"], flags: 0).verdict.extendedError?.code == .nsecMissing)
    }

    @Test func b5WildcardNoDataNeedsClosestEncloserNextCloserAndWildcard() throws {
        // a.z.w.example. AAAA: w.example. matched, z.w.example. covered, *.w.example. matched without AAAA.
        let strict = try RFC5155.prove(.noData(Name("a.z.w.example."), .aaaa), with: ["w", "ns2", "*.w"], flags: 0)
        #expect(strict.verdict == .secure)
        #expect(strict.proof?.kind == .wildcardNoData)
        #expect(strict.proof?.closestEncloser == (try Name("w.example.")))
        let published = try RFC5155.prove(.noData(Name("a.z.w.example."), .aaaa), with: ["w", "ns2", "*.w"])
        #expect(published.verdict.isInsecure)
        #expect(try RFC5155.prove(.noData(Name("a.z.w.example."), .mx), with: ["w", "ns2", "*.w"], flags: 0).verdict.isBogus)
        #expect(try RFC5155.prove(.noData(Name("a.z.w.example."), .aaaa), with: ["w", "ns2"], flags: 0).verdict.isBogus)
    }

    @Test func theLastNSEC3WrapsAroundToTheFirstHash() throws {
        // xx.example.'s NSEC3 (t644… → 0p9m…) is the last of the chain: it covers hashes above t644… and below
        // 0p9m…. Find such a name and prove it absent for a wildcard answer with that record alone.
        let crypto = FakeCrypto()
        let last = "t644ebqk9bibcna874givr6joj62mlhv", first = "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"
        let candidates = try (0..<200).map { try Name("n\($0).example.") }
        let wrapped = try #require(candidates.first { name in
            let hash = crypto.nsec3Hash(of: name, algorithm: 1, salt: [0xAA, 0xBB, 0xCC, 0xDD], iterations: 12)
            let text = hash.map { Base32Hex.encode($0) } ?? first
            return text > last || text < first
        })
        let expansion = try #require(WildcardExpansion(owner: wrapped, labels: 1))
        #expect(try RFC5155.prove(.wildcardAnswer(expansion), with: ["xx"], flags: 0).verdict == .secure)
        #expect(try RFC5155.prove(.wildcardAnswer(expansion), with: ["ns2"], flags: 0).verdict.isBogus)
    }

    @Test func theDelegationsNSEC3CannotBeTheClosestEncloserForNamesBelowIt() throws {
        // RFC 5155 §8.3: a.example. is a delegation (NS, no SOA); x.a.example. is not the parent's to deny.
        let result = try RFC5155.prove(.nameError(Name("x.a.example.")), with: ["a", "example.", "x.w"], flags: 0)
        #expect(result.verdict.isBogus)
    }
}

@Suite("RFC 9276, RFC 5155 §8.1–§8.2, CVE-2023-50868: which NSEC3 records count, and the hash budget")
struct NSEC3LimitTests {
    @Test func iterationsAboveTheLimitMakeTheAnswerInsecureWithEDE27() throws {
        var budget = ValidationBudget()
        let result = try RFC5155.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"], iterations: 151, budget: &budget)
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.extendedError?.code == .unsupportedNSEC3Iterations)
        #expect(budget.nsec3Hashes == ValidationBudget().nsec3Hashes)
    }

    @Test func iterationsAtTheLimitAreAccepted() throws {
        // The chain was made with 12 iterations, so with 150 nothing matches: bogus, but evaluated.
        var budget = ValidationBudget()
        let result = try RFC5155.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"], iterations: 150, budget: &budget)
        #expect(result.verdict.isBogus)
        #expect(budget.nsec3Hashes < ValidationBudget().nsec3Hashes)
    }

    @Test func theIterationLimitIsConfigurable() throws {
        var budget = ValidationBudget()
        let strict = ValidationLimits(maxNSEC3Iterations: 10)
        let result = try RFC5155.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"], budget: &budget, limits: strict)
        #expect(result.verdict.isInsecure)
    }

    @Test func anUnknownHashAlgorithmIsIgnoredSoOnlySuchRecordsAreInsecure() throws {
        let result = try Fixture.deny(.noData(Name("ns1.example."), .mx), records: RFC5155.text(["ns1"], algorithm: 2))
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.reason?.kind == .unsupportedNSEC3Hash)
    }

    @Test func unknownFlagsMakeARecordUnusable() throws {
        var budget = ValidationBudget()
        let result = try RFC5155.prove(.noData(Name("ns1.example."), .mx), with: ["ns1"], flags: 2, budget: &budget)
        #expect(result.verdict.extendedError?.code == .nsecMissing)
    }

    @Test func recordsOfAnotherZoneAreIgnored() throws {
        let elsewhere = RFC5155.text(["ns1"]).replacing(".example.", with: ".other.")
        let result = try Fixture.deny(.noData(Name("ns1.example."), .mx), records: elsewhere)
        #expect(result.verdict.isBogus)
    }

    @Test func eachNameIsHashedOnceAndPaidFromTheBudget() throws {
        // B.1 hashes a.c.x.w.example., c.x.w.example., x.w.example. and *.x.w.example.: four, not five.
        var budget = ValidationBudget(nsec3Hashes: 10)
        _ = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: ["example.", "x.w", "a"], flags: 0, budget: &budget)
        #expect(budget.nsec3Hashes == 6)
    }

    @Test func anExhaustedHashBudgetIsBogusWithALimitReason() throws {
        var budget = ValidationBudget(nsec3Hashes: 2)
        let result = try RFC5155.prove(.nameError(Name("a.c.x.w.example.")), with: ["example.", "x.w", "a"], flags: 0,
                                       budget: &budget)
        #expect(result.verdict.reason?.kind == .limitExceeded)
        #expect(result.verdict.extendedError?.code == .other)
        #expect(budget.nsec3Hashes == 0)
    }

    @Test func aLongNameCannotBuyUnboundedHashing() throws {
        let deep = try Name((0..<60).map { "l\($0)" }.joined(separator: ".") + ".example.")
        var budget = ValidationBudget(nsec3Hashes: 16)
        let result = try RFC5155.prove(.nameError(deep), with: ["example.", "a"], flags: 0, budget: &budget)
        #expect(result.verdict.reason?.kind == .limitExceeded)
    }
}
