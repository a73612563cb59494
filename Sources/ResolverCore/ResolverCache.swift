import DNSCache
import DNSSEC
import DNSWire

/// The iterator's view of the cache: what it asks and stores, with the trust rank each kind of data gets.
///
/// Ranks (RFC 2181 §5.4.1): answers from an authoritative reply are `authAnswer`, from a non-authoritative one
/// `nonAuthAnswer`; a referral's NS RRset is `nonAuthAuthority`; glue and other additional addresses are
/// `additional`; the SOA of a negative answer is `authAuthority`.
public struct ResolverCache: Sendable {
    public internal(set) var store: DNSCache

    public init(configuration: CacheConfiguration = CacheConfiguration()) {
        store = DNSCache(configuration: configuration)
    }

    public enum Lookup: Equatable {
        case data(SignedRRSet, status: SecurityStatus)
        case cname(SignedRRSet, target: Name)
        case negative(nxDomain: Bool, soa: SignedRRSet?, proofs: [SignedRRSet], status: SecurityStatus)
    }

    /// An answer for the question from the cache, if there is one (glue and referral data are not answers).
    mutating func lookup(_ question: Question, now: Int64) -> Lookup? {
        switch store.answer(name: question.name, type: question.type, rrClass: question.rrClass, now: now) {
        case nil:
            return nil
        case let .rrset(cached)?:
            if cached.rrset.type == .cname, question.type != .cname, case let .cname(target)? = cached.rrset.rdatas.first {
                return .cname(cached.signed, target: target)
            }
            return .data(cached.signed, status: cached.status)
        case let .negative(negative)?:
            return .negative(nxDomain: negative.isNXDOMAIN, soa: negative.soa, proofs: negative.proofs, status: negative.status)
        }
    }

    /// The NS RRset of the deepest cached zone cut at or above `name`.
    mutating func closestDelegation(for name: Name, now: Int64) -> RRSet? {
        store.closestDelegation(for: name, now: now)?.ns.rrset
    }

    /// Cached addresses of a name server name; a family without a cached RRset is nil (unknown).
    mutating func addresses(of name: Name, now: Int64) -> AddressSet {
        let cached = store.addresses(for: name, now: now)
        var set = AddressSet(v4: cached.a == nil ? nil : cached.ipv4, v6: cached.aaaa == nil ? nil : cached.ipv6)
        // A cached NODATA for a family means: known to have none.
        if set.v4 == nil, case .negative? = store.answer(name: name, type: .a, now: now) { set.v4 = [] }
        if set.v6 == nil, case .negative? = store.answer(name: name, type: .aaaa, now: now) { set.v6 = [] }
        return set
    }

    /// Store answer RRsets; returns them as they will be served (TTL within the configured bounds).
    @discardableResult
    mutating func storeAnswer(_ rrsets: [SignedRRSet], authoritative: Bool, now: Int64) -> [SignedRRSet] {
        rrsets.map { signed in
            store.insert(signed, rank: authoritative ? .authAnswer : .nonAuthAnswer, now: now)
            return bounded(signed)
        }
    }

    /// Addresses from an additional section (glue, or the addresses of a priming answer's servers).
    mutating func storeAddresses(_ rrsets: [SignedRRSet], now: Int64) {
        for signed in rrsets { store.insert(signed, rank: .additional, now: now) }
    }

    /// A referral's NS RRset, its glue, and the DS (or denial of DS) the parent sent with it.
    mutating func storeReferral(ns: SignedRRSet, glue: [SignedRRSet], ds: [SignedRRSet], now: Int64) {
        store.insert(ns, rank: .nonAuthAuthority, now: now)
        for signed in ds where signed.rrset.type == .ds { store.insert(signed, rank: .nonAuthAuthority, now: now) }
        storeAddresses(glue, now: now)
    }

    /// An NXDOMAIN or NODATA answer; returns the SOA as it will be served (negative TTL), or nil if not cacheable.
    @discardableResult
    mutating func storeNegative(_ question: Question, nxDomain: Bool, soa: SignedRRSet, proofs: [SignedRRSet] = [],
                                now: Int64) -> SignedRRSet? {
        let key: NegativeKey = nxDomain ? .nxdomain(name: question.name, rrClass: question.rrClass)
            : .nodata(name: question.name, type: question.type, rrClass: question.rrClass)
        store.insertNegative(key, soa: soa, proofs: proofs, rank: .authAuthority, now: now)
        guard let ttl = store.configuration.negativeTTL(soa: soa.rrset) else { return nil }
        var served = soa
        served.rrset.ttl = ttl
        return served
    }

    /// Record the validator's verdict on an answer: its RRsets, and the denial it rests on.
    mutating func recordSecurity(_ status: SecurityStatus, of answer: Answer, now: Int64) {
        for signed in answer.answer { store.updateStatus(status, of: signed.rrset, now: now) }
        if answer.answer.isEmpty || answer.rcode == .nxDomain {
            let key: NegativeKey = answer.rcode == .nxDomain
                ? .nxdomain(name: answer.question.name, rrClass: answer.question.rrClass)
                : .nodata(name: answer.question.name, type: answer.question.type, rrClass: answer.question.rrClass)
            store.updateStatus(status, ofNegative: key, now: now)
        }
    }

    /// A proof RRset served with the negative TTL its SOA got (RFC 2308 §5: the whole denial expires together).
    static func withTTL(_ proof: SignedRRSet, of soa: SignedRRSet?) -> SignedRRSet {
        guard let soa else { return proof }
        var copy = proof
        copy.rrset.ttl = min(proof.rrset.ttl, soa.rrset.ttl)
        return copy
    }

    func bounded(_ signed: SignedRRSet) -> SignedRRSet {
        var copy = signed
        copy.rrset.ttl = store.configuration.boundedTTL(signed.rrset.ttl)
        return copy
    }
}
