/// EDNS(0) parameters of a message (RFC 6891), carried on the wire in the OPT pseudo-record.
public struct EDNS: Hashable, Sendable {
    /// The largest UDP payload the sender can reassemble. Values below 512 are treated as 512 (RFC 6891 §6.2.3).
    public var udpPayloadSize: UInt16
    public var version: UInt8
    /// DO: the sender wants DNSSEC records (RFC 3225).
    public var dnssecOK: Bool
    /// The other 15 Z flag bits (must be zero today); kept so they round-trip.
    public var otherFlags: UInt16
    public var options: [EDNSOption]

    /// The size anchord advertises upstream and to clients by default (RFC 6891, DNS flag day practice).
    public static let defaultPayloadSize: UInt16 = 4096

    public init(udpPayloadSize: UInt16 = EDNS.defaultPayloadSize, version: UInt8 = 0, dnssecOK: Bool = false,
                otherFlags: UInt16 = 0, options: [EDNSOption] = []) {
        self.udpPayloadSize = udpPayloadSize
        self.version = version
        self.dnssecOK = dnssecOK
        self.otherFlags = otherFlags & 0x7FFF
        self.options = options
    }

    /// The payload size a responder may use towards this sender.
    public var effectivePayloadSize: Int { max(512, Int(udpPayloadSize)) }

    /// The Extended DNS Errors in the options (RFC 8914 allows several).
    public var extendedErrors: [ExtendedDNSError] {
        options.compactMap { if case let .extendedError(error) = $0 { return error } else { return nil } }
    }
}

extension EDNS {
    /// Lift an OPT record into EDNS parameters plus the high RCODE bits it carries.
    static func fromOPT(_ record: Record) throws -> (edns: EDNS, extendedRCode: UInt8) {
        guard record.name.isRoot else { throw WireError.badOPT(reason: "owner name is not the root") }
        guard case let .opaque(data) = record.rdata else { throw WireError.badOPT(reason: "unexpected RDATA form") }
        let ttl = record.ttl
        var reader = WireReader(data)
        var options: [EDNSOption] = []
        while !reader.isAtEnd {
            // The reader's offsets are relative to the RDATA, so a `truncated` error here would point at the
            // wrong octet of the message: say what is wrong instead.
            guard reader.remaining >= 4 else {
                throw WireError.badOPT(reason: "option header cut short: \(reader.remaining) of 4 octets")
            }
            let code = try reader.readUInt16()
            let length = Int(try reader.readUInt16())
            guard reader.remaining >= length else { throw WireError.badOPT(reason: "option \(code) overruns the record") }
            let body = try reader.readBytes(length)
            options.append(try EDNSOption.decode(code: EDNSOptionCode(code), body: body))
        }
        let edns = EDNS(udpPayloadSize: record.rrClass.rawValue, version: UInt8((ttl >> 16) & 0xFF),
                        dnssecOK: ttl & 0x8000 != 0, otherFlags: UInt16(ttl & 0x7FFF), options: options)
        return (edns, UInt8(ttl >> 24))
    }

    /// The OPT pseudo-record for these parameters, with `extendedRCode` as the high RCODE bits.
    func optRecord(extendedRCode: UInt8) throws -> Record {
        var writer = WireWriter(compression: false, capacity: 32)
        for option in options { try option.encode(into: &writer) }
        var ttl = UInt32(extendedRCode) << 24 | UInt32(version) << 16 | UInt32(otherFlags & 0x7FFF)
        if dnssecOK { ttl |= 0x8000 }
        return Record(name: .root, type: .opt, rrClass: RRClass(udpPayloadSize), ttl: ttl, rdata: .opaque(writer.bytes))
    }
}

/// An EDNS option code (IANA "DNS EDNS0 Option Codes"). Open set.
public struct EDNSOptionCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let nsid = EDNSOptionCode(3)
    public static let clientSubnet = EDNSOptionCode(8)
    public static let cookie = EDNSOptionCode(10)
    public static let tcpKeepalive = EDNSOptionCode(11)
    public static let padding = EDNSOptionCode(12)
    public static let extendedError = EDNSOptionCode(15)
}

/// One EDNS option. Options without a typed form round-trip as `.unknown`.
public enum EDNSOption: Hashable, Sendable {
    /// RFC 5001: empty in a query, the server's identifier in a response.
    case nsid([UInt8])
    /// RFC 7873: an 8-octet client cookie and an optional 8–32-octet server cookie (empty when absent).
    case cookie(client: [UInt8], server: [UInt8])
    /// RFC 7828: idle timeout in units of 100 ms; absent in queries.
    case tcpKeepalive(timeout: UInt16?)
    /// RFC 7830: this many padding octets (their content is ignored on receipt and written as zeros).
    case padding(Int)
    /// RFC 8914.
    case extendedError(ExtendedDNSError)
    case unknown(code: EDNSOptionCode, data: [UInt8])

    public var code: EDNSOptionCode {
        switch self {
        case .nsid: return .nsid
        case .cookie: return .cookie
        case .tcpKeepalive: return .tcpKeepalive
        case .padding: return .padding
        case .extendedError: return .extendedError
        case let .unknown(code, _): return code
        }
    }

    static func decode(code: EDNSOptionCode, body: [UInt8]) throws -> EDNSOption {
        switch code {
        case .nsid:
            return .nsid(body)
        case .cookie:
            // RFC 7873 §5.2: 8 octets (client only) or 16 to 40 octets (client + server); anything else is FORMERR.
            guard body.count == 8 || (16...40).contains(body.count) else {
                throw WireError.badOPT(reason: "cookie option of \(body.count) octets")
            }
            return .cookie(client: Array(body[0..<8]), server: Array(body[8...]))
        case .tcpKeepalive:
            switch body.count {
            case 0: return .tcpKeepalive(timeout: nil)
            case 2: return .tcpKeepalive(timeout: UInt16(body[0]) << 8 | UInt16(body[1]))
            default: throw WireError.badOPT(reason: "tcp-keepalive option of \(body.count) octets")
            }
        case .padding:
            return .padding(body.count)
        case .extendedError:
            guard body.count >= 2 else { throw WireError.badOPT(reason: "extended error option of \(body.count) octets") }
            let info = ExtendedDNSErrorCode(UInt16(body[0]) << 8 | UInt16(body[1]))
            // RFC 8914 §2: EXTRA-TEXT is UTF-8, may be absent, should not be NUL-terminated. Drop every trailing
            // NUL, not just one, so that decoding what we encoded gives the same text back.
            var text = Array(body[2...])
            while text.last == 0 { text.removeLast() }
            return .extendedError(ExtendedDNSError(code: info, text: String(decoding: text, as: UTF8.self)))
        default:
            return .unknown(code: code, data: body)
        }
    }

    /// Write the option; a body its code does not allow (a 7-octet cookie, say) is refused, not sent.
    func encode(into writer: inout WireWriter) throws {
        let body: [UInt8]
        switch self {
        case let .nsid(data): body = data
        case let .cookie(client, server): body = client + server
        case let .tcpKeepalive(timeout):
            body = timeout.map { [UInt8($0 >> 8), UInt8($0 & 0xFF)] } ?? []
        case let .padding(count): body = [UInt8](repeating: 0, count: max(0, min(count, 0xFFFF)))
        case let .extendedError(error):
            body = [UInt8(error.code.rawValue >> 8), UInt8(error.code.rawValue & 0xFF)] + Array(error.text.utf8)
        case let .unknown(_, data): body = data
        }
        do {
            _ = try EDNSOption.decode(code: code, body: body)
        } catch let WireError.badOPT(reason) {
            throw WireError.unencodable(reason: reason)
        }
        writer.write(code.rawValue)
        writer.write(UInt16(truncatingIfNeeded: body.count))
        writer.write(bytes: body)
    }
}

/// An Extended DNS Error (RFC 8914): a code and an optional text for people.
public struct ExtendedDNSError: Hashable, Sendable {
    public var code: ExtendedDNSErrorCode
    public var text: String
    public init(code: ExtendedDNSErrorCode, text: String = "") {
        self.code = code
        self.text = text
    }
}

/// RFC 8914 §4 INFO-CODEs (and later IANA registrations). Open set.
public struct ExtendedDNSErrorCode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let other = ExtendedDNSErrorCode(0)
    public static let unsupportedDNSKEYAlgorithm = ExtendedDNSErrorCode(1)
    public static let unsupportedDSDigestType = ExtendedDNSErrorCode(2)
    public static let staleAnswer = ExtendedDNSErrorCode(3)
    public static let forgedAnswer = ExtendedDNSErrorCode(4)
    public static let dnssecIndeterminate = ExtendedDNSErrorCode(5)
    public static let dnssecBogus = ExtendedDNSErrorCode(6)
    public static let signatureExpired = ExtendedDNSErrorCode(7)
    public static let signatureNotYetValid = ExtendedDNSErrorCode(8)
    public static let dnskeyMissing = ExtendedDNSErrorCode(9)
    public static let rrsigsMissing = ExtendedDNSErrorCode(10)
    public static let noZoneKeyBitSet = ExtendedDNSErrorCode(11)
    public static let nsecMissing = ExtendedDNSErrorCode(12)
    public static let cachedError = ExtendedDNSErrorCode(13)
    public static let notReady = ExtendedDNSErrorCode(14)
    public static let blocked = ExtendedDNSErrorCode(15)
    public static let censored = ExtendedDNSErrorCode(16)
    public static let filtered = ExtendedDNSErrorCode(17)
    public static let prohibited = ExtendedDNSErrorCode(18)
    public static let staleNXDomainAnswer = ExtendedDNSErrorCode(19)
    public static let notAuthoritative = ExtendedDNSErrorCode(20)
    public static let notSupported = ExtendedDNSErrorCode(21)
    public static let noReachableAuthority = ExtendedDNSErrorCode(22)
    public static let networkError = ExtendedDNSErrorCode(23)
    public static let invalidData = ExtendedDNSErrorCode(24)
    public static let signatureExpiredBeforeValid = ExtendedDNSErrorCode(25)
    public static let tooEarly = ExtendedDNSErrorCode(26)
    public static let unsupportedNSEC3Iterations = ExtendedDNSErrorCode(27)
    public static let unableToConformToPolicy = ExtendedDNSErrorCode(28)
    public static let synthesized = ExtendedDNSErrorCode(29)
    public static let invalidQueryType = ExtendedDNSErrorCode(30)

    static let names: [UInt16: String] = [
        0: "Other Error", 1: "Unsupported DNSKEY Algorithm", 2: "Unsupported DS Digest Type", 3: "Stale Answer",
        4: "Forged Answer", 5: "DNSSEC Indeterminate", 6: "DNSSEC Bogus", 7: "Signature Expired",
        8: "Signature Not Yet Valid", 9: "DNSKEY Missing", 10: "RRSIGs Missing", 11: "No Zone Key Bit Set",
        12: "NSEC Missing", 13: "Cached Error", 14: "Not Ready", 15: "Blocked", 16: "Censored", 17: "Filtered",
        18: "Prohibited", 19: "Stale NXDomain Answer", 20: "Not Authoritative", 21: "Not Supported",
        22: "No Reachable Authority", 23: "Network Error", 24: "Invalid Data", 25: "Signature Expired before Valid",
        26: "Too Early", 27: "Unsupported NSEC3 Iterations Value", 28: "Unable to conform to policy",
        29: "Synthesized", 30: "Invalid Query Type",
    ]
}

extension ExtendedDNSErrorCode: CustomStringConvertible {
    public var description: String { ExtendedDNSErrorCode.names[rawValue] ?? "EDE\(rawValue)" }
}
