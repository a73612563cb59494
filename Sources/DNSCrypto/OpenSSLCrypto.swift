internal import COpenSSL
import DNSSEC
import DNSWire

/// The validator's cryptography (`DNSSECCrypto`) on OpenSSL 3: DNSKEY keys, RRSIG checks, DS digests and
/// NSEC3 hashes. Bytes in, verdict out; no input traps.
///
/// Verifies RSASHA1 (5), RSASHA1-NSEC3-SHA1 (7), RSASHA256 (8), RSASHA512 (10), ECDSAP256SHA256 (13),
/// ECDSAP384SHA384 (14), ED25519 (15) and ED448 (16): what RFC 8624 §3.1 says a validator must or should
/// verify, less the ones it says not to (RSAMD5, DSA, ECC-GOST). RSA keys under 1024 or over 4096 bits are
/// unsupported too (RFC 8624 §3.1, RFC 3110 §2).
///
/// Parsed keys are kept in a small cache keyed by algorithm and key bytes, so one DNSKEY checking many
/// signatures is built once.
///
/// Thread confinement: each event-loop thread owns its own instance (the resolver's rule: no locks on the
/// path a query takes), so the cache is unsynchronised. The type is `@unchecked Sendable` only to meet the
/// `DNSSECCrypto` requirement; sharing one instance between threads is a data race. A lock (`Mutex`) would
/// make sharing safe but put a lock on every signature check, and `Synchronization.Mutex` needs macOS 15,
/// above this package's floor.
public final class OpenSSLCrypto: DNSSECCrypto, @unchecked Sendable {
    /// Parsed keys kept by default: far more than the zones one query's chain touches.
    public static let defaultKeyCacheCapacity = 512

    private let digests: [HashAlgorithm: MessageDigest]
    private let keyTypes: Set<String>
    private var keys: KeyCache<KeyCacheKey, CachedKey>
    /// How many keys were built with OpenSSL (cache misses that reached it), for tests and statistics.
    private(set) var keysBuilt = 0

    /// A verifier whose key cache holds at most `keyCacheCapacity` keys.
    public init(keyCacheCapacity: Int = OpenSSLCrypto.defaultKeyCacheCapacity) {
        var digests: [HashAlgorithm: MessageDigest] = [:]
        for hash in HashAlgorithm.allCases {
            digests[hash] = MessageDigest(hash)
        }
        self.digests = digests
        var keyTypes = Set<String>()
        for name in ["RSA", "EC", "ED25519", "ED448"] {
            if let management = EVP_KEYMGMT_fetch(nil, name, nil) {
                EVP_KEYMGMT_free(management)
                keyTypes.insert(name)
            } else {
                ERR_clear_error()
            }
        }
        self.keyTypes = keyTypes
        keys = KeyCache(capacity: keyCacheCapacity)
    }

    public func supports(_ algorithm: DNSSECAlgorithm) -> Bool {
        guard let scheme = SignatureScheme(algorithm) else { return false }
        return isAvailable(scheme)
    }

    public func supports(_ digest: DigestType) -> Bool {
        guard let hash = HashAlgorithm(digest) else { return false }
        return digests[hash] != nil
    }

    public func verify(algorithm: DNSSECAlgorithm, publicKey: [UInt8], signature: [UInt8],
                       data: [UInt8]) -> SignatureVerdict {
        guard let scheme = SignatureScheme(algorithm), isAvailable(scheme) else { return .unsupportedAlgorithm }
        let key: PublicKey
        switch cachedKey(algorithm: algorithm, scheme: scheme, field: publicKey) {
        case .key(let parsed): key = parsed
        case .unsupported: return .unsupportedAlgorithm
        case .malformed: return .invalid
        }
        let digest = scheme.hash.flatMap { digests[$0] }
        switch scheme {
        case .rsa:
            guard !signature.isEmpty else { return .invalid }
            return key.verify(digest: digest, signature: signature, data: data) ? .valid : .invalid
        case .ecdsa(_, _, let fieldLength):
            guard let der = ECDSASignature.der(fromConcatenated: signature, fieldLength: fieldLength) else {
                return .invalid
            }
            return key.verify(digest: digest, signature: der, data: data) ? .valid : .invalid
        case .eddsa(_, _, let signatureLength):
            guard signature.count == signatureLength else { return .invalid }
            return key.verify(digest: nil, signature: signature, data: data) ? .valid : .invalid
        }
    }

    public func digest(_ type: DigestType, of data: [UInt8]) -> [UInt8]? {
        guard let hash = HashAlgorithm(type), let digest = digests[hash] else { return nil }
        return digest.hash(data)
    }

    /// RFC 5155 §5 over the lowercased canonical wire form of `name`. Only hash algorithm 1 (SHA-1) is
    /// defined. The caller bounds `iterations` (RFC 9276 §3.2); all 65,535 are computed if asked.
    public func nsec3Hash(of name: Name, algorithm: UInt8, salt: [UInt8], iterations: UInt16) -> [UInt8]? {
        guard algorithm == 1, let sha1 = digests[.sha1] else { return nil }
        return sha1.iteratedHash(name.lowercased().wire, salt: salt, iterations: iterations)
    }

    /// The number of keys in the cache now.
    var cachedKeyCount: Int { keys.count }

    private func isAvailable(_ scheme: SignatureScheme) -> Bool {
        guard keyTypes.contains(scheme.keyManagementName) else { return false }
        guard let hash = scheme.hash else { return true }
        return digests[hash] != nil
    }

    /// The parsed key for `field`, from the cache or built now and remembered (failures too, so a malformed
    /// key offered again is not parsed again). Fields longer than any usable key (an RSA key of 4096 bits
    /// with a 4096-bit exponent takes 1,027 octets) are judged without being remembered, which bounds the
    /// cache's memory to about `capacity` × 1 KiB.
    private func cachedKey(algorithm: DNSSECAlgorithm, scheme: SignatureScheme, field: [UInt8]) -> CachedKey {
        guard field.count <= OpenSSLCrypto.maximumCachedFieldLength else { return build(scheme: scheme, field: field) }
        let cacheKey = KeyCacheKey(algorithm: algorithm.rawValue, field: field)
        if let hit = keys.value(for: cacheKey) { return hit }
        let entry = build(scheme: scheme, field: field)
        keys.insert(entry, for: cacheKey)
        return entry
    }

    static let maximumCachedFieldLength = 1_100

    private func build(scheme: SignatureScheme, field: [UInt8]) -> CachedKey {
        keysBuilt += 1
        switch PublicKey.make(scheme: scheme, field: field) {
        case .success(let key): return .key(key)
        case .failure(.unsupported): return .unsupported
        case .failure(.malformed): return .malformed
        }
    }
}

/// What the key cache is keyed by: the same bytes under another algorithm are another key.
struct KeyCacheKey: Hashable {
    var algorithm: UInt8
    var field: [UInt8]
}

/// What the key cache remembers about one DNSKEY public-key field.
enum CachedKey {
    case key(PublicKey)
    case unsupported
    case malformed
}
