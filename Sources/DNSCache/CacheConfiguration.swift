import DNSWire

/// The cache's limits, named after the configuration keys that set them.
///
/// TTL bounds apply when data is stored: the stored TTL is the received TTL raised to `minTTL`, then
/// lowered to `maxTTL` (so `maxTTL` wins if the two are set the wrong way round). Negative answers have
/// their own upper bound and no lower one (RFC 2308 §5).
public struct CacheConfiguration: Hashable, Sendable {
    /// `cache-size`: the most octets all entries together may be estimated to use, positive and negative
    /// alike. Least recently used entries are evicted to stay within it.
    public var maxBytes: Int
    /// `cache-min-ttl`: TTLs below this are raised to it. Raising TTLs overrides the zone owner's choice
    /// (RFC 1035 §3.2.1 makes the TTL theirs), so the default is 0.
    public var minTTL: UInt32
    /// `cache-max-ttl`: TTLs above this are lowered to it, so no stale data outlives a day by default.
    public var maxTTL: UInt32
    /// `cache-max-negative-ttl`: the longest an NXDOMAIN or NODATA answer is remembered (RFC 2308 §5 suggests
    /// one to three hours as an upper bound).
    public var maxNegativeTTL: UInt32
    /// `val-bogus-ttl`: the longest data found bogus is kept, so the validator tries again soon instead of
    /// failing for the data's whole TTL (as Unbound's `val-bogus-ttl`).
    public var bogusTTL: UInt32
    /// When a cached NXDOMAIN also answers for the names below it (RFC 8020).
    public var nxdomainCut: NXDomainCut

    public init(maxBytes: Int = 8 << 20, minTTL: UInt32 = 0, maxTTL: UInt32 = 86_400, maxNegativeTTL: UInt32 = 3_600,
                bogusTTL: UInt32 = 60, nxdomainCut: NXDomainCut = .always) {
        self.maxBytes = maxBytes
        self.minTTL = minTTL
        self.maxTTL = maxTTL
        self.maxNegativeTTL = maxNegativeTTL
        self.bogusTTL = bogusTTL
        self.nxdomainCut = nxdomainCut
    }

    /// The TTL a received positive TTL is stored with: within `minTTL...maxTTL`.
    public func boundedTTL(_ ttl: UInt32) -> UInt32 {
        min(max(ttl, minTTL), maxTTL)
    }

    /// The TTL a negative answer is stored with, from the SOA of its authority section: the lesser of the SOA
    /// record's TTL and its MINIMUM field (RFC 2308 §5), at most `maxNegativeTTL`. Nil without an SOA record,
    /// which RFC 2308 §5 says not to cache.
    public func negativeTTL(soa: RRSet) -> UInt32? {
        guard soa.type == .soa, case let .soa(fields)? = soa.rdatas.first else { return nil }
        return min(soa.ttl, fields.minimum, maxNegativeTTL)
    }
}

/// Whether a cached NXDOMAIN for a name also denies the names below it.
///
/// RFC 8020 §2: NXDOMAIN means nothing exists at or below the name, so a resolver SHOULD answer NXDOMAIN for
/// descendants from its cache. §4 lets a resolver limit this to validated NXDOMAINs, as Unbound's
/// `harden-below-nxdomain` does, because an unsigned NXDOMAIN may come from a broken server.
public enum NXDomainCut: Hashable, Sendable {
    /// Every cached NXDOMAIN denies its descendants.
    case always
    /// Only an NXDOMAIN whose status is `.secure` denies its descendants.
    case secureOnly
    /// An NXDOMAIN answers only for its own name.
    case off
}
