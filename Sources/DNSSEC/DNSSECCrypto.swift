import DNSWire

/// The cryptography the validator needs, as a port: `DNSCrypto` provides it with OpenSSL, tests with fakes.
///
/// Bytes in, verdict out. Implementations parse keys from DNSKEY public-key bytes (RFC 3110 RSA, RFC 6605
/// ECDSA, RFC 8080 EdDSA), verify a signature over `data` (the RFC 4034 §3.1.8.1 signed data), compute DS
/// digests (RFC 4509, RFC 6605) and NSEC3 hashes (RFC 5155 §5). They never trap on any input bytes.
public protocol DNSSECCrypto: Sendable {
    /// Whether signatures of this algorithm can be checked here (RFC 8624 lists what a validator should do).
    func supports(_ algorithm: DNSSECAlgorithm) -> Bool
    /// Whether DS digests of this type can be computed here.
    func supports(_ digest: DigestType) -> Bool
    /// Check `signature` over `data` with the DNSKEY public key `publicKey` of `algorithm`.
    func verify(algorithm: DNSSECAlgorithm, publicKey: [UInt8], signature: [UInt8], data: [UInt8]) -> SignatureVerdict
    /// The digest of `data`; nil when the type is not supported.
    func digest(_ type: DigestType, of data: [UInt8]) -> [UInt8]?
    /// The NSEC3 hash of `name` (RFC 5155 §5: the canonical wire form, salted, iterated); nil for an
    /// unsupported hash algorithm.
    func nsec3Hash(of name: Name, algorithm: UInt8, salt: [UInt8], iterations: UInt16) -> [UInt8]?
}

/// The outcome of one signature check.
public enum SignatureVerdict: Sendable, Equatable {
    case valid
    /// The signature does not verify with this key (or the key or signature bytes are malformed).
    case invalid
    /// The algorithm is not supported here: RFC 4035 §5.2 makes such data insecure, not bogus.
    case unsupportedAlgorithm
}
