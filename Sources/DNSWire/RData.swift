/// The content of a resource record, typed for the record types a resolver and validator work with;
/// any other type is kept as opaque octets and round-trips unchanged (RFC 3597).
public enum RData: Hashable, Sendable {
    case a(IPv4Address)
    case aaaa(IPv6Address)
    case ns(Name)
    case cname(Name)
    case dname(Name)
    case ptr(Name)
    case soa(SOA)
    case mx(MX)
    case txt([[UInt8]])
    case srv(SRV)
    case ds(DS)
    case dnskey(DNSKEY)
    case rrsig(RRSIG)
    case nsec(NSEC)
    case nsec3(NSEC3)
    case nsec3param(NSEC3PARAM)
    /// RDATA of a type without a typed form here (or of a class where the type has no meaning), as octets.
    case opaque([UInt8])

    /// The type this RDATA belongs to; nil for `.opaque`, whose type the record carries.
    public var type: RRType? {
        switch self {
        case .a: return .a
        case .aaaa: return .aaaa
        case .ns: return .ns
        case .cname: return .cname
        case .dname: return .dname
        case .ptr: return .ptr
        case .soa: return .soa
        case .mx: return .mx
        case .txt: return .txt
        case .srv: return .srv
        case .ds: return .ds
        case .dnskey: return .dnskey
        case .rrsig: return .rrsig
        case .nsec: return .nsec
        case .nsec3: return .nsec3
        case .nsec3param: return .nsec3param
        case .opaque: return nil
        }
    }

    /// The single domain name that NS, CNAME, DNAME and PTR records point at.
    public var targetName: Name? {
        switch self {
        case let .ns(name), let .cname(name), let .dname(name), let .ptr(name): return name
        default: return nil
        }
    }
}

/// Start of authority (RFC 1035 §3.3.13). `minimum` is the negative-caching TTL (RFC 2308 §4).
public struct SOA: Hashable, Sendable {
    public var mname: Name
    public var rname: Name
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(mname: Name, rname: Name, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }
}

/// Mail exchange (RFC 1035 §3.3.9).
public struct MX: Hashable, Sendable {
    public var preference: UInt16
    public var exchange: Name
    public init(preference: UInt16, exchange: Name) {
        self.preference = preference
        self.exchange = exchange
    }
}

/// Service location (RFC 2782).
public struct SRV: Hashable, Sendable {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: Name
    public init(priority: UInt16, weight: UInt16, port: UInt16, target: Name) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// Delegation signer (RFC 4034 §5): a digest of a child zone's DNSKEY, held by the parent.
public struct DS: Hashable, Sendable {
    public var keyTag: UInt16
    public var algorithm: DNSSECAlgorithm
    public var digestType: DigestType
    public var digest: [UInt8]
    public init(keyTag: UInt16, algorithm: DNSSECAlgorithm, digestType: DigestType, digest: [UInt8]) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.digestType = digestType
        self.digest = digest
    }
}

/// A zone's public key (RFC 4034 §2).
public struct DNSKEY: Hashable, Sendable {
    public var flags: UInt16
    /// Always 3 for DNSSEC (RFC 4034 §2.1.2); anything else means the key must not be used.
    public var `protocol`: UInt8
    public var algorithm: DNSSECAlgorithm
    public var publicKey: [UInt8]

    public init(flags: UInt16, protocol: UInt8 = 3, algorithm: DNSSECAlgorithm, publicKey: [UInt8]) {
        self.flags = flags
        self.protocol = `protocol`
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// Bit 7: a zone key, usable to verify RRSIGs (RFC 4034 §2.1.1).
    public var isZoneKey: Bool { flags & 0x0100 != 0 }
    /// Bit 15: secure entry point, a hint that this is a key-signing key.
    public var isSecureEntryPoint: Bool { flags & 0x0001 != 0 }
    /// Bit 8: revoked (RFC 5011 §2.1). A revoked key's tag is computed with this bit set.
    public var isRevoked: Bool { flags & 0x0080 != 0 }

    /// The RDATA in wire form (flags, protocol, algorithm, key), as hashed for DS and key tags.
    public var rdataWire: [UInt8] {
        [UInt8(flags >> 8), UInt8(flags & 0xFF), self.protocol, algorithm.rawValue] + publicKey
    }

    /// The key tag of RFC 4034 Appendix B (with the special case for algorithm 1).
    public var keyTag: UInt16 {
        let wire = rdataWire
        if algorithm == .rsaMD5 {
            // Appendix B.1: the most significant 16 bits of the least significant 24 bits of the modulus.
            guard wire.count >= 3 else { return 0 }
            return UInt16(wire[wire.count - 3]) << 8 | UInt16(wire[wire.count - 2])
        }
        var accumulator: UInt32 = 0
        for (index, octet) in wire.enumerated() {
            accumulator &+= (index & 1 == 1) ? UInt32(octet) : UInt32(octet) << 8
        }
        accumulator &+= (accumulator >> 16) & 0xFFFF
        return UInt16(accumulator & 0xFFFF)
    }
}

/// A signature over one RRset (RFC 4034 §3).
public struct RRSIG: Hashable, Sendable {
    public var typeCovered: RRType
    public var algorithm: DNSSECAlgorithm
    public var labels: UInt8
    public var originalTTL: UInt32
    /// Seconds since the epoch, in RFC 1982 serial-number arithmetic (RFC 4034 §3.1.5).
    public var expiration: UInt32
    public var inception: UInt32
    public var keyTag: UInt16
    public var signerName: Name
    public var signature: [UInt8]

    public init(typeCovered: RRType, algorithm: DNSSECAlgorithm, labels: UInt8, originalTTL: UInt32,
                expiration: UInt32, inception: UInt32, keyTag: UInt16, signerName: Name, signature: [UInt8]) {
        self.typeCovered = typeCovered
        self.algorithm = algorithm
        self.labels = labels
        self.originalTTL = originalTTL
        self.expiration = expiration
        self.inception = inception
        self.keyTag = keyTag
        self.signerName = signerName
        self.signature = signature
    }
}

/// Authenticated denial: the next owner name in canonical order and the types at this owner (RFC 4034 §4).
public struct NSEC: Hashable, Sendable {
    public var nextName: Name
    public var types: TypeBitmap
    public init(nextName: Name, types: TypeBitmap) {
        self.nextName = nextName
        self.types = types
    }
}

/// Hashed authenticated denial (RFC 5155 §3).
public struct NSEC3: Hashable, Sendable {
    public var hashAlgorithm: UInt8
    public var flags: UInt8
    public var iterations: UInt16
    public var salt: [UInt8]
    /// The next hashed owner name, as raw hash octets (shown in base32hex).
    public var nextHashedOwner: [UInt8]
    public var types: TypeBitmap

    public init(hashAlgorithm: UInt8, flags: UInt8, iterations: UInt16, salt: [UInt8], nextHashedOwner: [UInt8], types: TypeBitmap) {
        self.hashAlgorithm = hashAlgorithm
        self.flags = flags
        self.iterations = iterations
        self.salt = salt
        self.nextHashedOwner = nextHashedOwner
        self.types = types
    }

    /// Opt-out flag (RFC 5155 §3.1.2.1): unsigned delegations may lie in the span.
    public var isOptOut: Bool { flags & 0x01 != 0 }
}

/// NSEC3 parameters an authoritative server uses (RFC 5155 §4).
public struct NSEC3PARAM: Hashable, Sendable {
    public var hashAlgorithm: UInt8
    public var flags: UInt8
    public var iterations: UInt16
    public var salt: [UInt8]

    public init(hashAlgorithm: UInt8, flags: UInt8, iterations: UInt16, salt: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.flags = flags
        self.iterations = iterations
        self.salt = salt
    }
}
