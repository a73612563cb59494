/// One resource record: owner, type, class, TTL and RDATA.
public struct Record: Hashable, Sendable {
    public var name: Name
    public var type: RRType
    public var rrClass: RRClass
    public var ttl: UInt32
    public var rdata: RData

    /// A record whose type is given explicitly (needed for opaque RDATA).
    public init(name: Name, type: RRType, rrClass: RRClass = .in, ttl: UInt32, rdata: RData) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
        self.ttl = ttl
        self.rdata = rdata
    }

    /// A record whose type follows from typed RDATA.
    public init(name: Name, rrClass: RRClass = .in, ttl: UInt32, rdata: RData) {
        self.init(name: name, type: rdata.type ?? RRType(0), rrClass: rrClass, ttl: ttl, rdata: rdata)
    }

    /// RFC 2181 §8: a TTL with the top bit set is treated as zero.
    static func sanitisedTTL(_ raw: UInt32) -> UInt32 { raw & 0x8000_0000 != 0 ? 0 : raw }
}

extension Record {
    /// Read one record at the reader's position (owner, fixed fields, RDATA).
    public static func decode(from reader: inout WireReader) throws -> Record {
        let name = try reader.readName()
        let type = RRType(try reader.readUInt16())
        let rrClass = RRClass(try reader.readUInt16())
        let ttl = try reader.readUInt32()
        let length = Int(try reader.readUInt16())
        let rdata = try reader.withLimit(length, type: type) { inner in
            try RData.decode(type: type, rrClass: rrClass, length: length, from: &inner)
        }
        return Record(name: name, type: type, rrClass: rrClass, ttl: type == .opt ? ttl : sanitisedTTL(ttl), rdata: rdata)
    }

    /// Write the record; names in RDATA are compressed only for the RFC 1035 types that allow it (RFC 3597 §4).
    public func encode(into writer: inout WireWriter) throws {
        if let rdataType = rdata.type, rdataType != type {
            throw WireError.unencodable(reason: "\(rdataType) RDATA in a \(type) record")
        }
        writer.write(name)
        writer.write(type.rawValue)
        writer.write(rrClass.rawValue)
        writer.write(ttl)
        let lengthPosition = writer.count
        writer.write(UInt16(0))
        try rdata.encode(into: &writer, canonical: false)
        let length = writer.count - lengthPosition - 2
        guard length <= 0xFFFF else { throw WireError.unencodable(reason: "RDATA of \(length) octets") }
        writer.patch(UInt16(length), at: lengthPosition)
    }
}

extension RData {
    /// Decode RDATA of `type`; the reader is confined to exactly the RDATA.
    ///
    /// A and AAAA are typed only in class IN: elsewhere their meaning is not defined (RFC 3597 §4).
    /// Empty RDATA in classes NONE and ANY (dynamic update prerequisites) stays opaque.
    static func decode(type: RRType, rrClass: RRClass, length: Int, from reader: inout WireReader) throws -> RData {
        if length == 0, rrClass == .none || rrClass == .any { return .opaque([]) }
        switch type {
        case .a where rrClass == .in:
            guard let address = IPv4Address(octets: try reader.readBytes(4)) else { throw WireError.badRData(type: type, reason: "length") }
            return .a(address)
        case .aaaa where rrClass == .in:
            guard let address = IPv6Address(octets: try reader.readBytes(16)) else { throw WireError.badRData(type: type, reason: "length") }
            return .aaaa(address)
        case .ns: return .ns(try reader.readName())
        case .cname: return .cname(try reader.readName())
        case .dname: return .dname(try reader.readName())
        case .ptr: return .ptr(try reader.readName())
        case .soa:
            return .soa(SOA(mname: try reader.readName(), rname: try reader.readName(), serial: try reader.readUInt32(),
                            refresh: try reader.readUInt32(), retry: try reader.readUInt32(),
                            expire: try reader.readUInt32(), minimum: try reader.readUInt32()))
        case .mx:
            return .mx(MX(preference: try reader.readUInt16(), exchange: try reader.readName()))
        case .txt:
            var strings: [[UInt8]] = []
            while !reader.isAtEnd { strings.append(try reader.readCharacterString()) }
            return .txt(strings)
        case .srv:
            return .srv(SRV(priority: try reader.readUInt16(), weight: try reader.readUInt16(),
                            port: try reader.readUInt16(), target: try reader.readName()))
        case .ds:
            let ds = DS(keyTag: try reader.readUInt16(), algorithm: DNSSECAlgorithm(try reader.readUInt8()),
                        digestType: DigestType(try reader.readUInt8()), digest: reader.readRest())
            guard !ds.digest.isEmpty else { throw WireError.badRData(type: type, reason: "empty digest") }
            return .ds(ds)
        case .dnskey:
            return .dnskey(DNSKEY(flags: try reader.readUInt16(), protocol: try reader.readUInt8(),
                                  algorithm: DNSSECAlgorithm(try reader.readUInt8()), publicKey: reader.readRest()))
        case .rrsig:
            let rrsig = RRSIG(typeCovered: RRType(try reader.readUInt16()), algorithm: DNSSECAlgorithm(try reader.readUInt8()),
                              labels: try reader.readUInt8(), originalTTL: try reader.readUInt32(),
                              expiration: try reader.readUInt32(), inception: try reader.readUInt32(),
                              keyTag: try reader.readUInt16(), signerName: try reader.readName(), signature: reader.readRest())
            return .rrsig(rrsig)
        case .nsec:
            let next = try reader.readName()
            return .nsec(NSEC(nextName: next, types: try TypeBitmap.decode(from: &reader, owner: type)))
        case .nsec3:
            let algorithm = try reader.readUInt8()
            let flags = try reader.readUInt8()
            let iterations = try reader.readUInt16()
            let salt = try reader.readCharacterString()
            let hashLength = Int(try reader.readUInt8())
            guard hashLength > 0 else { throw WireError.badRData(type: type, reason: "empty next hashed owner") }
            let next = try reader.readBytes(hashLength)
            return .nsec3(NSEC3(hashAlgorithm: algorithm, flags: flags, iterations: iterations, salt: salt,
                                nextHashedOwner: next, types: try TypeBitmap.decode(from: &reader, owner: type)))
        case .nsec3param:
            return .nsec3param(NSEC3PARAM(hashAlgorithm: try reader.readUInt8(), flags: try reader.readUInt8(),
                                          iterations: try reader.readUInt16(), salt: try reader.readCharacterString()))
        default:
            return .opaque(reader.readRest())
        }
    }

    /// Write the RDATA. `canonical` lowercases embedded names where RFC 4034 §6.2 item 3 says so (as corrected
    /// by RFC 6840 §5.1: not NSEC's next name; of the typed forms here: NS, CNAME, SOA, PTR, MX, SRV, DNAME,
    /// RRSIG) and never compresses.
    /// Compression is used only for the RFC 1035 types (RFC 3597 §4); other names are written in full.
    public func encode(into writer: inout WireWriter, canonical: Bool) throws {
        let compress = !canonical
        func name(_ value: Name, lower: Bool) {
            writer.write(canonical && lower ? value.lowercased() : value, compress: false)
        }
        func compressible(_ value: Name) {
            if canonical { writer.write(value.lowercased(), compress: false) } else { writer.write(value, compress: compress) }
        }
        switch self {
        case let .a(address): writer.write(bytes: address.octets)
        case let .aaaa(address): writer.write(bytes: address.octets)
        case let .ns(target), let .cname(target), let .ptr(target): compressible(target)
        case let .dname(target): name(target, lower: true)
        case let .soa(soa):
            compressible(soa.mname)
            compressible(soa.rname)
            writer.write(soa.serial)
            writer.write(soa.refresh)
            writer.write(soa.retry)
            writer.write(soa.expire)
            writer.write(soa.minimum)
        case let .mx(mx):
            writer.write(mx.preference)
            compressible(mx.exchange)
        case let .txt(strings):
            for string in strings { try writer.writeCharacterString(string) }
        case let .srv(srv):
            writer.write(srv.priority)
            writer.write(srv.weight)
            writer.write(srv.port)
            name(srv.target, lower: true)
        case let .ds(ds):
            guard !ds.digest.isEmpty else { throw WireError.unencodable(reason: "DS without a digest") }
            writer.write(ds.keyTag)
            writer.write(ds.algorithm.rawValue)
            writer.write(ds.digestType.rawValue)
            writer.write(bytes: ds.digest)
        case let .dnskey(key):
            writer.write(bytes: key.rdataWire)
        case let .rrsig(sig):
            sig.encodeFieldsBeforeSignature(into: &writer, canonical: canonical)
            writer.write(bytes: sig.signature)
        case let .nsec(nsec):
            name(nsec.nextName, lower: false)
            nsec.types.encode(into: &writer)
        case let .nsec3(nsec3):
            guard !nsec3.nextHashedOwner.isEmpty else { throw WireError.unencodable(reason: "NSEC3 without a next hashed owner") }
            writer.write(nsec3.hashAlgorithm)
            writer.write(nsec3.flags)
            writer.write(nsec3.iterations)
            try writer.writeCharacterString(nsec3.salt)
            try writer.writeCharacterString(nsec3.nextHashedOwner)
            nsec3.types.encode(into: &writer)
        case let .nsec3param(param):
            writer.write(param.hashAlgorithm)
            writer.write(param.flags)
            writer.write(param.iterations)
            try writer.writeCharacterString(param.salt)
        case let .opaque(octets):
            writer.write(bytes: octets)
        }
    }

    /// The RDATA alone in wire form (uncompressed); canonical form if asked.
    public func wire(canonical: Bool = false) throws -> [UInt8] {
        var writer = WireWriter(compression: false, capacity: 64)
        try encode(into: &writer, canonical: canonical)
        return writer.bytes
    }
}

extension RRSIG {
    /// RRSIG RDATA up to (not including) the signature: the first part of the signed data (RFC 4034 §3.1.8.1).
    func encodeFieldsBeforeSignature(into writer: inout WireWriter, canonical: Bool) {
        writer.write(typeCovered.rawValue)
        writer.write(algorithm.rawValue)
        writer.write(labels)
        writer.write(originalTTL)
        writer.write(expiration)
        writer.write(inception)
        writer.write(keyTag)
        writer.write(canonical ? signerName.lowercased() : signerName, compress: false)
    }
}
