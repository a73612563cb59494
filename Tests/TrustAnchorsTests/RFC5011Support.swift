import DNSCache
import DNSCrypto
import DNSSEC
import DNSWire
import Foundation
import Testing
import TrustAnchors

/// The DNSKEY RRsets of `Fixtures/` (made by scripts/fixtures/rfc5011-vectors.sh with BIND): keys A and B
/// (KSKs), their revoked forms, the ZSK Z, and the sets a key roll goes through.
struct Vectors {
    /// 2030-01-01T00:00:00Z: inside the fixtures' validity window (2020-01-01 … 2040-01-01).
    static let t0: Int64 = 1_893_456_000
    static let day: Int64 = 86_400
    static let zone: Name = { () -> Name in
        guard let name = try? Name("anchor.test.") else { preconditionFailure("anchor.test. is a name") }
        return name
    }()

    let a: DNSKEY
    let b: DNSKEY
    let z: DNSKEY
    let aRevoked: DNSKEY
    let bRevoked: DNSKEY
    let aDS: DS

    init() throws {
        func key(_ file: String, flags: UInt16) throws -> DNSKEY {
            let keys = try Vectors.set(file).rrset.rdatas.compactMap { rdata -> DNSKEY? in
                if case let .dnskey(key) = rdata, key.flags == flags { return key }
                return nil
            }
            return try #require(keys.count == 1 ? keys.first : nil, "one DNSKEY with flags \(flags) in \(file)")
        }
        a = try key("a", flags: 257)
        z = try key("a", flags: 256)
        b = try key("b", flags: 257)
        aRevoked = try key("arevb-both", flags: 385)
        bRevoked = try key("abrev", flags: 385)
        let anchor = try ZoneFile.parse(try Vectors.text("anchor"), defaultTTL: 0)
        guard case let .ds(ds)? = anchor.first(where: { $0.type == .ds })?.rdata else {
            throw VectorError.missing("DS in anchor.zone")
        }
        aDS = ds
    }

    static func text(_ file: String) throws -> String {
        let directory = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        return try String(contentsOf: directory.appendingPathComponent("\(file).zone"), encoding: .utf8)
    }

    /// The signed DNSKEY RRset in `Fixtures/<file>.zone`.
    static func set(_ file: String) throws -> SignedRRSet {
        let records = try ZoneFile.parse(try text(file), fileName: file)
        guard let set = SignedRRSet.group(records).first(where: { $0.rrset.type == .dnskey }) else {
            throw VectorError.missing("DNSKEY RRset in \(file).zone")
        }
        return set
    }
}

enum VectorError: Error {
    case missing(String)
}

/// A managed anchor for anchor.test., real signatures checked by OpenSSL, and a manual clock.
struct Tracker {
    var anchor: ManagedAnchor
    var timers = HoldDowns()
    var now = Vectors.t0
    /// One per test: an `OpenSSLCrypto` is confined to one thread.
    let crypto = OpenSSLCrypto()

    init(trusting keys: [AnchorKey], timers: HoldDowns = HoldDowns()) {
        anchor = ManagedAnchor(initial: TrustAnchor(zone: Vectors.zone, keys: keys), now: Vectors.t0)
        self.timers = timers
    }

    /// Moves the clock to t0 + `days` and refreshes with the set in `Fixtures/<file>.zone`.
    @discardableResult
    mutating func fetch(_ file: String, atDay days: Int64) throws -> RefreshOutcome {
        now = Vectors.t0 + days * Vectors.day
        return anchor.refresh(with: try Vectors.set(file), crypto: crypto, limits: ValidationLimits(), timers: timers, now: now)
    }

    mutating func fetch(_ set: SignedRRSet, at time: Int64) -> RefreshOutcome {
        now = time
        return anchor.refresh(with: set, crypto: crypto, limits: ValidationLimits(), timers: timers, now: now)
    }

    /// The tracked entry for `key`, in either its revoked or its unrevoked form.
    func entry(_ key: DNSKEY) -> ManagedKey? {
        anchor.keys.first { $0.dnskey?.publicKey == key.publicKey }
    }

    func state(_ key: DNSKEY) -> ManagedKeyState? { entry(key)?.state }

    var trustedTags: [UInt16] { anchor.trustedAnchor.keys.map(\.keyTag).sorted() }
}
