import DNSCache
import DNSWire
import Testing

@Suite("Security status per entry, and DNSKEY/DS for the validator")
struct SecurityStatusTests {
    let zone = Fixture.name("example.com.")

    @Test func aStatusUpdateIsSeenByLaterLookups() {
        var cache = DNSCache()
        let rrset = Fixture.a("www.example.com.")
        cache.insert(rrset, rank: .authAnswer, now: 0)
        let updated = cache.updateStatus(.secure, of: rrset, now: 10)
        #expect(updated)
        let found = cache.lookup(Fixture.key(rrset), now: 10)
        #expect(found?.status == .secure)
    }

    @Test func aStatusUpdateIsRefusedWhenTheCachedDataHasChanged() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com.", 2), rank: .authAnswer, now: 0)
        let updated = cache.updateStatus(.secure, of: Fixture.a("www.example.com.", 1), now: 10)
        #expect(!updated)
        let found = cache.lookup(name: Fixture.name("www.example.com."), type: .a, now: 10)
        #expect(found?.status == .unchecked)
    }

    @Test func aStatusUpdateOfAnAbsentRRSetDoesNothing() {
        var cache = DNSCache()
        let updated = cache.updateStatus(.secure, of: Fixture.a("www.example.com."), now: 0)
        #expect(!updated)
        #expect(cache.statistics.entries == 0)
    }

    @Test func markingDataBogusShortensItsLifeToTheBogusTTL() {
        var cache = DNSCache()
        let rrset = Fixture.a("www.example.com.", ttl: 3_600)
        cache.insert(rrset, rank: .authAnswer, now: 100)
        cache.updateStatus(.bogus, of: rrset, now: 200)
        let found = cache.lookup(Fixture.key(rrset), now: 200)
        #expect(found?.rrset.ttl == 60)
        let found2 = cache.lookup(Fixture.key(rrset), now: 260)
        #expect(found2 == nil)
    }

    @Test func bogusDataIsStoredForAtMostTheConfiguredBogusTTL() {
        var cache = DNSCache(configuration: CacheConfiguration(bogusTTL: 30))
        let rrset = Fixture.a("www.example.com.", ttl: 3_600)
        cache.insert(rrset, rank: .authAnswer, status: .bogus, now: 0)
        let found = cache.lookup(Fixture.key(rrset), now: 0)
        #expect(found?.rrset.ttl == 30)
        let found2 = cache.lookup(Fixture.key(rrset), now: 30)
        #expect(found2 == nil)
    }

    @Test func aNegativeAnswerCarriesItsUpdatedStatus() {
        var cache = DNSCache()
        let key = NegativeKey.nodata(name: Fixture.name("www.example.com."), type: .aaaa)
        cache.insertNegative(key, soa: Fixture.soa("example.com.", ttl: 3_600, minimum: 3_600), rank: .authAuthority, now: 0)
        let updated = cache.updateStatus(.bogus, ofNegative: key, now: 0)
        #expect(updated)
        guard case let .negative(found)? = cache.answer(name: key.name, type: .aaaa, now: 0) else {
            Issue.record("expected the NODATA")
            return
        }
        #expect(found.status == .bogus)
        #expect(found.ttl == 60)
    }

    @Test func dnskeyAndDSAreFoundByZoneAndTypeWithTheirStatusAndSignatures() throws {
        var cache = DNSCache()
        let key = DNSKEY(flags: 257, algorithm: .ecdsaP256SHA256, publicKey: Array(repeating: 7, count: 64))
        let dnskey = RRSet(name: zone, type: .dnskey, ttl: 3_600, rdatas: [.dnskey(key)])
        let ds = RRSet(name: zone, type: .ds, ttl: 86_400,
                       rdatas: [.ds(DS(keyTag: key.keyTag, algorithm: .ecdsaP256SHA256, digestType: .sha256,
                                       digest: Array(repeating: 9, count: 32)))])
        cache.insert(SignedRRSet(dnskey, signatures: [Fixture.rrsig(covering: .dnskey, signer: "example.com.")]),
                     rank: .authAnswer, now: 0)
        cache.insert(SignedRRSet(ds, signatures: [Fixture.rrsig(covering: .ds, signer: "com.")]),
                     rank: .authAnswer, status: .secure, now: 0)
        cache.insert(Fixture.ns("example.com.", ["ns1.example.com."]), rank: .nonAuthAuthority, now: 0)
        let updated = cache.updateStatus(.secure, of: dnskey, now: 1)
        #expect(updated)

        let keyLookup = cache.lookup(name: Fixture.name("EXAMPLE.com."), type: .dnskey, now: 1)
        let foundKey = try #require(keyLookup)
        #expect(foundKey.status == .secure)
        #expect(foundKey.rrset.rdatas == [.dnskey(key)])
        #expect(foundKey.signatures.first?.typeCovered == .dnskey)
        let dsLookup = cache.lookup(name: zone, type: .ds, now: 1)
        let foundDS = try #require(dsLookup)
        #expect(foundDS.status == .secure)
        #expect(foundDS.signatures.first?.signerName == Fixture.name("com."))
        let found = cache.lookup(name: zone, type: .ns, now: 1)
        #expect(found?.status == .unchecked)
    }
}
