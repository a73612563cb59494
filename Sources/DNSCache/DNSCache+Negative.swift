import DNSWire

/// What a negative entry denies (RFC 2308 §1, §5).
public enum NegativeKey: Hashable, Sendable {
    /// Name error: no data of any type exists at the name, nor (RFC 8020) below it.
    case nxdomain(name: Name, rrClass: RRClass = .in)
    /// No data: the name exists but has no RRset of this type.
    case nodata(name: Name, type: RRType, rrClass: RRClass = .in)

    public var name: Name {
        switch self {
        case let .nxdomain(name, _), let .nodata(name, _, _): return name
        }
    }
}

/// A cached negative answer as served: every RRset's TTL is the negative TTL that remains (RFC 2308 §5).
public struct NegativeAnswer: Hashable, Sendable {
    /// The cached denial. For an NXDOMAIN found by the RFC 8020 cut, its name is an ancestor of the name asked.
    public var key: NegativeKey
    /// The SOA (and its RRSIGs) for the authority section.
    public var soa: SignedRRSet
    /// The NSEC or NSEC3 RRsets and their RRSIGs proving the denial, for a DO client.
    public var proofs: [SignedRRSet]
    public var rank: TrustRank
    public var status: SecurityStatus

    public init(key: NegativeKey, soa: SignedRRSet, proofs: [SignedRRSet], rank: TrustRank, status: SecurityStatus) {
        self.key = key
        self.soa = soa
        self.proofs = proofs
        self.rank = rank
        self.status = status
    }

    public var isNXDOMAIN: Bool {
        if case .nxdomain = key { return true }
        return false
    }

    /// Seconds the denial remains valid.
    public var ttl: UInt32 { soa.rrset.ttl }

    /// The authority section for the answer: the SOA, then the proofs, with their signatures.
    public var authorityRecords: [Record] {
        soa.records + proofs.flatMap(\.records)
    }
}

extension DNSCache {
    /// Store an NXDOMAIN or NODATA answer with the SOA from its authority section and, for a DO client, the
    /// NSEC/NSEC3 RRsets that prove it.
    ///
    /// RFC 2308 §5: the negative TTL is the lesser of the SOA's TTL and its MINIMUM field, here also bounded by
    /// `maxNegativeTTL` (`minTTL` does not apply); an answer without an SOA is not cached. The same replacement
    /// rule as for RRsets applies between negative entries for one key. A NODATA entry that displaces by that
    /// rule removes the positive RRset of the same key; an NXDOMAIN leaves RRsets below it in place, and
    /// `answer(name:type:rrClass:minimumRank:now:)` weighs them against it when asked.
    @discardableResult
    public mutating func insertNegative(_ negativeKey: NegativeKey, soa: SignedRRSet, proofs: [SignedRRSet] = [],
                                        rank: TrustRank, status: SecurityStatus = .unchecked, now: Int64) -> InsertResult {
        guard let ttl = configuration.negativeTTL(soa: soa.rrset) else { return .notCached }
        var meta = EntryMeta(rank: rank, status: status, ttl: ttl, now: now)
        if status == .bogus { meta.limitLifetime(to: configuration.bogusTTL, now: now) }
        let data = NegativeData(soa: soa, proofs: proofs)
        let size = DNSCache.entryOverhead + negativeKey.name.wire.count + soa.wireSize + proofs.reduce(0) { $0 + $1.wireSize }
        guard meta.ttl > 0, size <= configuration.maxBytes else { return .notCached }

        let key = EntryKey.negative(negativeKey)
        if case let .negative(old, oldMeta)? = liveEntry(key, now: now), !meta.displaces(oldMeta, sameData: old == data) {
            counters.rejectedByRank += 1
            return .keptExisting
        }
        if case let .nodata(name, type, rrClass) = negativeKey {
            let positive = EntryKey.positive(RRSetKey(name: name, type: type, rrClass: rrClass))
            if let entry = liveEntry(positive, now: now), meta.displaces(entry.meta, sameData: false) { discard(positive) }
        }
        put(key, .negative(data, meta), size: size)
        return .stored
    }

    /// Record the validator's verdict on a cached negative answer; bogus shortens its life to `bogusTTL`.
    /// True when there was a live entry to update.
    @discardableResult
    public mutating func updateStatus(_ status: SecurityStatus, ofNegative negativeKey: NegativeKey, now: Int64) -> Bool {
        let key = EntryKey.negative(negativeKey)
        guard liveEntry(key, now: now) != nil else { return false }
        setStatus(status, of: key, now: now)
        return true
    }

    /// Forget a negative answer. True when there was one.
    @discardableResult
    public mutating func remove(_ negativeKey: NegativeKey) -> Bool {
        discard(.negative(negativeKey))
    }

    /// The live NXDOMAIN that denies `name`: one cached for the name itself, or else the closest one cached for
    /// an ancestor, when `nxdomainCut` lets it deny descendants (RFC 8020 §2). Walks up the name's ancestors,
    /// one dictionary probe per label, and not at all while no NXDOMAIN is cached.
    mutating func nxdomainDenying(_ name: Name, rrClass: RRClass, now: Int64) -> (key: NegativeKey, data: NegativeData, meta: EntryMeta)? {
        guard nxdomainCount > 0 else { return nil }
        var candidate: Name? = name
        var isAncestor = false
        while let current = candidate {
            let key = NegativeKey.nxdomain(name: current, rrClass: rrClass)
            if case let .negative(data, meta)? = liveEntry(.negative(key), now: now),
               !isAncestor || cutApplies(to: meta.status) {
                return (key, data, meta)
            }
            guard configuration.nxdomainCut != .off else { return nil }
            candidate = current.parent
            isAncestor = true
        }
        return nil
    }

    private func cutApplies(to status: SecurityStatus) -> Bool {
        switch configuration.nxdomainCut {
        case .always: return true
        case .secureOnly: return status == .secure
        case .off: return false
        }
    }

    /// Remove the NODATA for `key` and the NXDOMAINs denying its owner that `meta` displaces: authoritative
    /// data for a name proves those denials stale.
    mutating func removeNegatives(contradictedBy key: RRSetKey, meta: EntryMeta, now: Int64) {
        let nodata = EntryKey.negative(.nodata(name: key.name, type: key.type, rrClass: key.rrClass))
        if let entry = liveEntry(nodata, now: now), meta.displaces(entry.meta, sameData: false) { discard(nodata) }
        while let denial = nxdomainDenying(key.name, rrClass: key.rrClass, now: now),
              meta.displaces(denial.meta, sameData: false) {
            discard(.negative(denial.key))
        }
    }

    /// A served negative answer from a stored one, every TTL set to what remains.
    func negativeAnswer(_ key: NegativeKey, _ data: NegativeData, _ meta: EntryMeta, now: Int64) -> NegativeAnswer? {
        guard let remaining = meta.remainingTTL(now: now) else { return nil }
        return NegativeAnswer(key: key, soa: data.soa.withTTL(remaining), proofs: data.proofs.map { $0.withTTL(remaining) },
                              rank: meta.rank, status: meta.status)
    }
}
