import DNSCache
import DNSWire
import Testing

@Suite("What the iterator asks: the closest delegation, name server addresses, keys that ignore case")
struct DelegationTests {
    func populated() -> DNSCache {
        var cache = DNSCache()
        cache.insert(Fixture.ns(".", ["a.root-servers.net."], ttl: 518_400), rank: .authAnswer, now: 0)
        cache.insert(Fixture.ns("com.", ["a.gtld-servers.net."], ttl: 172_800), rank: .nonAuthAuthority, now: 0)
        cache.insert(Fixture.ns("example.com.", ["ns1.example.com."], ttl: 600), rank: .nonAuthAuthority, now: 0)
        return cache
    }

    @Test func theClosestDelegationIsTheDeepestCachedNSAboveTheName() throws {
        var cache = populated()
        let lookedUp = cache.closestDelegation(for: Fixture.name("www.sub.example.com."), now: 10)
        let found = try #require(lookedUp)
        #expect(found.zone == Fixture.name("example.com."))
        #expect(found.ns.rrset.rdatas == [.ns(Fixture.name("ns1.example.com."))])
        #expect(found.ns.rank == .nonAuthAuthority)
        let delegation = cache.closestDelegation(for: Fixture.name("www.example.org."), now: 10)
        #expect(delegation?.zone == .root)
    }

    @Test func theClosestDelegationIncludesTheNameItself() {
        var cache = populated()
        let delegation = cache.closestDelegation(for: Fixture.name("example.com."), now: 10)
        #expect(delegation?.zone == Fixture.name("example.com."))
    }

    @Test func anExpiredNSRRSetIsSkippedForTheNextOneUp() {
        var cache = populated()
        let delegation = cache.closestDelegation(for: Fixture.name("www.example.com."), now: 600)
        #expect(delegation?.zone == Fixture.name("com."))
    }

    @Test func thereIsNoDelegationWhenNoNSIsCached() {
        var cache = DNSCache()
        cache.insert(Fixture.a("www.example.com."), rank: .authAnswer, now: 0)
        let delegation = cache.closestDelegation(for: Fixture.name("www.example.com."), now: 0)
        #expect(delegation == nil)
    }

    @Test func addressesGiveBothFamiliesOfAName() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 53), rank: .additional, now: 0)
        cache.insert(Fixture.aaaa("ns1.example.com."), rank: .additional, now: 0)
        let found = cache.addresses(for: Fixture.name("ns1.example.com."), now: 1)
        #expect(found.ipv4 == [IPv4Address(192, 0, 2, 53)])
        #expect(found.ipv6.map(\.description) == ["2001:db8::1"])
        #expect(found.a?.rrset.ttl == 299)
        let addresses = cache.addresses(for: Fixture.name("ns2.example.com."), now: 1)
        #expect(addresses.isEmpty)
    }

    @Test func keysIgnoreCaseAndServedDataKeepsItsOwnCase() throws {
        var cache = DNSCache()
        cache.insert(Fixture.a("WWW.Example.COM."), rank: .authAnswer, now: 0)
        let lookedUp = cache.lookup(name: Fixture.name("www.example.com."), type: .a, now: 0)
        let found = try #require(lookedUp)
        #expect(found.rrset.name.isIdentical(to: Fixture.name("WWW.Example.COM.")))
        let result = cache.insert(Fixture.a("www.EXAMPLE.com.", 9), rank: .authAnswer, now: 1)
        #expect(result == .stored)
        #expect(cache.statistics.entries == 1)
    }

    @Test func keysSeparateClassesAndTypes() {
        var cache = DNSCache()
        var chaos = Fixture.ns("example.com.", ["ns1.example.com."])
        chaos.rrClass = .ch
        cache.insert(chaos, rank: .authAnswer, now: 0)
        let found = cache.lookup(name: Fixture.name("example.com."), type: .ns, now: 0)
        #expect(found == nil)
        let found2 = cache.lookup(name: Fixture.name("example.com."), type: .ns, rrClass: .ch, now: 0)
        #expect(found2 != nil)
        let delegation = cache.closestDelegation(for: Fixture.name("example.com."), now: 0)
        #expect(delegation == nil)
    }

    @Test func groupingAttachesEachRRSIGToTheRRSetItCovers() {
        let owner = Fixture.name("www.example.com.")
        let records = [
            Record(name: owner, ttl: 300, rdata: .a(IPv4Address(192, 0, 2, 1))),
            Record(name: owner, ttl: 300, rdata: .rrsig(Fixture.rrsig(covering: .a, signer: "example.com."))),
            Record(name: owner, ttl: 300, rdata: .rrsig(Fixture.rrsig(covering: .txt, signer: "example.com."))),
            Record(name: owner, ttl: 300, rdata: .a(IPv4Address(192, 0, 2, 2))),
        ]
        let sets = SignedRRSet.group(records)
        #expect(sets.count == 1)
        #expect(sets.first?.rrset.rdatas.count == 2)
        #expect(sets.first?.signatures.map(\.typeCovered) == [.a])
    }
}
