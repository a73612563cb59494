import DNSCache
import DNSWire

/// The keys a validation starts from: a trust anchor for `zone` given as DS records, DNSKEYs, or both
/// (RFC 4033 §2, RFC 4035 §4.4). The TrustAnchors module produces these.
public struct AnchorKeys: Hashable, Sendable {
    public var zone: Name
    public var ds: [DS]
    public var dnskeys: [DNSKEY]
    /// Set when the anchor cannot be used (an RFC 5011 managed anchor that is stale or has lost every trusted
    /// key): everything below `zone` is then bogus with this reason, never unvalidated.
    public var problem: ValidationReason?

    public init(zone: Name, ds: [DS] = [], dnskeys: [DNSKEY] = [], problem: ValidationReason? = nil) {
        self.zone = zone
        self.ds = ds
        self.dnskeys = dnskeys
        self.problem = problem
    }

    /// The key tags the anchor trusts, DS and DNSKEY forms together, sorted, without duplicates.
    public var keyTags: [UInt16] {
        Array(Set(ds.map(\.keyTag) + dnskeys.map(\.keyTag))).sorted()
    }
}

/// What kind of reply the iterator classified, which decides what must be proven (RFC 4035 §5.4).
public enum ResponseKind: Hashable, Sendable {
    /// Data for the question (possibly through CNAMEs, possibly from a wildcard).
    case positive
    /// NXDOMAIN: the denial of the final name must be proven.
    case nameError
    /// NODATA: the denial of the type at the final name must be proven.
    case noData
    /// A referral to `child` that carries no DS: the parent's NSEC/NSEC3 must prove the delegation unsigned.
    case insecureReferral(child: Name)
}

/// One reply to validate: its answer and authority sections as signed RRsets.
public struct ChainResponse: Hashable, Sendable {
    public var kind: ResponseKind
    public var answer: [SignedRRSet]
    public var authority: [SignedRRSet]

    public init(kind: ResponseKind, answer: [SignedRRSet] = [], authority: [SignedRRSet] = []) {
        self.kind = kind
        self.answer = answer
        self.authority = authority
    }
}

/// The caller's answer to `ChainStep.needDS`.
public enum DSLookup: Hashable, Sendable {
    /// The DS RRset with its RRSIGs. A `.secure` status (from the cache) skips the signature check.
    case signed(SignedRRSet, status: SecurityStatus = .unchecked)
    /// The parent answered NODATA or NXDOMAIN for the DS: its NSEC/NSEC3 RRsets (with RRSIGs) and SOA.
    case denied([SignedRRSet])
    /// The name is not a zone cut: the walk goes on below it.
    case notACut
    /// The lookup failed; `unreachable` when no authority answered (EDE 22 rather than EDE 9).
    case failed(String, unreachable: Bool = false)
}

/// What the chain needs next, or its final result.
public enum ChainStep: Hashable, Sendable {
    case needDNSKEY(zone: Name)
    case needDS(zone: Name)
    case done(ChainResult)
}

/// Where a validated RRset came from.
public enum ChainSection: Hashable, Sendable {
    case answer
    case authority
    /// A DNSKEY or DS RRset fetched to build the chain.
    case chain
}

/// One RRset with the status to cache it under; TTL capped by RFC 4035 §5.3.3 when secure.
public struct ValidatedRRSet: Hashable, Sendable {
    public var rrset: SignedRRSet
    public var section: ChainSection
    public var status: SecurityStatus

    public init(rrset: SignedRRSet, section: ChainSection, status: SecurityStatus) {
        self.rrset = rrset
        self.section = section
        self.status = status
    }
}

/// The outcome of a chain of trust for one reply.
public struct ChainResult: Hashable, Sendable {
    /// Secure answers earn AD; bogus ones become SERVFAIL (RFC 4035 §5.5).
    public var verdict: Verdict
    /// The answer and authority RRsets, each with its own status.
    public var rrsets: [ValidatedRRSet]
    /// The DNSKEY and DS RRsets validated on the way, so the caller can cache them and pass them back with
    /// their status next time.
    public var chain: [ValidatedRRSet]
    /// The Extended DNS Error for the reply (RFC 8914); nil when there is nothing to say.
    public var extendedError: ExtendedDNSError?

    public init(verdict: Verdict, rrsets: [ValidatedRRSet], chain: [ValidatedRRSet], extendedError: ExtendedDNSError?) {
        self.verdict = verdict
        self.rrsets = rrsets
        self.chain = chain
        self.extendedError = extendedError
    }
}
