/// A resource record type. An open set: any 16-bit value round-trips (RFC 3597), known ones have names.
public struct RRType: RawRepresentable, Hashable, Comparable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RRType(1)
    public static let ns = RRType(2)
    public static let md = RRType(3)
    public static let mf = RRType(4)
    public static let cname = RRType(5)
    public static let soa = RRType(6)
    public static let mb = RRType(7)
    public static let mg = RRType(8)
    public static let mr = RRType(9)
    public static let null = RRType(10)
    public static let wks = RRType(11)
    public static let ptr = RRType(12)
    public static let hinfo = RRType(13)
    public static let minfo = RRType(14)
    public static let mx = RRType(15)
    public static let txt = RRType(16)
    public static let rp = RRType(17)
    public static let afsdb = RRType(18)
    public static let rt = RRType(21)
    public static let sig = RRType(24)
    public static let key = RRType(25)
    public static let px = RRType(26)
    public static let aaaa = RRType(28)
    public static let nxt = RRType(30)
    public static let srv = RRType(33)
    public static let naptr = RRType(35)
    public static let kx = RRType(36)
    public static let a6 = RRType(38)
    public static let dname = RRType(39)
    public static let opt = RRType(41)
    public static let ds = RRType(43)
    public static let sshfp = RRType(44)
    public static let rrsig = RRType(46)
    public static let nsec = RRType(47)
    public static let dnskey = RRType(48)
    public static let nsec3 = RRType(50)
    public static let nsec3param = RRType(51)
    public static let tlsa = RRType(52)
    public static let cds = RRType(59)
    public static let cdnskey = RRType(60)
    public static let svcb = RRType(64)
    public static let https = RRType(65)
    public static let zonemd = RRType(63)
    public static let tkey = RRType(249)
    public static let tsig = RRType(250)
    public static let ixfr = RRType(251)
    public static let axfr = RRType(252)
    public static let any = RRType(255)
    public static let caa = RRType(257)

    static let names: [UInt16: String] = [
        1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL",
        11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 21: "RT",
        24: "SIG", 25: "KEY", 26: "PX", 28: "AAAA", 30: "NXT", 33: "SRV", 35: "NAPTR", 36: "KX", 38: "A6",
        39: "DNAME", 41: "OPT", 43: "DS", 44: "SSHFP", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 50: "NSEC3",
        51: "NSEC3PARAM", 52: "TLSA", 59: "CDS", 60: "CDNSKEY", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS",
        249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR", 255: "ANY", 257: "CAA",
    ]
    static let byName: [String: UInt16] = Dictionary(uniqueKeysWithValues: names.map { ($1, $0) })

    /// A type from its mnemonic (`"AAAA"`, case-insensitive) or RFC 3597 form (`"TYPE65534"`).
    public init?(mnemonic: String) {
        let upper = mnemonic.uppercased()
        if let value = RRType.byName[upper] {
            self.init(value)
        } else if upper.hasPrefix("TYPE"), let value = decimal(upper.dropFirst(4)) {
            self.init(value)
        } else {
            return nil
        }
    }

    /// Meta-types and QTYPEs that never appear as stored data (RFC 6895 §3.1).
    public var isMetaType: Bool { rawValue == 41 || (rawValue >= 128 && rawValue <= 255) }

    public static func < (lhs: RRType, rhs: RRType) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension RRType: CustomStringConvertible {
    public var description: String { RRType.names[rawValue] ?? "TYPE\(rawValue)" }
}

/// A resource record class. Open set, like `RRType`.
public struct RRClass: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let `in` = RRClass(1)
    public static let ch = RRClass(3)
    public static let hs = RRClass(4)
    public static let none = RRClass(254)
    public static let any = RRClass(255)

    static let names: [UInt16: String] = [1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY"]

    /// A class from its mnemonic (`"IN"`) or RFC 3597 form (`"CLASS32"`).
    public init?(mnemonic: String) {
        let upper = mnemonic.uppercased()
        if let (value, _) = RRClass.names.first(where: { $0.value == upper }) {
            self.init(value)
        } else if upper.hasPrefix("CLASS"), let value = decimal(upper.dropFirst(5)) {
            self.init(value)
        } else {
            return nil
        }
    }
}

extension RRClass: CustomStringConvertible {
    public var description: String { RRClass.names[rawValue] ?? "CLASS\(rawValue)" }
}

/// A response code, including the 8 extended bits carried in OPT (RFC 6891 §6.1.3): 12 bits in all.
public struct RCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }
    public init(_ rawValue: UInt16) { self.init(rawValue: rawValue) }

    public static let noError = RCode(0)
    public static let formErr = RCode(1)
    public static let servFail = RCode(2)
    public static let nxDomain = RCode(3)
    public static let notImp = RCode(4)
    public static let refused = RCode(5)
    public static let yxDomain = RCode(6)
    public static let yxRRSet = RCode(7)
    public static let nxRRSet = RCode(8)
    public static let notAuth = RCode(9)
    public static let notZone = RCode(10)
    public static let badVers = RCode(16)
    public static let badCookie = RCode(23)

    static let names: [UInt16: String] = [
        0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
        7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 16: "BADVERS", 23: "BADCOOKIE",
    ]

    /// The low four bits, carried in the header.
    public var headerBits: UInt8 { UInt8(rawValue & 0x0F) }
    /// The high eight bits, carried in the OPT record's TTL field.
    public var extendedBits: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 4) }
}

extension RCode: CustomStringConvertible {
    public var description: String { RCode.names[rawValue] ?? "RCODE\(rawValue)" }
}

/// The kind of query in the header (RFC 1035 §4.1.1, RFC 6895 §2.2).
public struct Opcode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue & 0x0F }
    public init(_ rawValue: UInt8) { self.init(rawValue: rawValue) }

    public static let query = Opcode(0)
    public static let iquery = Opcode(1)
    public static let status = Opcode(2)
    public static let notify = Opcode(4)
    public static let update = Opcode(5)
}

extension Opcode: CustomStringConvertible {
    public var description: String {
        switch rawValue {
        case 0: return "QUERY"
        case 1: return "IQUERY"
        case 2: return "STATUS"
        case 4: return "NOTIFY"
        case 5: return "UPDATE"
        default: return "OPCODE\(rawValue)"
        }
    }
}

/// A decimal number of digits only (no sign), as RFC 3597 `TYPEnnn`/`CLASSnnn` and zone-file fields use.
func decimal<T: FixedWidthInteger>(_ text: Substring, as _: T.Type = UInt16.self) -> T? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return T(text)
}
