import DNSWire

/// Where an upstream query goes: an authoritative server's address and port.
public struct ServerAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: UInt16

    public init(_ ip: IPAddress, port: UInt16 = 53) {
        self.ip = ip
        self.port = port
    }

    public var description: String {
        switch ip {
        case .v4: return "\(ip)#\(port)"
        case .v6: return "[\(ip)]#\(port)"
        }
    }

    public static func < (lhs: ServerAddress, rhs: ServerAddress) -> Bool {
        lhs.ip != rhs.ip ? lhs.ip < rhs.ip : lhs.port < rhs.port
    }
}
