import DNSWire

/// The cached address RRsets of one name (a name server's, typically).
public struct CachedAddresses: Hashable, Sendable {
    public var a: CachedRRSet?
    public var aaaa: CachedRRSet?

    public init(a: CachedRRSet?, aaaa: CachedRRSet?) {
        self.a = a
        self.aaaa = aaaa
    }

    public var ipv4: [IPv4Address] {
        a?.rrset.rdatas.compactMap { if case let .a(address) = $0 { return address } else { return nil } } ?? []
    }

    public var ipv6: [IPv6Address] {
        aaaa?.rrset.rdatas.compactMap { if case let .aaaa(address) = $0 { return address } else { return nil } } ?? []
    }

    /// True when neither family has a cached RRset.
    public var isEmpty: Bool { a == nil && aaaa == nil }
}

extension DNSCache {
    /// The deepest zone cut at or above `name` with a live NS RRset: where iteration resumes (RFC 1034 §4.3.2
    /// step 2, "the best servers to ask"). Walks up the name's ancestors, one probe per label.
    ///
    /// Any rank counts: a referral's NS RRset (`.nonAuthAuthority`) is what iteration runs on, and the rank and
    /// status travel with the result for the caller to weigh. For a DS question, which the parent side of a
    /// cut answers (RFC 4035 §3.1.4.1), ask for `name.parent`.
    public mutating func closestDelegation(for name: Name, rrClass: RRClass = .in,
                                           now: Int64) -> (zone: Name, ns: CachedRRSet)? {
        var candidate: Name? = name
        while let zone = candidate {
            if let ns = cachedRRSet(RRSetKey(name: zone, type: .ns, rrClass: rrClass), now: now) {
                count(true)
                return (zone, ns)
            }
            candidate = zone.parent
        }
        count(false)
        return nil
    }

    /// The live A and AAAA RRsets of `name`, of any rank (glue included: the iterator checks bailiwick
    /// before storing glue). Counts one hit when either is found.
    public mutating func addresses(for name: Name, rrClass: RRClass = .in, now: Int64) -> CachedAddresses {
        let found = CachedAddresses(a: cachedRRSet(RRSetKey(name: name, type: .a, rrClass: rrClass), now: now),
                                    aaaa: cachedRRSet(RRSetKey(name: name, type: .aaaa, rrClass: rrClass), now: now))
        count(!found.isEmpty)
        return found
    }
}
