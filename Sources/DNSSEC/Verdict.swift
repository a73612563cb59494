import DNSCache
import DNSWire

/// The validator's ruling on one step (an RRset's signatures, a DS match, a denial proof), in the terms of
/// RFC 4033 §5.
///
/// `insecure` carries an optional reason because some insecure outcomes deserve an informational Extended DNS
/// Error (RFC 8914 §4.2: Unsupported DNSKEY Algorithm, Unsupported DS Digest Type; §4.28: Unsupported NSEC3
/// Iterations Value), while a proven unsigned delegation needs none.
public enum Verdict: Hashable, Sendable {
    /// RFC 4033 §5: the data is vouched for by the keys the caller trusts.
    case secure
    /// RFC 4033 §5 / RFC 4035 §5.2: the data is provably outside what can be checked (unsupported algorithms,
    /// an NSEC3 opt-out span, too many NSEC3 iterations).
    case insecure(ValidationReason?)
    /// RFC 4033 §5: the data should verify and does not.
    case bogus(ValidationReason)

    /// The cache's word for this verdict.
    public var securityStatus: SecurityStatus {
        switch self {
        case .secure: return .secure
        case .insecure: return .insecure
        case .bogus: return .bogus
        }
    }

    /// The Extended DNS Error to attach to an answer with this verdict, if any.
    public var extendedError: ExtendedDNSError? {
        switch self {
        case .secure: return nil
        case let .insecure(reason): return reason?.extendedError
        case let .bogus(reason): return reason.extendedError
        }
    }

    /// The reason given for an insecure or bogus verdict.
    public var reason: ValidationReason? {
        switch self {
        case .secure: return nil
        case let .insecure(reason): return reason
        case let .bogus(reason): return reason
        }
    }

    public var isSecure: Bool { self == .secure }
    public var isBogus: Bool { if case .bogus = self { return true } else { return false } }
    public var isInsecure: Bool { if case .insecure = self { return true } else { return false } }
}

/// Why a step was not secure: a kind that maps to an RFC 8914 INFO-CODE, and a short text naming the zone and
/// the RRset or name concerned, for people reading the EXTRA-TEXT.
public struct ValidationReason: Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, finer than the EDE code (several kinds share DNSSEC Bogus).
    public enum Kind: Hashable, Sendable {
        /// RFC 4035 §5.3.1: every candidate signature's expiration lies in the past (EDE 7).
        case signatureExpired
        /// RFC 4035 §5.3.1: every candidate signature's inception lies in the future (EDE 8).
        case signatureNotYetValid
        /// The RRSIG's expiration precedes its inception (EDE 25).
        case signatureExpiredBeforeValid
        /// No DNSKEY matches the key tag and algorithm of any RRSIG, or no DNSKEY matches the DS RRset (EDE 9).
        case dnskeyMissing
        /// The RRset carries no RRSIG that could validate it (EDE 10).
        case rrsigsMissing
        /// The only keys that match have the Zone Key flag clear (RFC 4034 §2.1.1; EDE 11).
        case noZoneKeyBitSet
        /// No NSEC or NSEC3 proves the denial that was claimed (EDE 12).
        case nsecMissing
        /// A signature with a matching key does not verify (EDE 6).
        case invalidSignature
        /// The records contradict the claim or the rules of RFC 4034/4035/5155 (EDE 6).
        case malformed
        /// A KeyTrap/NSEC3 work limit was reached before an answer (CVE-2023-50387, CVE-2023-50868; EDE 0).
        case limitExceeded
        /// Only algorithms this build cannot check were involved (RFC 4035 §5.2; EDE 1).
        case unsupportedDNSKEYAlgorithm
        /// Only DS digest types this build cannot compute were involved (RFC 4035 §5.2; EDE 2).
        case unsupportedDSDigestType
        /// Only NSEC3 records above the iteration limit were present (RFC 9276 §3.2; EDE 27).
        case unsupportedNSEC3Iterations
        /// Only NSEC3 records of an unknown hash algorithm were present (RFC 5155 §8.1; EDE 0).
        case unsupportedNSEC3Hash
        /// The next closer name lies in an NSEC3 opt-out span (RFC 5155 §9.2); insecure, no EDE.
        case optOut
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }

    /// The RFC 8914 INFO-CODE for this kind; nil for an opt-out span, which is no error at all.
    public var code: ExtendedDNSErrorCode? {
        switch kind {
        case .signatureExpired: return .signatureExpired
        case .signatureNotYetValid: return .signatureNotYetValid
        case .signatureExpiredBeforeValid: return .signatureExpiredBeforeValid
        case .dnskeyMissing: return .dnskeyMissing
        case .rrsigsMissing: return .rrsigsMissing
        case .noZoneKeyBitSet: return .noZoneKeyBitSet
        case .nsecMissing: return .nsecMissing
        case .invalidSignature, .malformed: return .dnssecBogus
        case .limitExceeded, .unsupportedNSEC3Hash: return .other
        case .unsupportedDNSKEYAlgorithm: return .unsupportedDNSKEYAlgorithm
        case .unsupportedDSDigestType: return .unsupportedDSDigestType
        case .unsupportedNSEC3Iterations: return .unsupportedNSEC3Iterations
        case .optOut: return nil
        }
    }

    /// The Extended DNS Error (code and text) to put in a reply; nil when the kind has no code.
    public var extendedError: ExtendedDNSError? {
        code.map { ExtendedDNSError(code: $0, text: text) }
    }

    public var description: String { text }
}
