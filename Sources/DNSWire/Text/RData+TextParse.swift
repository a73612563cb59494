extension RData {
    /// RDATA of `type` from presentation text, as it follows the type in a zone-file line
    /// (`"10 mail.example."` for MX). Relative names are completed with `origin`; parentheses and comments
    /// are allowed. Any type may be given in the RFC 3597 generic form `\# <length> <hex>`.
    public init(text: String, type: RRType, rrClass: RRClass = .in, origin: Name = .root) throws {
        let entries = try ZoneTokenizer.entries(in: text)
        guard entries.count <= 1 else {
            throw PresentationError("RDATA text continues over more than one entry", line: entries.last?.line)
        }
        var cursor = TokenCursor(entries.first?.tokens ?? [], line: 1)
        self = try RData.parse(type: type, rrClass: rrClass, from: &cursor, origin: origin)
    }

    /// Read the RDATA fields of `type` from the cursor and require that nothing follows them.
    static func parse(type: RRType, rrClass: RRClass, from cursor: inout TokenCursor, origin: Name) throws -> RData {
        if cursor.peek()?.isBare("\\#") == true {
            cursor.skip()
            return try parseGeneric(type: type, rrClass: rrClass, from: &cursor)
        }
        let rdata = try parseTyped(type: type, rrClass: rrClass, from: &cursor, origin: origin)
        try cursor.expectEnd(after: "\(type) RDATA")
        // RFC 1035 §3.2.1: RDLENGTH is 16 bits.
        let length = (try? rdata.wire().count) ?? Int.max
        guard length <= 0xFFFF else {
            throw PresentationError("\(type) RDATA would be longer than 65535 octets", line: cursor.line)
        }
        return rdata
    }

    private static func parseTyped(type: RRType, rrClass: RRClass, from cursor: inout TokenCursor, origin: Name) throws -> RData {
        switch type {
        case .a where rrClass == .in:
            let token = try cursor.next("IPv4 address")
            guard let address = IPv4Address(token.text) else {
                throw PresentationError("'\(token.text)' is not an IPv4 address", line: token.line)
            }
            return .a(address)
        case .aaaa where rrClass == .in:
            let token = try cursor.next("IPv6 address")
            guard let address = IPv6Address(token.text) else {
                throw PresentationError("'\(token.text)' is not an IPv6 address", line: token.line)
            }
            return .aaaa(address)
        case .ns: return .ns(try cursor.name("name server", origin: origin))
        case .cname: return .cname(try cursor.name("canonical name", origin: origin))
        case .dname: return .dname(try cursor.name("DNAME target", origin: origin))
        case .ptr: return .ptr(try cursor.name("PTR target", origin: origin))
        case .soa:
            // RFC 1035 §5.2; the timers accept BIND units, the serial does not.
            return .soa(SOA(mname: try cursor.name("SOA primary server", origin: origin),
                            rname: try cursor.name("SOA mailbox", origin: origin),
                            serial: try cursor.number("SOA serial"),
                            refresh: try cursor.duration("SOA refresh"), retry: try cursor.duration("SOA retry"),
                            expire: try cursor.duration("SOA expire"), minimum: try cursor.duration("SOA minimum")))
        case .mx:
            return .mx(MX(preference: try cursor.number("MX preference"), exchange: try cursor.name("mail exchange", origin: origin)))
        case .txt:
            // RFC 1035 §3.3.14: one or more character-strings; each quoted string or bare word is one.
            let strings = try cursor.rest().map { try $0.characterString() }
            guard !strings.isEmpty else { throw PresentationError("TXT needs at least one string", line: cursor.line) }
            return .txt(strings)
        case .srv:
            // RFC 2782: priority weight port target.
            return .srv(SRV(priority: try cursor.number("SRV priority"), weight: try cursor.number("SRV weight"),
                            port: try cursor.number("SRV port"), target: try cursor.name("SRV target", origin: origin)))
        case .ds:
            // RFC 4034 §5.3: the digest is hex and may contain whitespace.
            let keyTag: UInt16 = try cursor.number("DS key tag")
            let algorithm = try cursor.algorithm()
            let digestType = DigestType(try cursor.number("DS digest type"))
            let digest = try cursor.joinedRest("DS digest", alphabet: TokenCursor.isHex, decode: Hex.decode)
            guard !digest.isEmpty else { throw PresentationError("missing DS digest", line: cursor.line) }
            return .ds(DS(keyTag: keyTag, algorithm: algorithm, digestType: digestType, digest: digest))
        case .dnskey:
            // RFC 4034 §2.2: the key is base64 and may contain whitespace.
            let flags: UInt16 = try cursor.number("DNSKEY flags")
            let proto: UInt8 = try cursor.number("DNSKEY protocol")
            let algorithm = try cursor.algorithm()
            let key = try cursor.joinedRest("DNSKEY public key", alphabet: TokenCursor.isBase64, decode: Base64.decode)
            guard !key.isEmpty else { throw PresentationError("missing DNSKEY public key", line: cursor.line) }
            return .dnskey(DNSKEY(flags: flags, protocol: proto, algorithm: algorithm, publicKey: key))
        case .rrsig:
            return .rrsig(try parseRRSIG(from: &cursor, origin: origin))
        case .nsec:
            // RFC 4034 §4.2: next owner name, then the types present, possibly none.
            let next = try cursor.name("NSEC next name", origin: origin)
            return .nsec(NSEC(nextName: next, types: try typeList(from: &cursor)))
        case .nsec3:
            // RFC 5155 §3.3.
            let hashAlgorithm: UInt8 = try cursor.number("NSEC3 hash algorithm")
            let flags: UInt8 = try cursor.number("NSEC3 flags")
            let iterations: UInt16 = try cursor.number("NSEC3 iterations")
            let salt = try self.salt(from: &cursor)
            let hashToken = try cursor.next("NSEC3 next hashed owner")
            let next = try hashToken.attributing { try Base32Hex.decode(hashToken.text) }
            guard (1...255).contains(next.count) else {
                throw PresentationError("NSEC3 next hashed owner must be 1 to 255 octets", line: hashToken.line)
            }
            return .nsec3(NSEC3(hashAlgorithm: hashAlgorithm, flags: flags, iterations: iterations, salt: salt,
                                nextHashedOwner: next, types: try typeList(from: &cursor)))
        case .nsec3param:
            // RFC 5155 §4.3.
            return .nsec3param(NSEC3PARAM(hashAlgorithm: try cursor.number("NSEC3PARAM hash algorithm"),
                                          flags: try cursor.number("NSEC3PARAM flags"),
                                          iterations: try cursor.number("NSEC3PARAM iterations"),
                                          salt: try salt(from: &cursor)))
        default:
            let first = cursor.peek()
            throw PresentationError("\(type) RDATA in class \(rrClass) has no typed text form here; "
                                    + "write it in the RFC 3597 generic form: \\# <length> <hex>", line: first?.line ?? cursor.line)
        }
    }

    /// RFC 4034 §3.2: type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer,
    /// then the base64 signature, which may contain whitespace.
    private static func parseRRSIG(from cursor: inout TokenCursor, origin: Name) throws -> RRSIG {
        let covered = try cursor.type("RRSIG type covered")
        let algorithm = try cursor.algorithm()
        let labels: UInt8 = try cursor.number("RRSIG labels")
        let originalTTL = try cursor.duration("RRSIG original TTL")
        let expirationToken = try cursor.next("RRSIG expiration")
        let expiration = try expirationToken.attributing { try SignatureTime.parse(expirationToken.text) }
        let inceptionToken = try cursor.next("RRSIG inception")
        let inception = try inceptionToken.attributing { try SignatureTime.parse(inceptionToken.text) }
        let keyTag: UInt16 = try cursor.number("RRSIG key tag")
        let signer = try cursor.name("RRSIG signer name", origin: origin)
        let signature = try cursor.joinedRest("RRSIG signature", alphabet: TokenCursor.isBase64, decode: Base64.decode)
        guard !signature.isEmpty else { throw PresentationError("missing RRSIG signature", line: cursor.line) }
        return RRSIG(typeCovered: covered, algorithm: algorithm, labels: labels, originalTTL: originalTTL,
                     expiration: expiration, inception: inception, keyTag: keyTag, signerName: signer, signature: signature)
    }

    /// An NSEC3 salt: hex, or `-` for none (RFC 5155 §3.3); at most 255 octets.
    private static func salt(from cursor: inout TokenCursor) throws -> [UInt8] {
        let token = try cursor.next("NSEC3 salt")
        if token.isBare("-") { return [] }
        let salt = try token.attributing { try Hex.decode(token.text) }
        guard !salt.isEmpty, salt.count <= 255 else {
            throw PresentationError("NSEC3 salt must be '-' or 1 to 255 octets of hex", line: token.line)
        }
        return salt
    }

    private static func typeList(from cursor: inout TokenCursor) throws -> TypeBitmap {
        TypeBitmap(try cursor.rest().map { try $0.recordType("type in the type list") })
    }

    /// RFC 3597 §5: `\# <length> <hex>`, the hex possibly split by whitespace. For a type with a typed form the
    /// octets are decoded into it, so both spellings give the same record; they must then be that type's
    /// uncompressed wire form.
    private static func parseGeneric(type: RRType, rrClass: RRClass, from cursor: inout TokenCursor) throws -> RData {
        let lengthToken = try cursor.next("RDATA length after \\#")
        guard let length = TokenCursor.decimal(lengthToken.raw, as: UInt16.self) else {
            throw PresentationError("RDATA length '\(lengthToken.text)' after \\# is not a number from 0 to 65535", line: lengthToken.line)
        }
        let octets = try cursor.joinedRest("generic RDATA", alphabet: TokenCursor.isHex, decode: Hex.decode)
        guard octets.count == Int(length) else {
            throw PresentationError("\\# gives a length of \(length) octets but the hex data has \(octets.count)", line: lengthToken.line)
        }
        do {
            var reader = WireReader(octets)
            let rdata = try reader.withLimit(octets.count, type: type) { inner in
                try RData.decode(type: type, rrClass: rrClass, length: octets.count, from: &inner)
            }
            if case .opaque = rdata { return rdata }
            guard try rdata.wire() == octets else {
                throw PresentationError("generic \(type) RDATA is not in uncompressed canonical wire form", line: lengthToken.line)
            }
            return rdata
        } catch let error as WireError {
            throw PresentationError("generic RDATA is not valid \(type) data: \(error)", line: lengthToken.line)
        }
    }
}
