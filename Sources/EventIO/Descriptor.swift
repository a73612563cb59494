import Glibc

/// Socket options applied before `bind`, for sockets that serve a fixed address (UDP servers, TCP listeners).
public struct SocketOptions: Sendable, Equatable {
    /// `SO_REUSEADDR`: bind again at once after a restart, while old TCP connections linger in TIME_WAIT.
    public var reuseAddress: Bool
    /// `SO_REUSEPORT`: several sockets (one per loop thread) on the same address and port; the kernel spreads
    /// datagrams and connections among them. Every socket on the address must set it.
    public var reusePort: Bool
    /// `SO_RCVBUF` in bytes, or nil for the system default.
    public var receiveBufferSize: Int?
    /// `SO_SNDBUF` in bytes, or nil for the system default.
    public var sendBufferSize: Int?

    public init(reuseAddress: Bool = true, reusePort: Bool = false,
                receiveBufferSize: Int? = nil, sendBufferSize: Int? = nil) {
        self.reuseAddress = reuseAddress
        self.reusePort = reusePort
        self.receiveBufferSize = receiveBufferSize
        self.sendBufferSize = sendBufferSize
    }
}

/// A socket file descriptor with one owner: closed when dropped, unless `release()` hands it to its next owner
/// (a `UDPSocket`, or a bufferevent that closes it on free). `~Copyable`, so two owners cannot close it twice.
struct Descriptor: ~Copyable {
    let rawValue: Int32

    /// A new non-blocking, close-on-exec socket. IPv6 sockets are IPv6-only, so an address never means both
    /// families.
    init(domain: Int32, type: __socket_type) throws(IOError) {
        let flags = Int32(type.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(domain, flags, 0)
        guard fd >= 0 else { throw IOError.lastError(.socket) }
        if domain == AF_INET6 {
            var one: Int32 = 1
            guard setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0
            else {
                let error = IOError.lastError(.setOption)
                close(fd)
                throw error
            }
        }
        rawValue = fd
    }

    /// Takes ownership of a descriptor the kernel just handed over (e.g. from `accept4`).
    init(adopting fd: Int32) {
        rawValue = fd
    }

    deinit {
        close(rawValue)
    }

    /// Gives up ownership without closing.
    consuming func release() -> Int32 {
        let fd = rawValue
        discard self
        return fd
    }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(IOError) {
        var value = value
        guard setsockopt(rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw IOError.lastError(.setOption)
        }
    }

    func apply(_ options: SocketOptions) throws(IOError) {
        if options.reuseAddress { try setOption(SOL_SOCKET, SO_REUSEADDR, 1) }
        if options.reusePort { try setOption(SOL_SOCKET, SO_REUSEPORT, 1) }
        if let size = options.receiveBufferSize {
            try setOption(SOL_SOCKET, SO_RCVBUF, Int32(clamping: size))
        }
        if let size = options.sendBufferSize { try setOption(SOL_SOCKET, SO_SNDBUF, Int32(clamping: size)) }
    }

    func bind(to address: SocketAddress) throws(IOError) {
        let result = address.withSockAddr { Glibc.bind(rawValue, $0, $1) }
        guard result == 0 else { throw IOError.lastError(.bind) }
    }

    /// The address the socket is bound to (after `bind` to port 0 it carries the port the kernel chose).
    var localAddress: SocketAddress? { socketAddress(of: rawValue, peer: false) }
}

/// `getsockname` (or `getpeername`) of a descriptor as a `SocketAddress`.
func socketAddress(of fd: Int32, peer: Bool) -> SocketAddress? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    let result = withUnsafeMutablePointer(to: &storage) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length)
        }
    }
    guard result == 0 else { return nil }
    return SocketAddress(storage: storage, length: length)
}
