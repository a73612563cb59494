import DNSWire

/// An RRset together with the RRSIGs that cover it: the unit the cache stores and the validator checks.
public struct SignedRRSet: Hashable, Sendable {
    public var rrset: RRSet
    /// RRSIG RDATA whose type covered is `rrset.type`, owned by the same name (RFC 4034 §3).
    public var signatures: [RRSIG]

    public init(_ rrset: RRSet, signatures: [RRSIG] = []) {
        self.rrset = rrset
        self.signatures = signatures
    }

    /// The RRset's records followed by its RRSIG records, every one with the RRset's TTL: RFC 4034 §3 says an
    /// RRSIG's TTL must match the TTL of the RRset it covers.
    public var records: [Record] {
        rrset.records + signatures.map {
            Record(name: rrset.name, type: .rrsig, rrClass: rrset.rrClass, ttl: rrset.ttl, rdata: .rrsig($0))
        }
    }

    /// Group a section's records into RRsets in order of first appearance, attaching each RRSIG to the RRset
    /// of the same owner and class whose type it covers. RRSIGs that cover nothing present are left out.
    public static func group(_ records: [Record]) -> [SignedRRSet] {
        var result: [SignedRRSet] = []
        var position: [RRSetKey: Int] = [:]
        for rrset in RRSet.group(records.filter { $0.type != .rrsig }) {
            position[RRSetKey(name: rrset.name, type: rrset.type, rrClass: rrset.rrClass)] = result.count
            result.append(SignedRRSet(rrset))
        }
        for record in records where record.type == .rrsig {
            guard case let .rrsig(signature) = record.rdata,
                  let index = position[RRSetKey(name: record.name, type: signature.typeCovered, rrClass: record.rrClass)],
                  !result[index].signatures.contains(signature)
            else { continue }
            result[index].signatures.append(signature)
        }
        return result
    }

    /// Octets of the RRset and its signatures in uncompressed wire form: the variable part of an entry's size.
    var wireSize: Int {
        let fixed = rrset.name.wire.count + 10  // owner, type, class, TTL, RDLENGTH
        var size = 0
        for rdata in rrset.rdatas {
            size += fixed + ((try? rdata.wire().count) ?? 0)
        }
        for signature in signatures {
            size += fixed + 18 + signature.signerName.wire.count + signature.signature.count
        }
        return size
    }

    /// The same data with every TTL set to `ttl` (the RRset's, hence its signatures' too).
    func withTTL(_ ttl: UInt32) -> SignedRRSet {
        var copy = self
        copy.rrset.ttl = ttl
        return copy
    }
}

extension RRSet {
    /// The key this RRset is cached under.
    var cacheKey: RRSetKey { RRSetKey(name: name, type: type, rrClass: rrClass) }

    /// Same RDATA in any order, duplicates ignored: "equal" in the sense of RFC 2181 §5 (the TTL does not count).
    func hasSameRData(as other: RRSet) -> Bool {
        Set(rdatas) == Set(other.rdatas)
    }
}
