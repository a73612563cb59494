/// A DNSSEC algorithm number (IANA "DNS Security Algorithm Numbers"). Open set.
public struct DNSSECAlgorithm: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let rsaMD5 = DNSSECAlgorithm(1)
    public static let dsa = DNSSECAlgorithm(3)
    public static let rsaSHA1 = DNSSECAlgorithm(5)
    public static let dsaNSEC3SHA1 = DNSSECAlgorithm(6)
    public static let rsaSHA1NSEC3SHA1 = DNSSECAlgorithm(7)
    public static let rsaSHA256 = DNSSECAlgorithm(8)
    public static let rsaSHA512 = DNSSECAlgorithm(10)
    public static let eccGOST = DNSSECAlgorithm(12)
    public static let ecdsaP256SHA256 = DNSSECAlgorithm(13)
    public static let ecdsaP384SHA384 = DNSSECAlgorithm(14)
    public static let ed25519 = DNSSECAlgorithm(15)
    public static let ed448 = DNSSECAlgorithm(16)
    public static let privateDNS = DNSSECAlgorithm(253)
    public static let privateOID = DNSSECAlgorithm(254)

    static let mnemonics: [UInt8: String] = [
        1: "RSAMD5", 2: "DH", 3: "DSA", 5: "RSASHA1", 6: "DSA-NSEC3-SHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256",
        10: "RSASHA512", 12: "ECC-GOST", 13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519",
        16: "ED448", 252: "INDIRECT", 253: "PRIVATEDNS", 254: "PRIVATEOID",
    ]

    /// From a number or a mnemonic as used in zone files and trust-anchor files (`RSASHA256`, `8`).
    public init?(mnemonic: String) {
        if let value = decimal(mnemonic[...], as: UInt8.self) {
            self.init(value)
            return
        }
        let upper = mnemonic.uppercased()
        guard let (value, _) = DNSSECAlgorithm.mnemonics.first(where: { $0.value == upper }) else { return nil }
        self.init(value)
    }

    public var mnemonic: String? { DNSSECAlgorithm.mnemonics[rawValue] }
}

extension DNSSECAlgorithm: CustomStringConvertible {
    public var description: String { mnemonic ?? String(rawValue) }
}

/// A DS digest type (IANA "Delegation Signer (DS) Resource Record Type Digest Algorithms").
public struct DigestType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let sha1 = DigestType(1)
    public static let sha256 = DigestType(2)
    public static let gost = DigestType(3)
    public static let sha384 = DigestType(4)

    /// Digest length in octets for the types we know, so malformed DS records can be spotted.
    public var digestLength: Int? {
        switch rawValue {
        case 1: return 20
        case 2: return 32
        case 3: return 32
        case 4: return 48
        default: return nil
        }
    }
}

extension DigestType: CustomStringConvertible {
    public var description: String { String(rawValue) }
}
