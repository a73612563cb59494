import DNSWire

/// Limits on the work one client question may cause, so that no answer (or attacker) can make the resolver
/// loop or amplify: every limit reached ends in SERVFAIL with an Extended DNS Error, never a hang.
public struct WorkLimits: Sendable, Equatable {
    /// Referrals followed for one name (Unbound: max referral count).
    public var maxReferrals = 30
    /// `max-upstream-queries`: upstream queries sent on behalf of one client question, all its sub-lookups
    /// included (CNAME targets, NS addresses, the DNSKEY and DS lookups of its validation). Unbound's global
    /// quota for a query and its sub-queries is 128 (MAX_GLOBAL_QUOTA) with 32 per sub-query
    /// (`max-sent-count`); one question here rarely needs more than 20.
    public var maxUpstreamQueries = 64
    /// Lookups of NS names' addresses for one client question (NXNS mitigation, CVE-2020-12662).
    public var maxNSLookups = 12
    /// Of those, how many may fail before the question is given up (Unbound: 5).
    public var maxFailedNSLookups = 5
    /// Nesting of NS-address lookups inside NS-address lookups.
    public var maxLookupDepth = 4
    /// Rounds over a zone's servers: when every server has been tried without an answer, they are all
    /// tried again (with the longer timeouts backoff has given them), up to this many rounds in all.
    public var maxServerRounds = 3
    /// `client-timeout-ms`: the hard deadline of one client question, sub-lookups and validation included:
    /// when it passes, the question is answered SERVFAIL with an Extended DNS Error saying what was tried,
    /// and its upstream queries in flight are cancelled. Below dig's 5 s (and most stub resolvers' first
    /// retry), so that the client sees the SERVFAIL rather than a timeout. Priming and background work
    /// (RFC 5011 refreshes) are held to the same time.
    public var clientTimeout: UInt64 = 3_500
    /// `num-queries-per-thread`: client questions one worker resolves at once (joined duplicates count once).
    /// When full, a new question takes the place of the oldest if that one has run longer than
    /// `jostleTimeout` (it is answered SERVFAIL), else the new one is answered SERVFAIL at once (Unbound's rule).
    public var maxClientResolutions = 1024
    /// `jostle-timeout`: milliseconds a question runs before a new one may take its place when full.
    public var jostleTimeout: UInt64 = 200
    /// CNAME and DNAME links followed (Unbound: 11 restarts).
    public var maxChainLength = 11
    public init() {}
}

/// How the iterator behaves. Option names in comments are the configuration keys (Unbound's names).
public struct ResolverConfiguration: Sendable {
    /// `edns-buffer-size`: the EDNS payload size advertised upstream (RFC 6891).
    public var ednsBufferSize: UInt16 = EDNS.defaultPayloadSize
    /// `edns-fallback-size`: advertised after a timeout that looks like fragment loss.
    public var ednsFallbackSize: UInt16 = 1232
    /// `prime`: ask the root hints for the current root NS set before the first resolution (RFC 8109).
    public var prime = true
    /// The port authoritative servers are asked on (53; test labs may use another).
    public var upstreamPort: UInt16 = 53
    /// `qname-minimisation` (RFC 9156, relaxed).
    public var qnameMinimisation = true
    /// `use-caps-for-id`: 0x20 case randomisation of upstream questions.
    public var useCapsForID = false
    /// `do-ip4`, `do-ip6`: which address families are used (and looked up) upstream.
    public var doIPv4 = true
    public var doIPv6 = true
    /// `do-not-query-localhost`.
    public var doNotQueryLocalhost = true
    /// `harden-glue`: glue outside the delegating zone is dropped, not used.
    public var hardenGlue = true
    /// Set DO on upstream queries so that signatures and proofs are fetched and cached for validation.
    public var dnssecOK = true
    public var limits = WorkLimits()
    public var infrastructure = InfrastructureCache.Configuration()

    public init() {}
}
