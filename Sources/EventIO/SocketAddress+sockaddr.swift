import Glibc

extension SocketAddress {
    /// Reads a `sockaddr_in` or `sockaddr_in6` out of `storage`; nil for any other family or a short `length`.
    public init?(storage: sockaddr_storage, length: socklen_t = socklen_t(MemoryLayout<sockaddr_storage>.size)) {
        var storage = storage
        let address = withUnsafeBytes(of: &storage) { SocketAddress(sockaddrBytes: $0, length: Int(length)) }
        guard let address else { return nil }
        self = address
    }

    /// Reads an address from raw `sockaddr` bytes (as the kernel filled them); nil if they hold no IP address.
    init?(sockaddrBytes raw: UnsafeRawBufferPointer, length: Int) {
        guard length >= MemoryLayout<sa_family_t>.size, raw.count >= length else { return nil }
        let family = raw.loadUnaligned(fromByteOffset: 0, as: sa_family_t.self)
        switch Int32(family) {
        case AF_INET where length >= MemoryLayout<sockaddr_in>.size:
            let v4 = raw.loadUnaligned(as: sockaddr_in.self)
            self.init(ipv4: UInt32(bigEndian: v4.sin_addr.s_addr), port: UInt16(bigEndian: v4.sin_port))
        case AF_INET6 where length >= MemoryLayout<sockaddr_in6>.size:
            let v6 = raw.loadUnaligned(as: sockaddr_in6.self)
            let (high, low) = withUnsafeBytes(of: v6.sin6_addr) {
                (UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)),
                 UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            self.init(ipv6High: high, low: low, port: UInt16(bigEndian: v6.sin6_port), scopeID: v6.sin6_scope_id)
        default:
            return nil
        }
    }

    /// This address as a `sockaddr_storage` holding a `sockaddr_in` or `sockaddr_in6`.
    public var storage: sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            switch family {
            case .ipv4:
                var v4 = sockaddr_in()
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_port = port.bigEndian
                v4.sin_addr.s_addr = UInt32(truncatingIfNeeded: ipv4Value).bigEndian
                raw.storeBytes(of: v4, as: sockaddr_in.self)
            case .ipv6:
                var v6 = sockaddr_in6()
                v6.sin6_family = sa_family_t(AF_INET6)
                v6.sin6_port = port.bigEndian
                v6.sin6_scope_id = scopeID
                let (high, low) = ipv6Halves
                withUnsafeMutableBytes(of: &v6.sin6_addr) {
                    $0.storeBytes(of: high.bigEndian, as: UInt64.self)
                    $0.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
                }
                raw.storeBytes(of: v6, as: sockaddr_in6.self)
            }
        }
        return storage
    }

    /// The length of the `sockaddr` inside `storage`, as `bind`, `connect` and `sendto` want it.
    public var storageLength: socklen_t {
        socklen_t(family == .ipv4 ? MemoryLayout<sockaddr_in>.size : MemoryLayout<sockaddr_in6>.size)
    }

    /// Calls `body` with a `sockaddr` pointer and length for this address.
    public func withSockAddr<Result>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result
    ) rethrows -> Result {
        var storage = self.storage
        return try withUnsafePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, storageLength) }
        }
    }

    /// The socket domain for `socket(2)`: `AF_INET` or `AF_INET6`.
    var domain: Int32 { family == .ipv4 ? AF_INET : AF_INET6 }
}
