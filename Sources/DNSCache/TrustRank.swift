/// How far cached data can be trusted, judged by where in which reply it was found (RFC 2181 §5.4.1).
///
/// The order is the RFC's list without the entries for a server's own zones (this is a resolver):
/// authoritative answers first, then the authority section of an authoritative reply, then
/// non-authoritative answers, with the authority section of a non-authoritative reply and additional data
/// last. The bottom group is split as Unbound splits it (`rrset_trust_add_*` below `rrset_trust_auth_noAA`),
/// so a referral's NS RRset outranks glue.
///
/// Whether the data has been *validated* is not a rank here but the separate `SecurityStatus`; the rule
/// that weighs both is on `DNSCache.insert(_:rank:status:now:)`.
public enum TrustRank: Int, Comparable, CaseIterable, Sendable {
    /// The additional section of any reply: glue addresses in a referral, addresses a server volunteers.
    /// RFC 2181 §5.4.1: the least trustworthy data; it should never be returned as an answer to a query.
    case additional = 0
    /// The authority section of a non-authoritative reply: above all a referral's NS RRset, the parent
    /// zone's copy of a delegation (RFC 2181 §5.4.1 puts it with additional data; Unbound one step above).
    case nonAuthAuthority = 1
    /// The answer section of a non-authoritative reply, and answer data an authoritative reply carries for
    /// names outside its zone (RFC 2181 §5.4.1: "non-authoritative data from the answer section of
    /// authoritative answers"), such as a CNAME target's records that the scrubber kept.
    case nonAuthAnswer = 2
    /// The authority section of an authoritative reply: the zone's own NS RRset at its apex, and the SOA
    /// that comes with a negative answer (RFC 2181 §5.4.1, RFC 2308 §3).
    case authAuthority = 3
    /// The answer section of an authoritative reply (AA=1) for data in the server's zone: "the
    /// authoritative data included in the answer section of an authoritative reply" (RFC 2181 §5.4.1).
    case authAnswer = 4

    public static func < (lhs: TrustRank, rhs: TrustRank) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The validator's verdict on cached data, in the terms of RFC 4033 §5 plus one for "not looked at yet".
public enum SecurityStatus: Hashable, Sendable {
    /// Not validated yet: the iterator stored it, the validator has not ruled on it.
    case unchecked
    /// RFC 4033 §5: no trust anchor covers the data, so its security cannot be decided.
    case indeterminate
    /// RFC 4033 §5: a signed chain of trust proves the zone (or the delegation leading to it) unsigned.
    case insecure
    /// RFC 4033 §5: an unbroken chain of signed DNSKEY and DS RRs from a trust anchor vouches for the data.
    case secure
    /// RFC 4033 §5: a trust anchor says the data should be signed, and it failed to validate. Kept at most
    /// `CacheConfiguration.bogusTTL` seconds.
    case bogus
}
