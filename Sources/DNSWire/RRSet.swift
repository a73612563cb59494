/// All records of one owner, type and class (RFC 2181 §5): the unit of caching, truncation and signing.
public struct RRSet: Hashable, Sendable {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass
    /// One TTL for the set: RFC 2181 §5.2 says members must agree; when they do not, the lowest is used.
    public var ttl: UInt32
    public var rdatas: [RData]

    public init(name: Name, type: RRType, rrClass: RRClass = .in, ttl: UInt32, rdatas: [RData]) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
        self.ttl = ttl
        self.rdatas = rdatas
    }

    /// The set as individual records, all with the set's TTL.
    public var records: [Record] {
        rdatas.map { Record(name: name, type: type, rrClass: rrClass, ttl: ttl, rdata: $0) }
    }

    /// Group records into RRsets in order of first appearance; duplicate RDATA is kept once.
    public static func group(_ records: [Record]) -> [RRSet] {
        var sets: [RRSet] = []
        var index: [RRSetKey: Int] = [:]
        for record in records {
            let key = RRSetKey(name: record.name, type: record.type, rrClass: record.rrClass)
            if let position = index[key] {
                sets[position].ttl = min(sets[position].ttl, record.ttl)
                if !sets[position].rdatas.contains(record.rdata) { sets[position].rdatas.append(record.rdata) }
            } else {
                index[key] = sets.count
                sets.append(RRSet(name: record.name, type: record.type, rrClass: record.rrClass, ttl: record.ttl, rdatas: [record.rdata]))
            }
        }
        return sets
    }
}

/// Identifies an RRset: owner (case-insensitive), type and class.
public struct RRSetKey: Hashable, Sendable {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass
    public init(name: Name, type: RRType, rrClass: RRClass = .in) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
    }
}
