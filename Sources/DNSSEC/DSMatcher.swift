import DNSWire

/// Finds the DNSKEYs of a zone that its parent's DS RRset (or a DS trust anchor) vouches for
/// (RFC 4035 §5.2, RFC 4034 §5.1.4).
///
/// Only DS records whose digest type and algorithm this build supports count; of those, only the strongest
/// digest type present is used (RFC 4509 §3: SHA-1 DS records are ignored when SHA-256 ones are present;
/// SHA-384 likewise outranks both), so a forged weak DS cannot stand beside a strong one.
public struct DSMatcher: Sendable {
    public var crypto: any DNSSECCrypto
    public var limits: ValidationLimits

    public init(crypto: any DNSSECCrypto, limits: ValidationLimits = ValidationLimits()) {
        self.crypto = crypto
        self.limits = limits
    }

    /// The keys of `zone` among `keys` whose digest matches a usable DS of `dsRecords`.
    ///
    /// - `.secure` with the matched keys: validate the DNSKEY RRset with exactly these keys next.
    /// - `.insecure` when no DS has both a supported digest type and a supported algorithm (RFC 4035 §5.2,
    ///   RFC 6840 §5.2): the zone is treated as unsigned (EDE 2 or 1, informational).
    /// - `.bogus` when usable DS records exist but no key matches (EDE 9), or the only match lacks the Zone
    ///   Key flag (EDE 11).
    public func match(zone: Name, dsRecords: [DS], keys: [DNSKEY]) -> DSMatch {
        guard !dsRecords.isEmpty else {
            // An RRset is never empty; fail closed rather than read "no DS" as "unsigned" without a proof.
            return DSMatch(verdict: .bogus(ValidationReason(.malformed, "no DS records given for zone \(zone)")), keys: [])
        }
        let supported = dsRecords.filter { crypto.supports($0.digestType) && crypto.supports($0.algorithm) }
        guard let strongest = supported.map({ DSMatcher.strength(of: $0.digestType) }).max() else {
            return DSMatch(verdict: .insecure(unsupportedReason(zone: zone, dsRecords: dsRecords)), keys: [])
        }
        let preferred = supported.filter { DSMatcher.strength(of: $0.digestType) == strongest }

        var matched: [DNSKEY] = []
        var matchedWithoutZoneFlag = false
        for ds in preferred {
            let candidates = keys.filter { $0.algorithm == ds.algorithm && $0.keyTag == ds.keyTag }
            for key in candidates.prefix(limits.maxKeysPerTag) {
                guard ds.digestType.digestLength.map({ $0 == ds.digest.count }) ?? true,
                      let digest = crypto.digest(ds.digestType, of: Canonical.dsDigestInput(owner: zone, key: key)),
                      digest == ds.digest
                else { continue }
                // RFC 4034 §5.2: the DS must point at a zone key; RFC 5011 §2.1: never a revoked one.
                guard key.isUsableZoneKey else {
                    matchedWithoutZoneFlag = matchedWithoutZoneFlag || !key.isZoneKey
                    continue
                }
                if !matched.contains(key) { matched.append(key) }
            }
        }
        guard matched.isEmpty else { return DSMatch(verdict: .secure, keys: matched) }
        if matchedWithoutZoneFlag {
            return DSMatch(verdict: .bogus(ValidationReason(.noZoneKeyBitSet,
                "the DNSKEY that DS of zone \(zone) points at has the Zone Key flag clear")), keys: [])
        }
        let tags = Set(preferred.map(\.keyTag)).sorted().map(String.init).joined(separator: ", ")
        return DSMatch(verdict: .bogus(ValidationReason(.dnskeyMissing,
            "no DNSKEY of zone \(zone) matches its DS (key tag \(tags))")), keys: [])
    }

    /// Preference among DS digest types: SHA-384 over SHA-256 over GOST over SHA-1 (RFC 4509 §3,
    /// RFC 6605 §2); an unknown type ranks last.
    static func strength(of type: DigestType) -> Int {
        switch type {
        case .sha384: return 4
        case .sha256: return 3
        case .gost: return 2
        case .sha1: return 1
        default: return 0
        }
    }

    private func unsupportedReason(zone: Name, dsRecords: [DS]) -> ValidationReason {
        if dsRecords.allSatisfy({ !crypto.supports($0.digestType) }) {
            let types = Set(dsRecords.map(\.digestType.rawValue)).sorted().map(String.init).joined(separator: ", ")
            return ValidationReason(.unsupportedDSDigestType, "DS of zone \(zone) uses only unsupported digest type \(types)")
        }
        let algorithms = Set(dsRecords.map(\.algorithm.description)).sorted().joined(separator: ", ")
        return ValidationReason(.unsupportedDNSKEYAlgorithm,
                                "DS of zone \(zone) names only unsupported algorithm \(algorithms)")
    }
}

/// The result of `DSMatcher.match`: a verdict and, when secure, the keys the DS RRset vouches for.
public struct DSMatch: Hashable, Sendable {
    public var verdict: Verdict
    public var keys: [DNSKEY]

    public init(verdict: Verdict, keys: [DNSKEY]) {
        self.verdict = verdict
        self.keys = keys
    }
}
