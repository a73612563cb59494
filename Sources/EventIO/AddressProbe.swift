import Glibc

/// Checks made once at start, before the serving sockets exist: is an address free, how many descriptors may
/// the process open.
public enum AddressProbe {
    /// Throws `IOError(.bind, EADDRINUSE)` if some other socket already serves `address` over UDP or TCP.
    ///
    /// Serving sockets set `SO_REUSEPORT` when several worker threads share an address, and then a second
    /// process that sets it too would bind the same address silently and take half the traffic. A probe that
    /// sets neither `SO_REUSEPORT` nor (for UDP) `SO_REUSEADDR` cannot share with anyone, so it fails exactly
    /// when the address is taken. For TCP it sets `SO_REUSEADDR`, so a restart is not stopped by old
    /// connections in TIME_WAIT (a listening socket still makes it fail).
    public static func checkFree(_ address: SocketAddress) throws(IOError) {
        let udp = try Descriptor(domain: address.domain, type: SOCK_DGRAM)
        try udp.bind(to: address)
        let tcp = try Descriptor(domain: address.domain, type: SOCK_STREAM)
        try tcp.apply(SocketOptions(reuseAddress: true))
        try tcp.bind(to: address)
    }

    /// The soft limit on open descriptors (`ulimit -n`, `RLIMIT_NOFILE`); nil when unlimited or unknown.
    public static var openFilesLimit: Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
