import DNSWire

/// The key of any cache entry: positive RRsets and negative answers share one store and one byte budget.
enum EntryKey: Hashable, Sendable {
    case positive(RRSetKey)
    case negative(NegativeKey)
}

/// A stored entry: its data, and how far and how long it is trusted.
enum Entry: Sendable {
    case positive(SignedRRSet, EntryMeta)
    case negative(NegativeData, EntryMeta)

    var meta: EntryMeta {
        get {
            switch self {
            case let .positive(_, meta), let .negative(_, meta): return meta
            }
        }
        set {
            switch self {
            case let .positive(data, _): self = .positive(data, newValue)
            case let .negative(data, _): self = .negative(data, newValue)
            }
        }
    }
}

/// What an NXDOMAIN or NODATA entry keeps: the SOA that set its TTL, and the denial proofs a DO client needs.
struct NegativeData: Hashable, Sendable {
    var soa: SignedRRSet
    var proofs: [SignedRRSet]
}

/// Provenance and lifetime of one entry.
struct EntryMeta: Sendable {
    var rank: TrustRank
    var status: SecurityStatus
    /// The TTL as stored, after bounds; the remaining TTL never exceeds it, even if the clock steps back.
    var ttl: UInt32
    /// Seconds since the epoch at which the entry stops being served.
    var expiry: Int64
    /// Order of storing: larger is newer. Breaks ties between positive and negative data for one question.
    var generation: UInt64 = 0

    init(rank: TrustRank, status: SecurityStatus, ttl: UInt32, now: Int64) {
        self.rank = rank
        self.status = status
        self.ttl = ttl
        self.expiry = now + Int64(ttl)
    }

    /// Seconds left at `now`; nil once expired (an entry with nothing left is a miss).
    func remainingTTL(now: Int64) -> UInt32? {
        let left = expiry - now
        guard left > 0 else { return nil }
        return UInt32(min(Int64(ttl), left))
    }

    /// Shorten the lifetime to at most `seconds` from `now`; never lengthens it.
    mutating func limitLifetime(to seconds: UInt32, now: Int64) {
        ttl = min(ttl, seconds)
        expiry = min(expiry, now + Int64(seconds))
    }

    /// Whether data described by `self`, arriving now, takes the place of live data described by `incumbent`.
    ///
    /// The rule, in order (Unbound's `need_to_update_rrset`):
    /// 1. Secure data displaces data that is not secure.
    /// 2. Secure data is never displaced by data that is not secure: a spoofed or stripped answer cannot
    ///    undo a validation while the secure data lives.
    /// 3. Data that is not bogus displaces bogus data, unless it is the very same RDATA: refetching the
    ///    same records unvalidated must not launder the verdict before `bogusTTL` runs out.
    /// 4. Otherwise RFC 2181 §5.4.1: equal or higher rank displaces, lower rank never does (glue never
    ///    overwrites an authoritative answer).
    /// Expired data is a miss and is displaced by anything; callers check that before asking.
    func displaces(_ incumbent: EntryMeta, sameData: Bool) -> Bool {
        if status == .secure, incumbent.status != .secure { return true }
        if incumbent.status == .secure, status != .secure { return false }
        if incumbent.status == .bogus, status != .bogus { return !sameData }
        return rank >= incumbent.rank
    }
}
