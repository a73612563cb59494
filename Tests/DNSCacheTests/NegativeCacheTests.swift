import DNSCache
import DNSWire
import Testing

@Suite("Negative cache: RFC 2308 TTLs and the RFC 8020 NXDOMAIN cut")
struct NegativeCacheTests {
    let zone = "example.com."

    @Test func theNegativeTTLIsTheSOAMinimumWhenThatIsLower() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")),
                             soa: Fixture.soa(zone, ttl: 3_600, minimum: 300), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "nope.example.com.", .a, now: 10)
        #expect(denial?.ttl == 290)
        let denial2 = negative(&cache, "nope.example.com.", .a, now: 300)
        #expect(denial2 == nil)
    }

    @Test func theNegativeTTLIsTheSOATTLWhenThatIsLower() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")),
                             soa: Fixture.soa(zone, ttl: 120, minimum: 900), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "nope.example.com.", .a, now: 0)
        #expect(denial?.ttl == 120)
    }

    @Test func theNegativeTTLIsBoundedByCacheMaxNegativeTTL() {
        var cache = DNSCache()
        cache.insertNegative(.nodata(name: Fixture.name("www.example.com."), type: .aaaa),
                             soa: Fixture.soa(zone, ttl: 86_400, minimum: 86_400), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "www.example.com.", .aaaa, now: 0)
        #expect(denial?.ttl == 3_600)

        var tight = DNSCache(configuration: CacheConfiguration(maxNegativeTTL: 600))
        tight.insertNegative(.nodata(name: Fixture.name("www.example.com."), type: .aaaa),
                             soa: Fixture.soa(zone, ttl: 86_400, minimum: 86_400), rank: .authAuthority, now: 0)
        let denial2 = negative(&tight, "www.example.com.", .aaaa, now: 0)
        #expect(denial2?.ttl == 600)
    }

    @Test func cacheMinTTLDoesNotRaiseTheNegativeTTL() {
        var cache = DNSCache(configuration: CacheConfiguration(minTTL: 600))
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")),
                             soa: Fixture.soa(zone, minimum: 60), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "nope.example.com.", .a, now: 0)
        #expect(denial?.ttl == 60)
    }

    @Test func aNegativeAnswerWithoutAnSOAIsNotCached() {
        var cache = DNSCache()
        let notSOA = SignedRRSet(Fixture.a("example.com."))
        let result = cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: notSOA,
                                          rank: .authAuthority, now: 0)
        #expect(result == .notCached)
        #expect(cache.statistics.entries == 0)
    }

    @Test func noDataDeniesOnlyItsOwnType() {
        var cache = DNSCache()
        cache.insertNegative(.nodata(name: Fixture.name("www.example.com."), type: .aaaa),
                             soa: Fixture.soa(zone), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "www.example.com.", .aaaa, now: 0)
        #expect(denial?.isNXDOMAIN == false)
        let answer = cache.answer(name: Fixture.name("www.example.com."), type: .a, now: 0)
        #expect(answer == nil)
    }

    @Test func nxdomainDeniesEveryTypeAtTheName() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        for type in [RRType.a, .aaaa, .mx, .ds, .txt] {
            let denial = negative(&cache, "nope.example.com.", type, now: 0)
            #expect(denial?.isNXDOMAIN == true)
        }
    }

    @Test func nxdomainAlsoDeniesEveryNameBelowIt() throws {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        let lookedUp = negative(&cache, "a.b.Nope.example.com.", .a, now: 0)
        let found = try #require(lookedUp)
        #expect(found.isNXDOMAIN)
        #expect(found.key.name == Fixture.name("nope.example.com."))
    }

    @Test func nxdomainDeniesNeitherSiblingsNorAncestors() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        let answer = cache.answer(name: Fixture.name("other.example.com."), type: .a, now: 0)
        #expect(answer == nil)
        let answer2 = cache.answer(name: Fixture.name("example.com."), type: .a, now: 0)
        #expect(answer2 == nil)
        let answer3 = cache.answer(name: Fixture.name("xnope.example.com."), type: .a, now: 0)
        #expect(answer3 == nil)
    }

    @Test func theClosestDenyingAncestorAnswers() throws {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        cache.insertNegative(.nxdomain(name: Fixture.name("b.nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        let lookedUp = negative(&cache, "a.b.nope.example.com.", .a, now: 0)
        let found = try #require(lookedUp)
        #expect(found.key.name == Fixture.name("b.nope.example.com."))
    }

    @Test func withSecureOnlyCutAnUnvalidatedNXDOMAINDeniesOnlyItsOwnName() {
        var cache = DNSCache(configuration: CacheConfiguration(nxdomainCut: .secureOnly))
        let key = NegativeKey.nxdomain(name: Fixture.name("nope.example.com."))
        cache.insertNegative(key, soa: Fixture.soa(zone), rank: .authAuthority, now: 0)
        let denial = negative(&cache, "nope.example.com.", .a, now: 0)
        #expect(denial != nil)
        let denial2 = negative(&cache, "a.nope.example.com.", .a, now: 0)
        #expect(denial2 == nil)
        let updated = cache.updateStatus(.secure, ofNegative: key, now: 0)
        #expect(updated)
        let denial3 = negative(&cache, "a.nope.example.com.", .a, now: 0)
        #expect(denial3?.key == key)
    }

    @Test func withTheCutOffAnNXDOMAINDeniesOnlyItsOwnName() {
        var cache = DNSCache(configuration: CacheConfiguration(nxdomainCut: .off))
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, status: .secure, now: 0)
        let denial = negative(&cache, "nope.example.com.", .a, now: 0)
        #expect(denial != nil)
        let denial2 = negative(&cache, "a.nope.example.com.", .a, now: 0)
        #expect(denial2 == nil)
    }

    @Test func proofsAndTheSOAAreServedWithTheRemainingNegativeTTL() throws {
        var cache = DNSCache()
        let nsec = RRSet(name: Fixture.name("example.com."), type: .nsec, ttl: 3_600,
                         rdatas: [.nsec(NSEC(nextName: Fixture.name("www.example.com."), types: TypeBitmap([.ns, .soa])))])
        let proof = SignedRRSet(nsec, signatures: [Fixture.rrsig(covering: .nsec, signer: zone)])
        var soa = Fixture.soa(zone, minimum: 300)
        soa.signatures = [Fixture.rrsig(covering: .soa, signer: zone)]
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: soa, proofs: [proof],
                             rank: .authAuthority, now: 0)
        let lookedUp = negative(&cache, "nope.example.com.", .a, now: 100)
        let found = try #require(lookedUp)
        #expect(found.proofs.map(\.rrset.type) == [.nsec])
        #expect(found.proofs.first?.signatures.count == 1)
        #expect(found.authorityRecords.count == 4)
        #expect(found.authorityRecords.allSatisfy { $0.ttl == 200 })
    }

    @Test func authoritativeDataBelowAnNXDOMAINRemovesIt() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("new.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        cache.insert(Fixture.a("host.new.example.com."), rank: .authAnswer, now: 10)
        let answer = cache.answer(name: Fixture.name("new.example.com."), type: .txt, now: 10)
        #expect(answer == nil)
        #expect(cache.statistics.entries == 1)
    }

    @Test func glueBelowAnNXDOMAINDoesNotRemoveIt() {
        var cache = DNSCache()
        cache.insertNegative(.nxdomain(name: Fixture.name("nope.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 0)
        cache.insert(Fixture.a("ns.nope.example.com."), rank: .additional, now: 10)
        let denial = negative(&cache, "ns.nope.example.com.", .a, now: 10)
        #expect(denial?.isNXDOMAIN == true)
        #expect(cache.statistics.entries == 2)
    }

    @Test func aNewerNXDOMAINOutweighsAnOlderAnswerOfEqualRank() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 0)
        cache.insertNegative(.nxdomain(name: Fixture.name("www.example.com.")), soa: Fixture.soa(zone),
                             rank: .authAnswer, now: 5)
        let denial = negative(&cache, "www.example.com.", .a, now: 6)
        #expect(denial?.isNXDOMAIN == true)
    }

    @Test func anOlderAnswerOutweighsANewerLowerRankedNXDOMAIN() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 0)
        cache.insertNegative(.nxdomain(name: Fixture.name("example.com.")), soa: Fixture.soa(zone),
                             rank: .authAuthority, now: 5)
        guard case let .rrset(found)? = cache.answer(name: Fixture.name("www.example.com."), type: .a, now: 6) else {
            Issue.record("expected the cached A RRset")
            return
        }
        #expect(found.rrset.type == .a)
    }

    @Test func noDataDisplacesTheRRSetOfItsKey() {
        var cache = DNSCache()
        cache.insert(Fixture.aaaa("www.example.com."), rank: .authAnswer, now: 0)
        cache.insertNegative(.nodata(name: Fixture.name("www.example.com."), type: .aaaa), soa: Fixture.soa(zone),
                             rank: .authAnswer, now: 5)
        let found = cache.lookup(name: Fixture.name("www.example.com."), type: .aaaa, now: 5)
        #expect(found == nil)
        let denial = negative(&cache, "www.example.com.", .aaaa, now: 5)
        #expect(denial != nil)
    }

    @Test func aCNAMEAnswersForAnyTypeAtItsName() {
        var cache = DNSCache()
        let alias = RRSet(name: Fixture.name("www.example.com."), type: .cname, ttl: 300,
                          rdatas: [.cname(Fixture.name("web.example.net."))])
        cache.insert(alias, rank: .authAnswer, now: 0)
        guard case let .rrset(found)? = cache.answer(name: Fixture.name("www.example.com."), type: .aaaa, now: 0) else {
            Issue.record("expected the CNAME")
            return
        }
        #expect(found.rrset.type == .cname)
    }

    /// The negative answer for a question, or nil when the cache has none (or has a positive one).
    private func negative(_ cache: inout DNSCache, _ name: String, _ type: RRType, now: Int64) -> NegativeAnswer? {
        guard case let .negative(answer)? = cache.answer(name: Fixture.name(name), type: type, now: now) else { return nil }
        return answer
    }
}
