import DNSWire
import EventIO
import ResolverCore

extension SocketAddress {
    /// The socket address of an upstream server.
    init?(_ server: ServerAddress) {
        self.init(addressBytes: server.ip.octets, port: server.port)
    }

    /// The socket address for an IP address and port.
    init?(_ ip: IPAddress, port: UInt16) {
        self.init(addressBytes: ip.octets, port: port)
    }

    /// The IP address, as the DNS model names it (for access control and server matching).
    var ipAddress: IPAddress? {
        let bytes = addressBytes
        switch bytes.count {
        case 4: return IPv4Address(octets: bytes).map(IPAddress.v4)
        case 16: return IPv6Address(octets: bytes).map(IPAddress.v6)
        default: return nil
        }
    }

    var serverAddress: ServerAddress? {
        ipAddress.map { ServerAddress($0, port: port) }
    }
}

extension Moment {
    /// Both clocks, read now: the wall clock for TTLs and signatures, the monotonic one for timeouts.
    static func current() -> Moment {
        Moment(wall: EventLoop.wallClockSeconds(), monotonic: EventLoop.monotonicNanoseconds())
    }
}
