import EventIO
import Glibc
import Testing

@Suite("SocketAddress: IPv4 and IPv6 addresses with ports, as text and as sockaddr")
struct SocketAddressTests {
    @Test func anIPv4AddressParsesAndPrintsWithAHashBeforeThePort() throws {
        let address = try #require(SocketAddress(ipAddress: "192.0.2.1", port: 53))
        #expect(address.family == .ipv4)
        #expect(address.addressBytes == [192, 0, 2, 1])
        #expect(address.description == "192.0.2.1#53")
    }

    @Test func anIPv6AddressPrintsInBrackets() throws {
        let address = try #require(SocketAddress(ipAddress: "2001:db8::1", port: 5353))
        #expect(address.family == .ipv6)
        #expect(address.addressBytes == [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1])
        #expect(address.description == "[2001:db8::1]#5353")
        #expect(try #require(SocketAddress(ipAddress: "::1", port: 53)).description == "[::1]#53")
    }

    @Test func theDescriptionParsesBackToTheSameAddress() throws {
        for text in ["127.0.0.1#53", "[::1]#53", "[2001:db8:1:2::abcd]#65535", "10.1.2.3#0"] {
            let address = try #require(SocketAddress(text))
            #expect(address.description == text)
        }
        #expect(SocketAddress("::1#853")?.port == 853)
    }

    @Test func textThatIsNotANumericAddressIsRejected() {
        for text in ["", "localhost", "1.2.3", "1.2.3.256", "::g", "127.0.0.1 ", "fe80::1%no-such-interface-xyz"] {
            #expect(SocketAddress(ipAddress: text, port: 53) == nil, "\(text)")
        }
        for text in ["127.0.0.1", "127.0.0.1#", "127.0.0.1#65536", "[::1]#-1"] {
            #expect(SocketAddress(text) == nil, "\(text)")
        }
        #expect(SocketAddress(addressBytes: [1, 2, 3], port: 53) == nil)
    }

    @Test func aLinkLocalZoneIsKeptAsTheScopeID() throws {
        let address = try #require(SocketAddress(ipAddress: "fe80::1%7", port: 53))
        #expect(address.scopeID == 7)
        #expect(address.description == "[fe80::1%7]#53")
    }

    @Test func addressesRoundTripThroughSockaddrStorage() throws {
        for text in ["127.0.0.1#53", "203.0.113.9#40000", "[::1]#53", "[fe80::1%3]#5300"] {
            let address = try #require(SocketAddress(text))
            let back = try #require(SocketAddress(storage: address.storage, length: address.storageLength))
            #expect(back == address)
        }
    }

    @Test func theStorageHoldsTheKernelsLayoutInNetworkOrder() throws {
        let address = try #require(SocketAddress("192.0.2.1#53"))
        var storage = address.storage
        let v4 = withUnsafeBytes(of: &storage) { $0.loadUnaligned(as: sockaddr_in.self) }
        #expect(Int32(v4.sin_family) == AF_INET)
        #expect(v4.sin_port == UInt16(53).bigEndian)
        #expect(withUnsafeBytes(of: v4.sin_addr) { Array($0) } == [192, 0, 2, 1])
        #expect(address.storageLength == socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    @Test func equalAddressesHashAlikeAndPortsTellThemApart() throws {
        let a = try #require(SocketAddress("10.0.0.1#53"))
        let b = try #require(SocketAddress(ipAddress: "10.0.0.1", port: 53))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(a != a.withPort(54))
        #expect(SocketAddress.unspecified(.ipv6).description == "[::]#0")
    }
}
