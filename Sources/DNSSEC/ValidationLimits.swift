/// Fixed caps on the work one step may do, against KeyTrap (CVE-2023-50387) and NSEC3 hash floods
/// (CVE-2023-50868), plus the clock skew allowed on signature validity windows.
///
/// KeyTrap: an RRset with many signatures, each matching many colliding keys, costs a validator signatures ×
/// keys verifications. The caps bound each RRset; `ValidationBudget` bounds the sum over a client query.
public struct ValidationLimits: Hashable, Sendable {
    /// DNSKEYs tried for one RRSIG whose key tag and algorithm they share (key tags collide, RFC 4034 App. B).
    public var maxKeysPerTag: Int
    /// RRSIGs over one RRset that are taken as far as a cryptographic check.
    public var maxSignaturesPerRRset: Int
    /// NSEC3 records with more iterations are ignored, making a denial that rests on them insecure
    /// (RFC 9276 §3.2; 150 as Unbound and BIND use since 2024).
    public var maxNSEC3Iterations: UInt16
    /// Distinct NSEC3 parameter sets (algorithm, iterations, salt) tried for one proof.
    public var maxNSEC3ParameterSets: Int
    /// Slack on the validity window of every RRSIG.
    public var skew: SignatureSkew

    public init(maxKeysPerTag: Int = 4, maxSignaturesPerRRset: Int = 8, maxNSEC3Iterations: UInt16 = 150,
                maxNSEC3ParameterSets: Int = 2, skew: SignatureSkew = SignatureSkew()) {
        self.maxKeysPerTag = max(1, maxKeysPerTag)
        self.maxSignaturesPerRRset = max(1, maxSignaturesPerRRset)
        self.maxNSEC3Iterations = maxNSEC3Iterations
        self.maxNSEC3ParameterSets = max(1, maxNSEC3ParameterSets)
        self.skew = skew
    }
}

/// How much a signature's validity window is widened at both ends to tolerate clocks that disagree.
///
/// As Unbound's `val-sig-skew-min`/`val-sig-skew-max`: a fraction of the signature's validity period
/// (expiration − inception), at least `minimum` and at most `maximum` seconds. A short-lived signature
/// gets a small slack and a month-long one a larger one, never beyond `maximum`.
public struct SignatureSkew: Hashable, Sendable {
    /// The period is divided by this (10 → a tenth of the validity period).
    public var divisor: UInt32
    public var minimum: UInt32
    public var maximum: UInt32

    public init(divisor: UInt32 = 10, minimum: UInt32 = 3600, maximum: UInt32 = 86_400) {
        self.divisor = max(1, divisor)
        self.minimum = min(minimum, maximum)
        self.maximum = maximum
    }

    /// No slack at all: the window is exactly inception…expiration.
    public static let none = SignatureSkew(divisor: 1, minimum: 0, maximum: 0)

    /// The slack in seconds for a signature valid for `period` seconds.
    public func seconds(forPeriod period: UInt32) -> UInt32 {
        min(maximum, max(minimum, period / divisor))
    }
}

/// The work a caller allows for everything validated on behalf of one client query: signature
/// verifications and NSEC3 hash computations. Passed `inout` through every step; when a count reaches zero the
/// step that needed more is bogus with `limitExceeded` (EDE 0), so an attacker never buys unbounded work.
public struct ValidationBudget: Hashable, Sendable {
    /// Signature verifications still allowed.
    public private(set) var signatureVerifications: Int
    /// NSEC3 hash computations still allowed (each of at most `maxNSEC3Iterations` + 1 digests).
    public private(set) var nsec3Hashes: Int

    public init(signatureVerifications: Int = 64, nsec3Hashes: Int = 128) {
        self.signatureVerifications = max(0, signatureVerifications)
        self.nsec3Hashes = max(0, nsec3Hashes)
    }

    /// Take one verification from the budget; false when none is left.
    public mutating func spendVerification() -> Bool {
        guard signatureVerifications > 0 else { return false }
        signatureVerifications -= 1
        return true
    }

    /// Take one NSEC3 hash from the budget; false when none is left.
    public mutating func spendNSEC3Hash() -> Bool {
        guard nsec3Hashes > 0 else { return false }
        nsec3Hashes -= 1
        return true
    }
}
