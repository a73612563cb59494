import DNSCache
import DNSWire
import Testing

@Suite("RFC 2181 §5.4.1 trust ranking and the secure/bogus rules")
struct TrustRankTests {
    let owner = Fixture.name("ns1.example.com.")

    @Test func ranksFollowRFC2181FromAdditionalDataUpToAuthoritativeAnswers() {
        #expect(TrustRank.allCases.sorted() == [.additional, .nonAuthAuthority, .nonAuthAnswer, .authAuthority, .authAnswer])
    }

    @Test func glueDoesNotReplaceAnAuthoritativeAnswer() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 66), rank: .additional, now: 10)
        #expect(result == .keptExisting)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.rrset.rdatas == [.a(IPv4Address(192, 0, 2, 1))])
        #expect(cache.statistics.rejectedByRank == 1)
    }

    @Test func anAuthoritativeAnswerReplacesGlue() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 66), rank: .additional, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, now: 10)
        #expect(result == .stored)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.rrset.rdatas == [.a(IPv4Address(192, 0, 2, 1))])
        #expect(found?.rank == .authAnswer)
    }

    @Test func equalRankReplacesWithTheNewerData() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 2), rank: .authAnswer, now: 10)
        #expect(result == .stored)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.rrset.rdatas == [.a(IPv4Address(192, 0, 2, 2))])
    }

    @Test func anExpiredHigherRankedRRSetIsReplacedByLowerRankedData() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1, ttl: 60), rank: .authAnswer, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 66), rank: .additional, now: 60)
        #expect(result == .stored)
        let found = cache.lookup(name: owner, type: .a, now: 60)
        #expect(found?.rank == .additional)
    }

    @Test func secureDataIsKeptAgainstAnUnvalidatedNewcomerOfAnyRank() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .nonAuthAnswer, status: .secure, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 66), rank: .authAnswer, now: 10)
        #expect(result == .keptExisting)
        let result2 = cache.insert(Fixture.a("ns1.example.com.", 66), rank: .authAnswer, status: .insecure, now: 10)
        #expect(result2 == .keptExisting)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.status == .secure)
    }

    @Test func secureDataIsReplacedByNewerSecureData() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, status: .secure, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 2), rank: .authAnswer, status: .secure, now: 10)
        #expect(result == .stored)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.rrset.rdatas == [.a(IPv4Address(192, 0, 2, 2))])
    }

    @Test func secureDataIsReplacedOnceItHasExpired() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1, ttl: 60), rank: .authAnswer, status: .secure, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 2), rank: .additional, now: 61)
        #expect(result == .stored)
    }

    @Test func aSecureNewcomerReplacesHigherRankedUnvalidatedData() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 2), rank: .nonAuthAnswer, status: .secure, now: 10)
        #expect(result == .stored)
    }

    @Test func theSameRDATAFetchedAgainDoesNotLaunderABogusVerdict() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, status: .bogus, now: 0)
        let result = cache.insert(Fixture.a("ns1.example.com.", 1), rank: .authAnswer, now: 10)
        #expect(result == .keptExisting)
        let found = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found?.status == .bogus)
        let result2 = cache.insert(Fixture.a("ns1.example.com.", 2), rank: .nonAuthAnswer, now: 10)
        #expect(result2 == .stored)
        let found2 = cache.lookup(name: owner, type: .a, now: 10)
        #expect(found2?.status == .unchecked)
    }

    @Test func anNSRRSetReplacedAtTheSameRankKeepsItsOldExpiry() {
        var cache = DNSCache()
        let zone = Fixture.name("example.com.")
        cache.insert(Fixture.ns("example.com.", ["ns1.example.com."]), rank: .authAuthority, now: 0)
        cache.insert(Fixture.ns("example.com.", ["ns2.example.com."]), rank: .authAuthority, now: 3_000)
        let found = cache.lookup(name: zone, type: .ns, now: 3_000)
        #expect(found?.rrset.rdatas == [.ns(Fixture.name("ns2.example.com."))])
        #expect(found?.rrset.ttl == 600)
        let expired = cache.lookup(name: zone, type: .ns, now: 3_600)
        #expect(expired == nil)
    }

    @Test func anNSRRSetFromAHigherRankGetsItsFullTTL() {
        var cache = DNSCache()
        let zone = Fixture.name("example.com.")
        cache.insert(Fixture.ns("example.com.", ["ns1.example.com."], ttl: 3_600), rank: .nonAuthAuthority, now: 0)
        cache.insert(Fixture.ns("example.com.", ["ns1.example.com."], ttl: 3_600), rank: .authAuthority, now: 3_000)
        let found = cache.lookup(name: zone, type: .ns, now: 3_000)
        #expect(found?.rrset.ttl == 3_600)
    }

    @Test func glueIsNotAnAnswerUnlessTheCallerAllowsIt() {
        var cache = DNSCache()
        cache.insert(Fixture.a("ns1.example.com."), rank: .additional, now: 0)
        let answer = cache.answer(name: owner, type: .a, now: 0)
        #expect(answer == nil)
        let answer2 = cache.answer(name: owner, type: .a, minimumRank: .additional, now: 0)
        #expect(answer2 != nil)
    }
}
