import DNSCache
import DNSWire

// Swift Testing's #expect and #require cannot call mutating methods, so the tests take every lookup,
// insertion and status update into a local first and check the local.

/// Builders and a seeded generator shared by the cache tests.
enum Fixture {
    static func name(_ text: String) -> Name {
        // Test names are literals; a typo should fail loudly, but without a force-unwrap.
        (try? Name(text)) ?? .root
    }

    static func key(_ rrset: RRSet) -> RRSetKey {
        RRSetKey(name: rrset.name, type: rrset.type, rrClass: rrset.rrClass)
    }

    static func a(_ owner: String, _ last: UInt8 = 1, ttl: UInt32 = 300) -> RRSet {
        RRSet(name: name(owner), type: .a, ttl: ttl, rdatas: [.a(IPv4Address(192, 0, 2, last))])
    }

    static func aaaa(_ owner: String, ttl: UInt32 = 300) -> RRSet {
        let address = IPv6Address(octets: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
        return RRSet(name: name(owner), type: .aaaa, ttl: ttl, rdatas: address.map { [.aaaa($0)] } ?? [])
    }

    static func ns(_ owner: String, _ targets: [String], ttl: UInt32 = 3600) -> RRSet {
        RRSet(name: name(owner), type: .ns, ttl: ttl, rdatas: targets.map { .ns(name($0)) })
    }

    static func soa(_ zone: String, ttl: UInt32 = 3600, minimum: UInt32 = 300) -> SignedRRSet {
        let fields = SOA(mname: name("ns1." + zone), rname: name("hostmaster." + zone), serial: 2024010101,
                         refresh: 7200, retry: 3600, expire: 1_209_600, minimum: minimum)
        return SignedRRSet(RRSet(name: name(zone), type: .soa, ttl: ttl, rdatas: [.soa(fields)]))
    }

    static func rrsig(covering type: RRType, signer: String) -> RRSIG {
        RRSIG(typeCovered: type, algorithm: .ecdsaP256SHA256, labels: 2, originalTTL: 3600, expiration: 1_900_000_000,
              inception: 1_700_000_000, keyTag: 12345, signerName: name(signer), signature: Array(repeating: 0xAB, count: 64))
    }
}

/// SplitMix64: a small deterministic generator, so a random workload is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
