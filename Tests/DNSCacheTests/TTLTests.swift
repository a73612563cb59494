import DNSCache
import DNSWire
import Testing

@Suite("TTLs count down with now, and are bounded when stored")
struct TTLTests {
    let www = Fixture.name("www.example.com.")

    @Test func lookupReturnsTheTTLThatRemainsAtNow() throws {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 1_000)
        let lookedUp = cache.lookup(name: www, type: .a, now: 1_100)
        let found = try #require(lookedUp)
        #expect(found.rrset.ttl == 200)
        #expect(found.rank == .authAnswer)
        #expect(found.status == .unchecked)
    }

    @Test func theLastSecondIsServedAndTheNextIsAMiss() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 1_000)
        let last = cache.lookup(name: www, type: .a, now: 1_299)
        let after = cache.lookup(name: www, type: .a, now: 1_300)
        #expect(last?.rrset.ttl == 1)
        #expect(after == nil)
    }

    @Test func anExpiredEntryIsRemovedWhenMet() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 1_000)
        #expect(cache.statistics.entries == 1)
        _ = cache.lookup(name: www, type: .a, now: 5_000)
        #expect(cache.statistics.entries == 0)
        #expect(cache.statistics.bytes == 0)
        #expect(cache.statistics.expired == 1)
    }

    @Test func aClockSteppingBackNeverRaisesTheTTLAboveWhatWasStored() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 1_000)
        let found = cache.lookup(name: www, type: .a, now: 400)
        #expect(found?.rrset.ttl == 300)
    }

    @Test func aTTLBelowCacheMinTTLIsRaisedToIt() {
        var cache = DNSCache(configuration: CacheConfiguration(minTTL: 60))
        cache.insert(Fixture.a("www.example.com.", ttl: 5), rank: .authAnswer, now: 0)
        let fresh = cache.lookup(name: www, type: .a, now: 0)
        let later = cache.lookup(name: www, type: .a, now: 59)
        #expect(fresh?.rrset.ttl == 60)
        #expect(later?.rrset.ttl == 1)
    }

    @Test func aTTLAboveCacheMaxTTLIsLoweredToIt() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com.", ttl: 604_800), rank: .authAnswer, now: 0)
        let fresh = cache.lookup(name: www, type: .a, now: 0)
        let dayLater = cache.lookup(name: www, type: .a, now: 86_400)
        #expect(fresh?.rrset.ttl == 86_400)
        #expect(dayLater == nil)
    }

    @Test func maxTTLWinsWhenItIsSetBelowMinTTL() {
        var cache = DNSCache(configuration: CacheConfiguration(minTTL: 600, maxTTL: 100))
        cache.insert(Fixture.a("www.example.com.", ttl: 5), rank: .authAnswer, now: 0)
        let found = cache.lookup(name: www, type: .a, now: 0)
        #expect(found?.rrset.ttl == 100)
    }

    @Test func dataWithTTLZeroIsNotCached() {
        var cache = DNSCache()
        let result = cache.insert(Fixture.a("www.example.com.", ttl: 0), rank: .authAnswer, now: 0)
        #expect(result == .notCached)
        #expect(cache.statistics.entries == 0)
    }

    @Test func signaturesAreServedWithTheRemainingTTLOfTheirRRSet() throws {
        var cache = DNSCache()
        let signature = Fixture.rrsig(covering: .a, signer: "example.com.")
        cache.insert(SignedRRSet(Fixture.a("www.example.com."), signatures: [signature]), rank: .authAnswer, now: 0)
        let lookedUp = cache.lookup(name: www, type: .a, now: 100)
        let found = try #require(lookedUp)
        #expect(found.signatures == [signature])
        let records = found.signed.records
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.ttl == 200 })
        #expect(records.last?.type == .rrsig)
    }
}

@Suite("The configuration's TTL rules, for callers that serve data they just stored")
struct ConfigurationTests {
    @Test func boundedTTLAppliesMinThenMax() {
        let configuration = CacheConfiguration(minTTL: 30, maxTTL: 600)
        #expect(configuration.boundedTTL(5) == 30)
        #expect(configuration.boundedTTL(300) == 300)
        #expect(configuration.boundedTTL(9_999) == 600)
    }

    @Test func negativeTTLIsTheLeastOfSOATTLMinimumAndTheCap() {
        let configuration = CacheConfiguration(maxNegativeTTL: 900)
        #expect(configuration.negativeTTL(soa: Fixture.soa("example.com.", ttl: 3_600, minimum: 300).rrset) == 300)
        #expect(configuration.negativeTTL(soa: Fixture.soa("example.com.", ttl: 60, minimum: 300).rrset) == 60)
        #expect(configuration.negativeTTL(soa: Fixture.soa("example.com.", ttl: 3_600, minimum: 3_600).rrset) == 900)
        #expect(configuration.negativeTTL(soa: Fixture.a("example.com.")) == nil)
    }
}
