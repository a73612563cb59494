extension RData {
    /// The RDATA in presentation form, in the style BIND and ldns print: names absolute, DNSKEY and DS
    /// algorithms as numbers, RRSIG times as `YYYYMMDDHHmmSS`, base64 and hex without spaces, NSEC3 salt `-`
    /// when empty. Opaque RDATA, and values no typed text can express (a TXT with no strings, a DNSKEY with no
    /// key), use the RFC 3597 §5 generic form `\# <length> <hex>`. The text parses back to the same RDATA.
    public var text: String {
        switch self {
        case let .a(address): return address.description
        case let .aaaa(address): return address.description
        case let .ns(name), let .cname(name), let .dname(name), let .ptr(name): return name.text
        case let .soa(soa):
            return "\(soa.mname.text) \(soa.rname.text) \(soa.serial) \(soa.refresh) \(soa.retry) \(soa.expire) \(soa.minimum)"
        case let .mx(mx): return "\(mx.preference) \(mx.exchange.text)"
        case let .txt(strings):
            guard !strings.isEmpty else { return genericText }
            return strings.map(RData.quoted).joined(separator: " ")
        case let .srv(srv): return "\(srv.priority) \(srv.weight) \(srv.port) \(srv.target.text)"
        case let .ds(ds):
            guard !ds.digest.isEmpty else { return genericText }
            return "\(ds.keyTag) \(ds.algorithm.rawValue) \(ds.digestType.rawValue) \(Hex.encode(ds.digest))"
        case let .dnskey(key):
            guard !key.publicKey.isEmpty else { return genericText }
            return "\(key.flags) \(key.protocol) \(key.algorithm.rawValue) \(Base64.encode(key.publicKey))"
        case let .rrsig(sig):
            guard !sig.signature.isEmpty else { return genericText }
            return "\(sig.typeCovered) \(sig.algorithm.rawValue) \(sig.labels) \(sig.originalTTL) "
                + "\(SignatureTime.text(sig.expiration)) \(SignatureTime.text(sig.inception)) \(sig.keyTag) "
                + "\(sig.signerName.text) \(Base64.encode(sig.signature))"
        case let .nsec(nsec):
            return ([nsec.nextName.text] + nsec.types.types.map(\.description)).joined(separator: " ")
        case let .nsec3(nsec3):
            guard !nsec3.nextHashedOwner.isEmpty else { return genericText }
            let fields = ["\(nsec3.hashAlgorithm)", "\(nsec3.flags)", "\(nsec3.iterations)", RData.saltText(nsec3.salt),
                          Base32Hex.encode(nsec3.nextHashedOwner)]
            return (fields + nsec3.types.types.map(\.description)).joined(separator: " ")
        case let .nsec3param(param):
            return "\(param.hashAlgorithm) \(param.flags) \(param.iterations) \(RData.saltText(param.salt))"
        case let .opaque(octets):
            return RData.genericText(octets)
        }
    }

    /// RFC 3597 §5: `\# <length> <hex>`.
    static func genericText(_ octets: [UInt8]) -> String {
        octets.isEmpty ? "\\# 0" : "\\# \(octets.count) \(Hex.encode(octets))"
    }

    /// This RDATA in the generic form; falls back to nothing better than the typed form if it cannot be encoded.
    private var genericText: String {
        guard let octets = try? wire() else { return "\\# 0" }
        return RData.genericText(octets)
    }

    private static func saltText(_ salt: [UInt8]) -> String {
        salt.isEmpty ? "-" : Hex.encode(salt, uppercase: false)
    }

    /// A <character-string> in quotes, with `"` and `\` escaped and octets outside printable ASCII as `\DDD`.
    static func quoted(_ string: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for octet in string { Name.appendEscaped(octet, to: &out, quoted: true) }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
