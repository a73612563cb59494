/// DNSSEC canonical forms (RFC 4034 §6) and the data an RRSIG signs (RFC 4034 §3.1.8.1).
public enum Canonical {
    /// The RRset's RDATA in canonical form, sorted as unsigned octet strings with duplicates removed (RFC 4034 §6.3).
    public static func sortedRData(_ rrset: RRSet) throws -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var result: [[UInt8]] = []
        for rdata in rrset.rdatas {
            let wire = try rdata.wire(canonical: true)
            if seen.insert(wire).inserted { result.append(wire) }
        }
        result.sort { $0.lexicographicallyPrecedes($1) }
        return result
    }

    /// One record in canonical form (RFC 4034 §6.2): lowercased owner, no compression, canonical RDATA.
    public static func recordWire(_ record: Record) throws -> [UInt8] {
        var writer = WireWriter(compression: false, capacity: 128)
        writer.write(record.name.lowercased(), compress: false)
        writer.write(record.type.rawValue)
        writer.write(record.rrClass.rawValue)
        writer.write(record.ttl)
        let rdata = try record.rdata.wire(canonical: true)
        guard rdata.count <= 0xFFFF else { throw WireError.unencodable(reason: "RDATA of \(rdata.count) octets") }
        writer.write(UInt16(rdata.count))
        writer.write(bytes: rdata)
        return writer.bytes
    }

    /// The octets an RRSIG's signature covers: the RRSIG RDATA without the signature, then every record of the
    /// RRset in canonical form and order, with the RRSIG's original TTL, and — when the RRSIG Labels field is
    /// smaller than the owner's label count — the owner replaced by the wildcard it was expanded from (RFC 4035 §5.3.2).
    public static func signedData(rrsig: RRSIG, rrset: RRSet) throws -> [UInt8] {
        var writer = WireWriter(compression: false, capacity: 512)
        rrsig.encodeFieldsBeforeSignature(into: &writer, canonical: true)
        var owner = rrset.name.lowercased()
        let labels = Int(rrsig.labels)
        if labels < owner.labelCount {
            owner = try owner.suffix(labelCount: labels).wildcard()
        }
        for rdata in try sortedRData(rrset) {
            writer.write(owner, compress: false)
            writer.write(rrset.type.rawValue)
            writer.write(rrset.rrClass.rawValue)
            writer.write(rrsig.originalTTL)
            guard rdata.count <= 0xFFFF else { throw WireError.unencodable(reason: "RDATA of \(rdata.count) octets") }
            writer.write(UInt16(rdata.count))
            writer.write(bytes: rdata)
        }
        return writer.bytes
    }

    /// The digest input of a DS record (RFC 4034 §5.1.4): canonical owner name followed by the DNSKEY RDATA.
    public static func dsDigestInput(owner: Name, key: DNSKEY) -> [UInt8] {
        owner.lowercased().wire + key.rdataWire
    }
}
