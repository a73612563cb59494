import DNSWire

/// The RRset cache and negative cache of one resolver, with trust ranks, security status, TTL bounds and a
/// byte cap with least-recently-used eviction.
///
/// Sans-I/O: it never reads a clock. Every call that needs the time takes `now`, wall-clock seconds since the
/// Unix epoch, and an entry stored at `t` with TTL `n` is served until `t + n` with TTL `t + n - now`.
///
/// A value type without locks: the resolver core runs one cache per event loop thread and calls it only from
/// that thread. Sharing one cache between threads means putting it behind a lock (or shards) outside.
///
/// Positive RRsets (DNSKEY and DS among them, found by `(zone, .dnskey)` and `(zone, .ds)` like any other) and
/// negative answers live in one store under one budget, `CacheConfiguration.maxBytes`. An entry's size is the
/// wire size of its RRsets and signatures plus `entryOverhead`; storing evicts the least recently used entries
/// until the total fits, so it never exceeds the cap. Expired entries are misses and are removed when met.
public struct DNSCache: Sendable {
    /// Octets counted for every entry on top of its wire size: the dictionary slot, the list links, the key's
    /// and arrays' headers and the rank, status and lifetime. An estimate, as Unbound's is.
    public static let entryOverhead = 160

    public let configuration: CacheConfiguration
    var store = LRUStore<EntryKey, Entry>()
    var counters = CacheStatistics()
    var generation: UInt64 = 0
    /// NXDOMAIN entries in the store: when there are none, the RFC 8020 walk up the name is skipped.
    var nxdomainCount = 0

    public init(configuration: CacheConfiguration = CacheConfiguration()) {
        self.configuration = configuration
    }

    /// Counters since creation, with the current number of entries and octets.
    public var statistics: CacheStatistics {
        var snapshot = counters
        snapshot.entries = store.count
        snapshot.bytes = store.totalSize
        return snapshot
    }

    /// Drop every entry; counters are kept.
    public mutating func removeAll() {
        store.removeAll()
        nxdomainCount = 0
    }

    // MARK: Positive RRsets

    /// Store an RRset (with its RRSIGs) found in a reply, unless live data for the same key outranks it.
    ///
    /// The TTL is bounded to `minTTL...maxTTL`; data that ends up with TTL 0 is not cached (RFC 1035 §3.2.1).
    /// Bogus data is kept at most `bogusTTL` seconds.
    ///
    /// Replacement (RFC 2181 §5.4.1, as Unbound): secure data displaces data that is not secure, and is kept
    /// against any newcomer that is not secure until it expires; data that is not bogus displaces bogus data
    /// unless it carries the same RDATA; otherwise equal or higher rank displaces and lower rank is refused
    /// (glue never overwrites an authoritative answer). Expired data is displaced by anything.
    ///
    /// An NS RRset replaced at the same rank keeps the old entry's expiry: a zone's servers cannot keep a
    /// delegation alive forever by re-serving it ("ghost domain names"; Unbound's `need_to_update_rrset`).
    ///
    /// Negative entries this data contradicts (NODATA for the same key, an NXDOMAIN at or above the owner) are
    /// removed when the same rule lets the new data displace them.
    @discardableResult
    public mutating func insert(_ data: SignedRRSet, rank: TrustRank, status: SecurityStatus = .unchecked,
                                now: Int64) -> InsertResult {
        let rrsetKey = data.rrset.cacheKey
        let key = EntryKey.positive(rrsetKey)
        var meta = EntryMeta(rank: rank, status: status, ttl: configuration.boundedTTL(data.rrset.ttl), now: now)
        if status == .bogus { meta.limitLifetime(to: configuration.bogusTTL, now: now) }
        let size = DNSCache.entryOverhead + data.wireSize
        guard meta.ttl > 0, size <= configuration.maxBytes else { return .notCached }

        if case let .positive(old, oldMeta)? = liveEntry(key, now: now) {
            guard meta.displaces(oldMeta, sameData: old.rrset.hasSameRData(as: data.rrset)) else {
                counters.rejectedByRank += 1
                return .keptExisting
            }
            let upgrade = meta.rank > oldMeta.rank || (meta.status == .secure && oldMeta.status != .secure)
            if data.rrset.type == .ns, !upgrade { meta.expiry = min(meta.expiry, oldMeta.expiry) }
        }
        removeNegatives(contradictedBy: rrsetKey, meta: meta, now: now)
        put(key, .positive(data.withTTL(meta.ttl), meta), size: size)
        return .stored
    }

    /// Store an RRset without signatures; see `insert(_:rank:status:now:)` for the rules.
    @discardableResult
    public mutating func insert(_ rrset: RRSet, rank: TrustRank, status: SecurityStatus = .unchecked,
                                now: Int64) -> InsertResult {
        insert(SignedRRSet(rrset), rank: rank, status: status, now: now)
    }

    /// The live RRset for `key`, its TTL lowered to what remains at `now`; nil when absent or expired.
    public mutating func lookup(_ key: RRSetKey, now: Int64) -> CachedRRSet? {
        let found = cachedRRSet(key, now: now)
        count(found != nil)
        return found
    }

    /// The live RRset for owner, type and class; see `lookup(_:now:)`.
    public mutating func lookup(name: Name, type: RRType, rrClass: RRClass = .in, now: Int64) -> CachedRRSet? {
        lookup(RRSetKey(name: name, type: type, rrClass: rrClass), now: now)
    }

    /// Record the validator's verdict on a cached RRset, if the cache still holds the same RDATA (it may have
    /// been replaced while the validator worked: Unbound's `rrset_update_sec_status` checks the same).
    /// Marking it bogus shortens its life to `bogusTTL`. True when the entry was updated.
    @discardableResult
    public mutating func updateStatus(_ status: SecurityStatus, of rrset: RRSet, now: Int64) -> Bool {
        let key = EntryKey.positive(rrset.cacheKey)
        guard case let .positive(data, _)? = liveEntry(key, now: now), data.rrset.hasSameRData(as: rrset) else {
            return false
        }
        setStatus(status, of: key, now: now)
        return true
    }

    /// Forget the RRset for `key`. True when there was one.
    @discardableResult
    public mutating func remove(_ key: RRSetKey) -> Bool {
        discard(.positive(key))
    }

    // MARK: Shared machinery

    /// The live RRset for `key`, marked as used; no statistics.
    mutating func cachedRRSet(_ key: RRSetKey, now: Int64) -> CachedRRSet? {
        let entryKey = EntryKey.positive(key)
        guard case let .positive(data, meta)? = liveEntry(entryKey, now: now),
              let remaining = meta.remainingTTL(now: now)
        else { return nil }
        store.touch(entryKey)
        return CachedRRSet(signed: data.withTTL(remaining), rank: meta.rank, status: meta.status)
    }

    /// The entry for `key` if it is still live at `now`; an expired one is removed. Leaves the LRU order alone.
    mutating func liveEntry(_ key: EntryKey, now: Int64) -> Entry? {
        guard let entry = store.peek(key) else { return nil }
        guard entry.meta.remainingTTL(now: now) != nil else {
            discard(key)
            counters.expired += 1
            return nil
        }
        return entry
    }

    /// Store as the newest entry, then evict the least recently used until the total fits the cap.
    /// The caller has checked that `size` alone fits, so the new entry itself is never evicted.
    mutating func put(_ key: EntryKey, _ entry: Entry, size: Int) {
        generation += 1
        var entry = entry
        entry.meta.generation = generation
        if case .negative(.nxdomain) = key, store.peek(key) == nil { nxdomainCount += 1 }
        store.set(key, entry, size: size)
        while store.totalSize > configuration.maxBytes, let victim = store.removeOldest() {
            if case .negative(.nxdomain) = victim { nxdomainCount -= 1 }
            counters.evictions += 1
        }
    }

    /// Remove an entry, keeping the NXDOMAIN count right. True when there was one.
    @discardableResult
    mutating func discard(_ key: EntryKey) -> Bool {
        guard store.remove(key) != nil else { return false }
        if case .negative(.nxdomain) = key { nxdomainCount -= 1 }
        return true
    }

    /// Set an entry's status; bogus also shortens its life to `bogusTTL`.
    mutating func setStatus(_ status: SecurityStatus, of key: EntryKey, now: Int64) {
        let bogusTTL = configuration.bogusTTL
        store.modify(key) { entry in
            entry.meta.status = status
            if status == .bogus { entry.meta.limitLifetime(to: bogusTTL, now: now) }
        }
    }

    mutating func count(_ hit: Bool) {
        if hit { counters.hits += 1 } else { counters.misses += 1 }
    }
}

/// What became of data offered to the cache.
public enum InsertResult: Hashable, Sendable {
    /// Stored, as a new entry or in place of an older one.
    case stored
    /// Refused: live data for the same key ranks above it (counted in `rejectedByRank`).
    case keptExisting
    /// Not cacheable: its TTL is 0 after bounds, it is larger than the whole cache, or (negative answers)
    /// it has no SOA to take a negative TTL from (RFC 2308 §5).
    case notCached
}

/// A cached RRset as served: its TTL is what remains, and its RRSIGs carry the same TTL.
public struct CachedRRSet: Hashable, Sendable {
    public var signed: SignedRRSet
    public var rank: TrustRank
    public var status: SecurityStatus

    public init(signed: SignedRRSet, rank: TrustRank, status: SecurityStatus) {
        self.signed = signed
        self.rank = rank
        self.status = status
    }

    public var rrset: RRSet { signed.rrset }
    public var signatures: [RRSIG] { signed.signatures }
}

/// Counters for monitoring (`unbound-control stats` style).
public struct CacheStatistics: Hashable, Sendable {
    /// Entries now held, positive and negative.
    public var entries = 0
    /// Estimated octets now held; never above `CacheConfiguration.maxBytes`.
    public var bytes = 0
    /// Lookups that found live data.
    public var hits: UInt64 = 0
    /// Lookups that found nothing live.
    public var misses: UInt64 = 0
    /// Entries dropped to stay within the byte cap.
    public var evictions: UInt64 = 0
    /// Entries found expired and removed.
    public var expired: UInt64 = 0
    /// Insertions refused because live data for the key ranks above them.
    public var rejectedByRank: UInt64 = 0

    public init() {}
}
