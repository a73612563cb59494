import DNSCache
import DNSSEC
import DNSWire

/// A `DNSSECCrypto` without real cryptography, so the validator's logic is tested apart from OpenSSL.
///
/// A "signature" is SHA-1(public key ‖ signed data): it verifies only over exactly the data the validator
/// rebuilds and only with the key it was made for. SHA-1 DS digests are real; SHA-256 and SHA-384 ones are
/// SHA-1 stretched to their length (the matcher only compares octets). NSEC3 hashes are the real RFC 5155 §5
/// ones, checked against Appendix A.
struct FakeCrypto: DNSSECCrypto {
    var algorithms: Set<DNSSECAlgorithm> = [.rsaSHA256, .ecdsaP256SHA256, .ed25519]
    var digests: Set<DigestType> = [.sha1, .sha256, .sha384]

    func supports(_ algorithm: DNSSECAlgorithm) -> Bool { algorithms.contains(algorithm) }
    func supports(_ digest: DigestType) -> Bool { digests.contains(digest) }

    func verify(algorithm: DNSSECAlgorithm, publicKey: [UInt8], signature: [UInt8], data: [UInt8]) -> SignatureVerdict {
        guard algorithms.contains(algorithm) else { return .unsupportedAlgorithm }
        return signature == FakeCrypto.signature(publicKey: publicKey, data: data) ? .valid : .invalid
    }

    func digest(_ type: DigestType, of data: [UInt8]) -> [UInt8]? {
        guard digests.contains(type), let length = type.digestLength else { return nil }
        if type == .sha1 { return SHA1.hash(data) }
        var out = SHA1.hash(data + [type.rawValue])
        while out.count < length { out += SHA1.hash(out) }
        return Array(out.prefix(length))
    }

    func nsec3Hash(of name: Name, algorithm: UInt8, salt: [UInt8], iterations: UInt16) -> [UInt8]? {
        guard algorithm == 1 else { return nil }
        var value = SHA1.hash(name.lowercased().wire + salt)
        for _ in 0..<iterations { value = SHA1.hash(value + salt) }
        return value
    }

    static func signature(publicKey: [UInt8], data: [UInt8]) -> [UInt8] {
        SHA1.hash(publicKey + data)
    }
}

/// Keys, signatures and zone text for the tests. Times are around `Fixture.now`.
enum Fixture {
    /// 2023-11-14 22:13:20 UTC.
    static let now: Int64 = 1_700_000_000
    static let day: UInt32 = 86_400
    static let inception = UInt32(now) - day
    static let expiration = UInt32(now) + 30 * day

    static func name(_ text: String) throws -> Name { try Name(text) }

    /// A zone key (flags 256) whose public key bytes derive from `seed`.
    static func key(_ seed: UInt8, algorithm: DNSSECAlgorithm = .ecdsaP256SHA256, flags: UInt16 = 256) -> DNSKEY {
        DNSKEY(flags: flags, algorithm: algorithm, publicKey: (0..<32).map { seed &+ UInt8($0) })
    }

    /// `count` distinct keys that share one key tag: the even-position octets are rearranged, which leaves the
    /// RFC 4034 Appendix B checksum unchanged.
    static func collidingKeys(_ count: Int) -> [DNSKEY] {
        (0..<count).map { index in
            let first = UInt8(index)
            let third = UInt8(200 - index)
            return DNSKEY(flags: 256, algorithm: .ecdsaP256SHA256, publicKey: [first, 7, third, 9] + Array(repeating: 42, count: 28))
        }
    }

    /// An RRSIG over `rrset` by `key` for `signer` that the fake crypto accepts (unless `valid` is false).
    static func sign(_ rrset: RRSet, with key: DNSKEY, signer: Name, inception: UInt32 = inception,
                     expiration: UInt32 = expiration, labels: UInt8? = nil, originalTTL: UInt32? = nil,
                     valid: Bool = true) throws -> RRSIG {
        var rrsig = RRSIG(typeCovered: rrset.type, algorithm: key.algorithm,
                          labels: labels ?? UInt8(rrset.name.rrsigLabelCount), originalTTL: originalTTL ?? rrset.ttl,
                          expiration: expiration, inception: inception, keyTag: key.keyTag, signerName: signer,
                          signature: [])
        let signature = FakeCrypto.signature(publicKey: key.publicKey, data: try Canonical.signedData(rrsig: rrsig, rrset: rrset))
        rrsig.signature = valid ? signature : signature.map { $0 ^ 0xFF }
        return rrsig
    }

    /// The RRsets of zone-file text (relative names are below `origin`).
    static func rrsets(_ text: String, origin: String = "example.") throws -> [RRSet] {
        RRSet.group(try ZoneFile.parse(text, origin: try Name(origin), defaultTTL: 3600))
    }

    /// The one RRset of `text`.
    static func rrset(_ text: String, origin: String = "example.") throws -> RRSet {
        let sets = try rrsets(text, origin: origin)
        guard sets.count == 1, let only = sets.first else { throw FixtureError.notOneRRSet(sets.count) }
        return only
    }

    /// `DenialValidator` with the fake crypto and a fresh budget, over the records of `text` as data of `zone`.
    static func deny(_ claim: DenialClaim, zone: String = "example.", records text: String) throws -> DenialResult {
        var budget = ValidationBudget()
        return DenialValidator(crypto: FakeCrypto()).prove(claim, zone: try Name(zone), records: try rrsets(text), budget: &budget)
    }

    enum FixtureError: Error { case notOneRRSet(Int) }
}
