import DNSCache
import DNSCrypto
import DNSSEC
import DNSWire
import Foundation
import Testing

/// The signed hierarchy of `Fixtures/chain` (made by scripts/fixtures/chain-vectors.sh with BIND), and an
/// authoritative side that answers the chain's DNSKEY and DS questions from it.
struct Hierarchy {
    /// 2030-01-01: inside the fixtures' validity window (2025-01-01 … 2045-01-01).
    static let now: Int64 = 1_893_456_000
    /// One per test: an `OpenSSLCrypto` is confined to one thread (its key cache is unsynchronised).
    let crypto = OpenSSLCrypto()

    /// Every signed RRset, by zone origin.
    var zones: [Name: [SignedRRSet]] = [:]
    var anchorDNSKEY: DNSKEY
    var anchorDS: DS

    init() throws {
        for (file, origin) in [("root", "."), ("test", "test."), ("example.test", "example.test."),
                               ("other.test", "other.test."), ("nokey.test", "nokey.test.")] {
            let records = try ZoneFile.parse(try Hierarchy.text(file), fileName: file)
            zones[try Name(origin)] = SignedRRSet.group(records)
        }
        let anchor = try ZoneFile.parse(try Hierarchy.text("anchor"), defaultTTL: 172_800)
        guard case let .dnskey(key)? = anchor.first(where: { $0.type == .dnskey })?.rdata,
              case let .ds(ds)? = anchor.first(where: { $0.type == .ds })?.rdata
        else { throw FixtureError.missing("anchor.zone") }
        anchorDNSKEY = key
        anchorDS = ds
    }

    static func text(_ file: String) throws -> String {
        let directory = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/chain")
        return try String(contentsOf: directory.appendingPathComponent("\(file).zone"), encoding: .utf8)
    }

    var dsAnchor: AnchorKeys { AnchorKeys(zone: .root, ds: [anchorDS]) }
    var keyAnchor: AnchorKeys { AnchorKeys(zone: .root, dnskeys: [anchorDNSKEY]) }

    /// The RRset `name`/`type` as zone `zone` serves it.
    func rrset(_ name: String, _ type: RRType, in zone: String) throws -> SignedRRSet {
        let owner = try Name(name)
        guard let set = zones[try Name(zone)]?.first(where: { $0.rrset.name == owner && $0.rrset.type == type }) else {
            throw FixtureError.missing("\(name) \(type) in \(zone)")
        }
        return set
    }

    /// The NSEC or NSEC3 RRsets of a zone: the whole chain, which any proof in the zone can draw on.
    func denialRecords(of zone: String) throws -> [SignedRRSet] {
        (zones[try Name(zone)] ?? []).filter { $0.rrset.type == .nsec || $0.rrset.type == .nsec3 }
    }

    /// What the parent of `name` answers for its DS: the DS, a proof of its absence at a delegation, or
    /// "not a cut".
    func dsLookup(_ name: Name) -> DSLookup {
        guard let parent = zones.keys.filter({ name.isStrictSubdomain(of: $0) }).max(by: { $0.labelCount < $1.labelCount }),
              let sets = zones[parent]
        else { return .notACut }
        if let ds = sets.first(where: { $0.rrset.name == name && $0.rrset.type == .ds }) { return .signed(ds) }
        guard sets.contains(where: { $0.rrset.name == name && $0.rrset.type == .ns }) else { return .notACut }
        let nsec = sets.filter { $0.rrset.type == .nsec && $0.rrset.name == name }
        return .denied(nsec.isEmpty ? sets.filter { $0.rrset.type == .nsec3 } : nsec)
    }

    func dnskey(_ zone: Name) -> SignedRRSet? {
        zones[zone]?.first { $0.rrset.name == zone && $0.rrset.type == .dnskey }
    }

    /// Run a chain to the end, answering from the hierarchy unless `dnskeys`/`ds` say otherwise.
    func run(_ question: Question, _ response: ChainResponse, anchor: AnchorKeys? = nil,
             budget: ValidationBudget = ValidationBudget(), maxLookups: Int = 48, now: Int64 = Hierarchy.now,
             dnskeys: [Name: (SignedRRSet?, SecurityStatus)] = [:], ds: [Name: DSLookup] = [:]) -> ChainRun {
        var chain = ChainOfTrust(question: question, response: response, anchor: anchor ?? dsAnchor,
                                 crypto: crypto, budget: budget, maxLookups: maxLookups, now: now)
        var steps: [ChainStep] = []
        var step = chain.start()
        for _ in 0..<100 {
            switch step {
            case let .needDNSKEY(zone):
                steps.append(step)
                let (set, status) = dnskeys[zone] ?? (dnskey(zone), .unchecked)
                step = chain.provide(dnskey: set, status: status, for: zone)
            case let .needDS(zone):
                steps.append(step)
                step = chain.provide(ds: ds[zone] ?? dsLookup(zone), for: zone)
            case let .done(result):
                return ChainRun(result: result, steps: steps)
            }
        }
        Issue.record("the chain did not finish")
        return ChainRun(result: ChainResult(verdict: .bogus(ValidationReason(.malformed, "loop")), rrsets: [], chain: [],
                                            extendedError: nil), steps: steps)
    }
}

struct ChainRun {
    var result: ChainResult
    var steps: [ChainStep]
    var code: ExtendedDNSErrorCode? { result.extendedError?.code }
}

enum FixtureError: Error {
    case missing(String)
}

func question(_ name: String, _ type: RRType) throws -> Question { Question(name: try Name(name), type: type) }

/// An unsigned RRset, as an insecure zone serves it.
func unsigned(_ name: String, _ type: RRType, _ rdata: RData) throws -> SignedRRSet {
    SignedRRSet(RRSet(name: try Name(name), type: type, ttl: 300, rdatas: [rdata]))
}
