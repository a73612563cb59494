@testable import DNSCache
import DNSWire
import Testing

@Suite("Byte cap with least-recently-used eviction, and statistics")
struct LRUTests {
    /// The size of one A entry for a name like `hN.example.com.` with one address.
    func entrySize() -> Int {
        var probe = DNSCache()
        probe.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 0)
        return probe.statistics.bytes
    }

    @Test func anEntrysSizeIsItsWireSizePlusTheFixedOverhead() {
        // Owner (16) + type, class, TTL, RDLENGTH (10) + RDATA (4).
        #expect(entrySize() == DNSCache.entryOverhead + 16 + 10 + 4)
    }

    @Test func theRecentlyUsedEntrySurvivesWhenTheLeastRecentlyUsedIsEvicted() {
        var cache = DNSCache(configuration: CacheConfiguration(maxBytes: 3 * entrySize()))
        for host in ["h1", "h2", "h3"] { cache.insert(Fixture.a("\(host).example.com."), rank: .authAnswer, now: 0) }
        let found = cache.lookup(name: Fixture.name("h1.example.com."), type: .a, now: 1)
        #expect(found != nil)
        cache.insert(Fixture.a("h4.example.com."), rank: .authAnswer, now: 2)

        #expect(cache.statistics.evictions == 1)
        let found2 = cache.lookup(name: Fixture.name("h2.example.com."), type: .a, now: 3)
        #expect(found2 == nil)
        for host in ["h1", "h3", "h4"] {
            let found3 = cache.lookup(name: Fixture.name("\(host).example.com."), type: .a, now: 3)
            #expect(found3 != nil)
        }
    }

    @Test func negativeEntriesShareTheBudgetWithRRSets() {
        var cache = DNSCache(configuration: CacheConfiguration(maxBytes: 2 * entrySize() + 200))
        cache.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 0)
        cache.insertNegative(.nxdomain(name: Fixture.name("n1.example.com.")), soa: Fixture.soa("example.com."),
                             rank: .authAuthority, now: 0)
        cache.insertNegative(.nxdomain(name: Fixture.name("n2.example.com.")), soa: Fixture.soa("example.com."),
                             rank: .authAuthority, now: 0)
        #expect(cache.statistics.evictions >= 1)
        let found = cache.lookup(name: Fixture.name("h1.example.com."), type: .a, now: 0)
        #expect(found == nil)
        #expect(cache.statistics.bytes <= cache.configuration.maxBytes)
    }

    @Test func anEntryLargerThanTheWholeCacheIsNotCached() {
        var cache = DNSCache(configuration: CacheConfiguration(maxBytes: entrySize() - 1))
        let result = cache.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 0)
        #expect(result == .notCached)
        #expect(cache.statistics.entries == 0)
        #expect(cache.statistics.bytes == 0)
    }

    @Test func replacingAnEntryCountsOnlyTheNewSize() {
        var cache = DNSCache()
        cache.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 0)
        let one = cache.statistics.bytes
        var two = Fixture.a("h1.example.com.")
        two.rdatas.append(.a(IPv4Address(192, 0, 2, 99)))
        cache.insert(two, rank: .authAnswer, now: 1)
        #expect(cache.statistics.bytes == one + 16 + 10 + 4)
        cache.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 2)
        #expect(cache.statistics.bytes == one)
        #expect(cache.statistics.entries == 1)
    }

    @Test func statisticsCountHitsMissesEntriesAndBytes() {
        var cache = DNSCache()
        cache.insert(Fixture.a("h1.example.com."), rank: .authAnswer, now: 0)
        cache.insert(Fixture.a("h2.example.com."), rank: .authAnswer, now: 0)
        _ = cache.lookup(name: Fixture.name("h1.example.com."), type: .a, now: 1)
        _ = cache.lookup(name: Fixture.name("h1.example.com."), type: .aaaa, now: 1)
        _ = cache.answer(name: Fixture.name("h2.example.com."), type: .a, now: 1)
        _ = cache.answer(name: Fixture.name("h9.example.com."), type: .a, now: 1)
        let statistics = cache.statistics
        #expect(statistics.entries == 2)
        #expect(statistics.bytes == 2 * entrySize())
        #expect(statistics.hits == 2)
        #expect(statistics.misses == 2)
        #expect(statistics.evictions == 0)
        cache.removeAll()
        #expect(cache.statistics.entries == 0)
        #expect(cache.statistics.bytes == 0)
        #expect(cache.statistics.hits == 2)
    }

    @Test func bytesNeverExceedTheCapUnderARandomWorkload() {
        let cap = 20 * entrySize()
        var cache = DNSCache(configuration: CacheConfiguration(maxBytes: cap))
        var random = SeededGenerator(seed: 0x5EED)
        var now: Int64 = 1_700_000_000
        for _ in 0..<5_000 {
            let host = Fixture.name("h\(Int.random(in: 0..<60, using: &random)).example.com.")
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let count = Int.random(in: 1...4, using: &random)
                let rrset = RRSet(name: host, type: .a, ttl: UInt32.random(in: 0...600, using: &random),
                                  rdatas: (0..<count).map { .a(IPv4Address(10, 0, 0, UInt8($0))) })
                let rank = TrustRank.allCases.randomElement(using: &random) ?? .additional
                cache.insert(rrset, rank: rank, now: now)
            case 4:
                cache.insertNegative(.nxdomain(name: host), soa: Fixture.soa("example.com.", minimum: 120),
                                     rank: .authAuthority, now: now)
            case 5:
                cache.insertNegative(.nodata(name: host, type: .aaaa), soa: Fixture.soa("example.com.", minimum: 120),
                                     rank: .authAuthority, now: now)
            case 6:
                now += Int64.random(in: 0...30, using: &random)
            default:
                _ = cache.answer(name: host, type: .a, minimumRank: .additional, now: now)
            }
            #expect(cache.statistics.bytes <= cap)
            #expect(cache.store.keysByRecency.count == cache.store.count)
        }
        #expect(cache.statistics.evictions > 0)
        #expect(cache.statistics.hits > 0)
        #expect(cache.statistics.expired > 0)
    }
}
