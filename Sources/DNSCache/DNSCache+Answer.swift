import DNSWire

/// What the cache knows about a question.
public enum CacheAnswer: Hashable, Sendable {
    /// The RRset asked for, or a CNAME at the name when the type asked for is not cached.
    case rrset(CachedRRSet)
    /// NXDOMAIN (for the name or, by RFC 8020, an ancestor) or NODATA.
    case negative(NegativeAnswer)
}

extension DNSCache {
    /// Answer a question from the cache, positive or negative; nil when the resolver has to ask.
    ///
    /// Candidates are the RRset of the type asked (else a CNAME at the name, RFC 1034 §4.3.2 step 3a), a NODATA
    /// for the name and type, and the NXDOMAIN denying the name (its own, or a cached ancestor's by RFC 8020).
    /// Positive data ranked below `minimumRank` is not an answer: RFC 2181 §5.4.1 says glue and referral data
    /// should never be returned as answers, so the default leaves them to the iterator. When several candidates
    /// apply they compete as two RRsets for one key do (see `insert(_:rank:status:now:)`), the newer being the
    /// newcomer: higher trust wins, and on equal trust the newer.
    ///
    /// DNAME at ancestors is not looked for here: following it is the iterator's work.
    public mutating func answer(name: Name, type: RRType, rrClass: RRClass = .in,
                                minimumRank: TrustRank = .nonAuthAnswer, now: Int64) -> CacheAnswer? {
        var candidates: [(answer: CacheAnswer, meta: EntryMeta, key: EntryKey)] = []
        for positiveType in type == .cname ? [type] : [type, .cname] {
            let key = EntryKey.positive(RRSetKey(name: name, type: positiveType, rrClass: rrClass))
            if case let .positive(data, meta)? = liveEntry(key, now: now), meta.rank >= minimumRank,
               let remaining = meta.remainingTTL(now: now) {
                let cached = CachedRRSet(signed: data.withTTL(remaining), rank: meta.rank, status: meta.status)
                candidates.append((.rrset(cached), meta, key))
                break
            }
        }
        let nodata = NegativeKey.nodata(name: name, type: type, rrClass: rrClass)
        if case let .negative(data, meta)? = liveEntry(.negative(nodata), now: now),
           let answer = negativeAnswer(nodata, data, meta, now: now) {
            candidates.append((.negative(answer), meta, .negative(nodata)))
        }
        if let denial = nxdomainDenying(name, rrClass: rrClass, now: now),
           let answer = negativeAnswer(denial.key, denial.data, denial.meta, now: now) {
            candidates.append((.negative(answer), denial.meta, .negative(denial.key)))
        }

        let byAge = candidates.sorted { $0.meta.generation < $1.meta.generation }
        guard var winner = byAge.first else {
            count(false)
            return nil
        }
        for newer in byAge.dropFirst() where newer.meta.displaces(winner.meta, sameData: false) {
            winner = newer
        }
        store.touch(winner.key)
        count(true)
        return winner.answer
    }
}
