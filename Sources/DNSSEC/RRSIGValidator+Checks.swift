import DNSWire

/// Why one RRSIG did not make its RRset secure, ranked by how far its check got: when no RRSIG verifies,
/// the reason reported is the one that got furthest (a bad signature over a present key says more than a
/// missing key, which says more than a malformed RRSIG).
enum Rejection {
    case none
    case malformed(ValidationReason)
    case unsupported(ValidationReason)
    case noKey(ValidationReason)
    case unusableKey(ValidationReason)
    case window(ValidationReason)
    case invalid(ValidationReason)
    case limit(ValidationReason)
    /// The caller's whole budget is spent: validation stops at once.
    case budget(ValidationReason)

    var rank: Int {
        switch self {
        case .none: return 0
        case .malformed: return 1
        case .unsupported: return 2
        case .noKey: return 3
        case .unusableKey: return 4
        case .window: return 5
        case .invalid: return 6
        case .limit: return 7
        case .budget: return 8
        }
    }

    var reason: ValidationReason? {
        switch self {
        case .none: return nil
        case let .malformed(reason), let .unsupported(reason), let .noKey(reason), let .unusableKey(reason),
             let .window(reason), let .invalid(reason), let .limit(reason), let .budget(reason):
            return reason
        }
    }

    /// Whichever of the two got further.
    func keepingFurther(_ other: Rejection) -> Rejection { other.rank > rank ? other : self }
}

/// What the cheap checks of one RRSIG left: the keys worth a cryptographic check, or why there are none.
enum Precheck {
    case rejected(Rejection)
    case candidates([DNSKEY])
}

/// The outcome of the cryptographic check of one RRSIG.
enum Attempt {
    case verified(DNSKEY)
    case rejected(Rejection)
}

extension RRSIGValidator {
    /// RFC 4035 §5.3.1, everything but the signature itself: Labels, algorithm support, a usable key with the
    /// tag and algorithm, the validity window.
    func precheck(_ rrsig: RRSIG, owner: Name, subject: String, zone: Name,
                  keys: [(key: DNSKEY, tag: UInt16)], now: Int64) -> Precheck {
        let tag = rrsig.keyTag
        guard Int(rrsig.labels) <= owner.rrsigLabelCount else {
            return .rejected(.malformed(ValidationReason(.malformed,
                "RRSIG over \(subject) has Labels \(rrsig.labels), more than the owner's \(owner.rrsigLabelCount)")))
        }
        guard crypto.supports(rrsig.algorithm) else {
            return .rejected(.unsupported(ValidationReason(.unsupportedDNSKEYAlgorithm,
                "RRSIG over \(subject) uses unsupported algorithm \(rrsig.algorithm) (zone \(zone))")))
        }
        let tagged = keys.filter { $0.tag == tag && $0.key.algorithm == rrsig.algorithm }.map(\.key)
        guard !tagged.isEmpty else {
            return .rejected(.noKey(ValidationReason(.dnskeyMissing,
                "no DNSKEY \(tag) (\(rrsig.algorithm)) in zone \(zone) for the RRSIG over \(subject)")))
        }
        let usable = tagged.filter(\.isUsableZoneKey)
        guard !usable.isEmpty else {
            let reason: ValidationReason
            if tagged.contains(where: { !$0.isZoneKey }) {
                reason = ValidationReason(.noZoneKeyBitSet, "DNSKEY \(tag) of zone \(zone) has the Zone Key flag clear")
            } else if tagged.contains(where: \.isRevoked) {
                reason = ValidationReason(.dnskeyMissing, "DNSKEY \(tag) of zone \(zone) is revoked")
            } else {
                reason = ValidationReason(.malformed, "DNSKEY \(tag) of zone \(zone) is not protocol 3")
            }
            return .rejected(.unusableKey(reason))
        }
        let window = ValidityWindow(rrsig)
        switch window.position(at: now, skew: limits.skew) {
        case .valid:
            return .candidates(usable)
        case .expired:
            return .rejected(.window(ValidationReason(.signatureExpired,
                "RRSIG over \(subject) by key \(tag) of zone \(zone) expired at \(SignatureTime.text(rrsig.expiration))")))
        case .notYetValid:
            return .rejected(.window(ValidationReason(.signatureNotYetValid,
                "RRSIG over \(subject) by key \(tag) of zone \(zone) is valid from \(SignatureTime.text(rrsig.inception))")))
        case .expiredBeforeValid:
            return .rejected(.window(ValidationReason(.signatureExpiredBeforeValid,
                "RRSIG over \(subject) by key \(tag) of zone \(zone) expires before its inception")))
        }
    }

    /// The signature itself, tried with at most `limits.maxKeysPerTag` of the candidate keys, each try paid
    /// from `budget`.
    func verify(_ rrsig: RRSIG, rrset: RRSet, subject: String, zone: Name, keys: [DNSKEY],
                budget: inout ValidationBudget) -> Attempt {
        let data: [UInt8]
        do {
            data = try Canonical.signedData(rrsig: rrsig, rrset: rrset)
        } catch {
            return .rejected(.malformed(ValidationReason(.malformed, "cannot rebuild the data signed for \(subject): \(error)")))
        }
        var unsupported = 0
        let tried = keys.prefix(limits.maxKeysPerTag)
        for key in tried {
            guard budget.spendVerification() else {
                return .rejected(.budget(ValidationReason(.limitExceeded,
                    "signature check budget spent before \(subject) (zone \(zone)) was validated")))
            }
            switch crypto.verify(algorithm: rrsig.algorithm, publicKey: key.publicKey, signature: rrsig.signature, data: data) {
            case .valid: return .verified(key)
            case .invalid: continue
            case .unsupportedAlgorithm: unsupported += 1
            }
        }
        if keys.count > tried.count {
            return .rejected(.limit(ValidationReason(.limitExceeded,
                "\(keys.count) DNSKEYs of zone \(zone) share tag \(rrsig.keyTag); \(tried.count) tried for \(subject)")))
        }
        if unsupported == tried.count {
            return .rejected(.unsupported(ValidationReason(.unsupportedDNSKEYAlgorithm,
                "DNSKEY \(rrsig.keyTag) of zone \(zone) cannot be used here (algorithm \(rrsig.algorithm))")))
        }
        return .rejected(.invalid(ValidationReason(.invalidSignature,
            "RRSIG over \(subject) by key \(rrsig.keyTag) of zone \(zone) does not verify")))
    }
}
