import DNSWire

/// How a DNSSEC algorithm number signs: the key family, the hash and the fixed sizes its RFC sets.
///
/// Only the algorithms a validator should verify (RFC 8624 §3.1) have a scheme; RSAMD5 (1), DSA (3, 6),
/// ECC-GOST (12) and unknown numbers have none, so they are unsupported.
enum SignatureScheme: Equatable {
    /// RSA with PKCS#1 v1.5 padding (RFC 3110 §3, RFC 5702 §3) over the named hash.
    case rsa(hash: HashAlgorithm)
    /// ECDSA on a NIST curve (RFC 6605): the key is X‖Y and the signature r‖s, each `fieldLength` octets.
    case ecdsa(curve: String, hash: HashAlgorithm, fieldLength: Int)
    /// Pure EdDSA (RFC 8080): raw public keys and signatures of fixed length, no separate hash.
    case eddsa(keyType: String, keyLength: Int, signatureLength: Int)

    init?(_ algorithm: DNSSECAlgorithm) {
        switch algorithm {
        case .rsaSHA1, .rsaSHA1NSEC3SHA1: self = .rsa(hash: .sha1)
        case .rsaSHA256: self = .rsa(hash: .sha256)
        case .rsaSHA512: self = .rsa(hash: .sha512)
        case .ecdsaP256SHA256: self = .ecdsa(curve: "prime256v1", hash: .sha256, fieldLength: 32)
        case .ecdsaP384SHA384: self = .ecdsa(curve: "secp384r1", hash: .sha384, fieldLength: 48)
        case .ed25519: self = .eddsa(keyType: "ED25519", keyLength: 32, signatureLength: 64)
        case .ed448: self = .eddsa(keyType: "ED448", keyLength: 57, signatureLength: 114)
        default: return nil
        }
    }

    /// The OpenSSL key-management name that builds this scheme's keys.
    var keyManagementName: String {
        switch self {
        case .rsa: return "RSA"
        case .ecdsa: return "EC"
        case .eddsa(let keyType, _, _): return keyType
        }
    }

    /// The hash the signature is made over, or nil for EdDSA, which hashes inside the signature.
    var hash: HashAlgorithm? {
        switch self {
        case .rsa(let hash), .ecdsa(_, let hash, _): return hash
        case .eddsa: return nil
        }
    }
}

/// The hash functions DNSSEC uses, by their OpenSSL fetch names.
enum HashAlgorithm: String, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"

    /// The DS digest type's hash (RFC 4034 §5.1.3, RFC 4509, RFC 6605 §2); nil for GOST (3) and unknown types.
    init?(_ digest: DigestType) {
        switch digest {
        case .sha1: self = .sha1
        case .sha256: self = .sha256
        case .sha384: self = .sha384
        default: return nil
        }
    }
}
