import Glibc

/// An IPv4 or IPv6 address with a port: what `sockaddr_in`/`sockaddr_in6` hold, as a plain value.
///
/// It stores no heap memory (two words of address, port, scope), so making one per received datagram is free,
/// and it is `Hashable` for tables keyed by peer. Text form: `127.0.0.1#53`, `[::1]#53` — the `#` that DNS
/// tools use, because `:` is ambiguous with IPv6. It knows nothing of DNS; the resolver core has its own
/// `ServerAddress`, and the Server module maps between the two.
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Sendable, Hashable {
        case ipv4, ipv6
    }

    public let family: Family
    public var port: UInt16
    /// The IPv6 zone (interface index) of a link-local address; 0 for everything else.
    public let scopeID: UInt32
    /// Address bytes 0–7 as a big-endian integer (IPv6 only; 0 for IPv4).
    private let high: UInt64
    /// Address bytes 8–15 as a big-endian integer (IPv6), or the 4 IPv4 bytes.
    private let low: UInt64

    /// An address from its 4 (IPv4) or 16 (IPv6) bytes in network order; nil for any other count.
    public init?(addressBytes: some Collection<UInt8>, port: UInt16, scopeID: UInt32 = 0) {
        let bytes = Array(addressBytes)
        func integer(_ range: Range<Int>) -> UInt64 { bytes[range].reduce(0) { $0 << 8 | UInt64($1) } }
        switch bytes.count {
        case 4: (family, high, low, self.scopeID) = (.ipv4, 0, integer(0..<4), 0)
        case 16: (family, high, low, self.scopeID) = (.ipv6, integer(0..<8), integer(8..<16), scopeID)
        default: return nil
        }
        self.port = port
    }

    /// Parses an address in numeric text, `"192.0.2.1"`, `"2001:db8::1"` or `"fe80::1%eth0"`; nil if it is not one.
    public init?(ipAddress text: String, port: UInt16) {
        var scopeID: UInt32 = 0
        var address = Substring(text)
        if let percent = text.firstIndex(of: "%") {
            address = text[..<percent]
            let zone = String(text[text.index(after: percent)...])
            if let number = UInt32(zone) {
                scopeID = number
            } else {
                scopeID = if_nametoindex(zone)
                guard scopeID != 0 else { return nil }
            }
        }
        var v4 = in_addr()
        var v6 = in6_addr()
        if scopeID == 0, inet_pton(AF_INET, String(address), &v4) == 1 {
            self.init(addressBytes: withUnsafeBytes(of: &v4) { Array($0) }, port: port)
        } else if inet_pton(AF_INET6, String(address), &v6) == 1 {
            self.init(addressBytes: withUnsafeBytes(of: &v6) { Array($0) }, port: port, scopeID: scopeID)
        } else {
            return nil
        }
    }

    /// Parses the `description` form: `"127.0.0.1#53"`, `"[::1]#53"` (also `"::1#53"`).
    public init?(_ text: String) {
        guard let hash = text.lastIndex(of: "#"), let port = UInt16(text[text.index(after: hash)...]) else {
            return nil
        }
        var host = text[..<hash]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        self.init(ipAddress: String(host), port: port)
    }

    /// The wildcard address of a family (`0.0.0.0` or `::`), e.g. to bind an ephemeral socket.
    public static func unspecified(_ family: Family, port: UInt16 = 0) -> SocketAddress {
        SocketAddress(family: family, high: 0, low: 0, port: port, scopeID: 0)
    }

    private init(family: Family, high: UInt64, low: UInt64, port: UInt16, scopeID: UInt32) {
        (self.family, self.high, self.low, self.port, self.scopeID) = (family, high, low, port, scopeID)
    }

    /// An IPv4 address from its 32 bits in host order (no allocation: for the receive path).
    init(ipv4 value: UInt32, port: UInt16) {
        self.init(family: .ipv4, high: 0, low: UInt64(value), port: port, scopeID: 0)
    }

    /// An IPv6 address from its two 64-bit halves in host order (no allocation: for the receive path).
    init(ipv6High high: UInt64, low: UInt64, port: UInt16, scopeID: UInt32) {
        self.init(family: .ipv6, high: high, low: low, port: port, scopeID: scopeID)
    }

    /// The IPv4 address in host order (meaningful for `.ipv4` only).
    var ipv4Value: UInt64 { low }

    /// The IPv6 address halves in host order (meaningful for `.ipv6` only).
    var ipv6Halves: (high: UInt64, low: UInt64) { (high, low) }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    public var addressBytes: [UInt8] {
        func bytes(of value: UInt64, count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
        }
        switch family {
        case .ipv4: return bytes(of: low, count: 4)
        case .ipv6: return bytes(of: high, count: 8) + bytes(of: low, count: 8)
        }
    }

    /// The same address with another port.
    public func withPort(_ port: UInt16) -> SocketAddress {
        var copy = self
        copy.port = port
        return copy
    }

    /// The address alone in numeric text: `127.0.0.1`, `::1`, `fe80::1%2`.
    public var ipAddress: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var bytes = addressBytes
        let domain = family == .ipv4 ? AF_INET : AF_INET6
        guard inet_ntop(domain, &bytes, &text, socklen_t(text.count)) != nil else { return "?" }
        let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return scopeID == 0 ? address : "\(address)%\(scopeID)"
    }

    public var description: String {
        family == .ipv4 ? "\(ipAddress)#\(port)" : "[\(ipAddress)]#\(port)"
    }
}
