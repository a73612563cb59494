import DNSWire

/// What a negative or synthesised answer asserts, and so what its NSEC or NSEC3 records must prove.
public enum DenialClaim: Hashable, Sendable {
    /// NXDOMAIN: the name does not exist, and no wildcard at its closest encloser could have answered
    /// (RFC 4035 §3.1.3.2 and §5.4, RFC 5155 §8.4).
    case nameError(Name)
    /// NODATA: the name has no RRset of the type — at the name itself, at an empty non-terminal, or through a
    /// wildcard that lacks the type (RFC 4035 §3.1.3.1 and §3.1.3.4, RFC 5155 §8.5–§8.7). For type DS the
    /// parent-side rules apply: the record at a delegation has NS set and SOA clear.
    case noData(Name, RRType)
    /// The answer was synthesised from a wildcard: the next closer name does not exist (RFC 4035 §5.3.4,
    /// RFC 5155 §8.8). From `RRSetValidation.wildcard`.
    case wildcardAnswer(WildcardExpansion)
    /// A referral to the named child carries no DS: the NSEC/NSEC3 at the delegation has NS set and DS and SOA
    /// clear, or the child lies in an NSEC3 opt-out span (RFC 4035 §5.2, RFC 5155 §8.9).
    case unsignedDelegation(Name)
}

/// What a proof established, for the caller to act on.
public struct DenialProof: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case nameError
        /// A record at the name itself shows the type absent.
        case noData
        /// The name owns nothing but has descendants (NSEC: the covering record's next name lies below it).
        case emptyNonTerminal
        case wildcardNoData
        case wildcardAnswer
        case unsignedDelegation
    }

    public var kind: Kind
    /// The closest encloser, where the proof established one (RFC 5155 §7.2.1; RFC 4035 §3.1.3.2).
    public var closestEncloser: Name?
    /// The types at the name, from its own NSEC/NSEC3 (`noData`, `unsignedDelegation`): for a DS query, NS
    /// in here means the name is a delegation without DS, so the child is unsigned.
    public var types: TypeBitmap?

    public init(kind: Kind, closestEncloser: Name? = nil, types: TypeBitmap? = nil) {
        self.kind = kind
        self.closestEncloser = closestEncloser
        self.types = types
    }
}

/// The outcome of a denial proof: `.secure` when proven; `.insecure` for an NSEC3 opt-out span (RFC 5155
/// §9.2), iterations above the limit (RFC 9276 §3.2) or only unknown hash algorithms (RFC 5155 §8.1); `.bogus`
/// otherwise (EDE 12 NSEC Missing when records are absent). `proof` says what was shown, also when insecure.
public struct DenialResult: Hashable, Sendable {
    public var verdict: Verdict
    public var proof: DenialProof?

    public init(verdict: Verdict, proof: DenialProof? = nil) {
        self.verdict = verdict
        self.proof = proof
    }

    static func bogus(_ kind: ValidationReason.Kind, _ text: String) -> DenialResult {
        DenialResult(verdict: .bogus(ValidationReason(kind, text)))
    }

    static func secure(_ proof: DenialProof) -> DenialResult {
        DenialResult(verdict: .secure, proof: proof)
    }
}

/// Checks authenticated denial of existence with NSEC (RFC 4035 §5.4, RFC 4034 §4) or NSEC3 (RFC 5155 §8).
///
/// `records` are the NSEC or NSEC3 RRsets of the reply that `RRSIGValidator` found secure as data of `zone`
/// (their signer); others must not be passed. NSEC is used when present, NSEC3 otherwise. NSEC3 hashes are
/// paid from `budget` (CVE-2023-50868).
public struct DenialValidator: Sendable {
    public var crypto: any DNSSECCrypto
    public var limits: ValidationLimits

    public init(crypto: any DNSSECCrypto, limits: ValidationLimits = ValidationLimits()) {
        self.crypto = crypto
        self.limits = limits
    }

    public func prove(_ claim: DenialClaim, zone: Name, records: [RRSet], budget: inout ValidationBudget) -> DenialResult {
        var nsec: [NSECRecord] = []
        var nsec3: [(owner: Name, record: NSEC3)] = []
        for rrset in records {
            for rdata in rrset.rdatas {
                switch rdata {
                case let .nsec(record) where rrset.type == .nsec:
                    nsec.append(NSECRecord(owner: rrset.name, nsec: record))
                case let .nsec3(record) where rrset.type == .nsec3:
                    nsec3.append((rrset.name, record))
                default:
                    continue
                }
            }
        }
        if !nsec.isEmpty {
            return NSECChain(zone: zone, records: nsec).prove(claim)
        }
        guard !nsec3.isEmpty else {
            return .bogus(.nsecMissing, "no NSEC or NSEC3 records from zone \(zone) to prove \(claim.summary)")
        }
        return NSEC3Denial(zone: zone, crypto: crypto, limits: limits).prove(claim, records: nsec3, budget: &budget)
    }
}

extension DenialClaim {
    /// Words for reason texts.
    var summary: String {
        switch self {
        case let .nameError(name): return "that \(name) does not exist"
        case let .noData(name, type): return "that \(name) has no \(type)"
        case let .wildcardAnswer(expansion):
            return "that \(expansion.nextCloser) does not exist (wildcard answer for \(expansion.name))"
        case let .unsignedDelegation(child): return "that the delegation to \(child) has no DS"
        }
    }
}

extension TypeBitmap {
    /// NS without SOA: an "ancestor delegation" record from the parent side of a zone cut, which must not be
    /// used to deny anything below the cut (RFC 6840 §4.1).
    var isDelegation: Bool { contains(.ns) && !contains(.soa) }

    /// RFC 6840 §4.1: neither a delegation record nor one with the DNAME bit may deny names below its owner.
    var blocksDescendants: Bool { isDelegation || contains(.dname) }
}
