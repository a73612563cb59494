import DNSWire

/// An address block in CIDR notation (RFC 4632 §3.1), e.g. `10.0.0.0/8` or `fd00::/8`.
///
/// Host bits must be zero, so a typo like `10.0.0.1/8` is reported instead of silently widened.
/// A bare address is a block of one (`/32` or `/128`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the block (host bits zero).
    public let network: IPAddress
    public let prefixLength: Int

    public init(_ text: String) throws(InvalidValue) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else {
            throw InvalidValue("'\(text)' is not an address block; expected e.g. 192.0.2.0/24 or 2001:db8::/32")
        }
        var length = address.bitCount
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...address.bitCount).contains(value), parts[1].allSatisfy(\.isNumber) else {
                throw InvalidValue("'\(text)' has a bad prefix length; expected 0–\(address.bitCount)")
            }
            length = value
        }
        let masked = CIDR.mask(address.octets, to: length)
        guard masked == address.octets else {
            let suggestion = CIDR.address(masked, like: address).map { "\($0)/\(length)" } ?? "its network address"
            throw InvalidValue("'\(text)' has host bits set; did you mean \(suggestion)?")
        }
        self.network = address
        self.prefixLength = length
    }

    /// Whether `address` lies in this block; addresses of the other family never do.
    public func contains(_ address: IPAddress) -> Bool {
        switch (address, network) {
        case let (.v4(a), .v4(n)):
            // Every client query goes through here: compare as integers, allocate nothing.
            let mask: UInt32 = prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefixLength)
            return a.uint32 & mask == n.uint32
        case (.v6, .v6):
            return CIDR.mask(address.octets, to: prefixLength) == network.octets
        default:
            return false
        }
    }

    public var description: String { "\(network)/\(prefixLength)" }

    /// `octets` with every bit after the first `length` cleared.
    private static func mask(_ octets: [UInt8], to length: Int) -> [UInt8] {
        octets.enumerated().map { index, octet in
            let keep = min(max(length - index * 8, 0), 8)
            return octet & ~(UInt8.max >> keep)
        }
    }

    private static func address(_ octets: [UInt8], like family: IPAddress) -> IPAddress? {
        switch family {
        case .v4: IPv4Address(octets: octets).map(IPAddress.v4)
        case .v6: IPv6Address(octets: octets).map(IPAddress.v6)
        }
    }
}
