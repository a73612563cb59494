import DNSCache
import DNSWire

/// Verifies one RRset's signatures against the DNSKEYs of the zone that should have signed it
/// (RFC 4035 §5.3), within KeyTrap limits (CVE-2023-50387).
///
/// Sans-I/O and clock-free: the caller passes the keys it already trusts and the wall-clock time. For the
/// DNSKEY RRset itself the trusted keys are those a DS RRset (or trust anchor) vouches for (`DSMatcher`); for
/// every other RRset they are the zone's validated DNSKEY RRset.
public struct RRSIGValidator: Sendable {
    public var crypto: any DNSSECCrypto
    public var limits: ValidationLimits

    public init(crypto: any DNSSECCrypto, limits: ValidationLimits = ValidationLimits()) {
        self.crypto = crypto
        self.limits = limits
    }

    /// Rule on `signed` as data of `zone`, signed by one of `keys`, at wall-clock time `now`.
    ///
    /// RFC 4035 §5.3.1 for each RRSIG covering the type: the signer is `zone` and the owner lies at or below
    /// it; Labels is at most the owner's label count; a DNSKEY of `keys` with the RRSIG's algorithm and key tag
    /// has the Zone Key flag, protocol 3 and no REVOKE flag (RFC 5011 §2.1); the validity window holds
    /// (`ValidityWindow`, with `limits.skew`); then the signature verifies over `Canonical.signedData`.
    /// One verifying RRSIG makes the RRset secure (RFC 4035 §5.3.3, RFC 6840 §5.11).
    ///
    /// `signatureTTL` is the RRSIG records' TTL as received, when the caller still has it: RFC 4035 §5.3.3
    /// caps the TTL by it too.
    public func validate(_ signed: SignedRRSet, zone: Name, keys: [DNSKEY], now: Int64,
                         signatureTTL: UInt32? = nil, budget: inout ValidationBudget) -> RRSetValidation {
        let rrset = signed.rrset
        let subject = "\(rrset.name) \(rrset.type)"
        func fail(_ kind: ValidationReason.Kind, _ text: String) -> RRSetValidation {
            RRSetValidation(verdict: .bogus(ValidationReason(kind, text)), rrset: signed)
        }

        let covering = signed.signatures.filter { $0.typeCovered == rrset.type }
        guard !covering.isEmpty else { return fail(.rrsigsMissing, "no RRSIG over \(subject) (zone \(zone))") }
        guard rrset.name.isSubdomain(of: zone) else {
            return fail(.malformed, "\(subject) lies outside zone \(zone)")
        }
        let fromZone = covering.filter { $0.signerName == zone }
        guard !fromZone.isEmpty else {
            let signers = Set(covering.map { "\($0.signerName)" }).sorted().joined(separator: ", ")
            return fail(.rrsigsMissing, "no RRSIG over \(subject) by zone \(zone) (signed by \(signers))")
        }

        let tagged = keys.map { (key: $0, tag: $0.keyTag) }
        var reported = Rejection.none
        var attempts = 0
        var unsupported = 0
        for rrsig in fromZone {
            let rejection: Rejection
            switch precheck(rrsig, owner: rrset.name, subject: subject, zone: zone, keys: tagged, now: now) {
            case let .rejected(reason):
                rejection = reason
            case let .candidates(usable):
                guard attempts < limits.maxSignaturesPerRRset else {
                    rejection = .limit(ValidationReason(.limitExceeded,
                        "more than \(limits.maxSignaturesPerRRset) RRSIGs over \(subject) to check (zone \(zone))"))
                    reported = reported.keepingFurther(rejection)
                    continue
                }
                attempts += 1
                switch verify(rrsig, rrset: rrset, subject: subject, zone: zone, keys: usable, budget: &budget) {
                case let .verified(key):
                    return secure(signed, by: rrsig, key: key, now: now, signatureTTL: signatureTTL)
                case let .rejected(reason):
                    if case let .budget(spent) = reason { return fail(.limitExceeded, spent.text) }
                    rejection = reason
                }
            }
            if case .unsupported = rejection { unsupported += 1 }
            reported = reported.keepingFurther(rejection)
        }

        if unsupported == fromZone.count {
            return unsupportedOnly(signed, signatures: fromZone, subject: subject, zone: zone, keys: keys)
        }
        let reason = reported.reason ?? ValidationReason(.invalidSignature, "no RRSIG over \(subject) verifies (zone \(zone))")
        return RRSetValidation(verdict: .bogus(reason), rrset: signed)
    }

    /// Every RRSIG from the zone uses an algorithm this build cannot check. RFC 4035 §5.2 and RFC 6840 §5.2 make
    /// that insecure, unless the zone also has a usable key of a supported algorithm: RFC 4035 §2.2 has every
    /// algorithm of the zone's keys sign every RRset, so then a signature was stripped.
    private func unsupportedOnly(_ signed: SignedRRSet, signatures: [RRSIG], subject: String, zone: Name,
                                 keys: [DNSKEY]) -> RRSetValidation {
        guard !keys.contains(where: { $0.isUsableZoneKey && crypto.supports($0.algorithm) }) else {
            let reason = ValidationReason(.rrsigsMissing,
                                          "no RRSIG over \(subject) with a supported algorithm (zone \(zone) has one)")
            return RRSetValidation(verdict: .bogus(reason), rrset: signed)
        }
        let algorithms = Set(signatures.map(\.algorithm.description)).sorted().joined(separator: ", ")
        let reason = ValidationReason(.unsupportedDNSKEYAlgorithm,
                                      "\(subject) in zone \(zone) is signed only with unsupported algorithm \(algorithms)")
        return RRSetValidation(verdict: .insecure(reason), rrset: signed)
    }

    /// The outcome for `signed` once `rrsig` verified with `key`: TTL capped (RFC 4035 §5.3.3), wildcard noted.
    private func secure(_ signed: SignedRRSet, by rrsig: RRSIG, key: DNSKEY, now: Int64,
                        signatureTTL: UInt32?) -> RRSetValidation {
        var capped = signed
        var ttl = min(signed.rrset.ttl, rrsig.originalTTL, ValidityWindow(rrsig).secondsRemaining(at: now))
        if let signatureTTL { ttl = min(ttl, signatureTTL) }
        capped.rrset.ttl = ttl
        return RRSetValidation(verdict: .secure, rrset: capped,
                               wildcard: WildcardExpansion(owner: signed.rrset.name, labels: rrsig.labels),
                               signingKey: key, signature: rrsig)
    }
}

/// The result of `RRSIGValidator.validate`.
public struct RRSetValidation: Hashable, Sendable {
    public var verdict: Verdict
    /// The RRset to cache and answer with; when secure, its TTL is capped to the minimum of the received TTL,
    /// the RRSIG's original TTL, the seconds left before its expiration and the RRSIG TTL if given.
    public var rrset: SignedRRSet
    /// Set when the verifying RRSIG shows the RRset was synthesised from a wildcard: the answer is secure
    /// only once `DenialValidator` proves `.wildcardAnswer(wildcard)` (RFC 4035 §5.3.4).
    public var wildcard: WildcardExpansion?
    /// The DNSKEY whose signature verified.
    public var signingKey: DNSKEY?
    /// The RRSIG that verified.
    public var signature: RRSIG?

    public init(verdict: Verdict, rrset: SignedRRSet, wildcard: WildcardExpansion? = nil,
                signingKey: DNSKEY? = nil, signature: RRSIG? = nil) {
        self.verdict = verdict
        self.rrset = rrset
        self.wildcard = wildcard
        self.signingKey = signingKey
        self.signature = signature
    }
}

extension DNSKEY {
    /// RFC 4035 §5.3.1 and RFC 5011 §2.1: a key that may verify RRSIGs: Zone Key flag set, protocol 3, not revoked.
    var isUsableZoneKey: Bool { isZoneKey && self.protocol == 3 && !isRevoked }
}
