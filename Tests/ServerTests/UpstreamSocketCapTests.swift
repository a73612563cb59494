import AnchordConfig
import DNSWire
import EventIO
import Testing
@testable import ResolverCore
@testable import Server

@Suite("UpstreamTransport: the socket cap and the shared pool")
struct UpstreamSocketCapTests {
    /// A loopback "authoritative server" that answers every query with itself as a response (QR set); before
    /// the answer, a spoofer on another port sends the same answer to the query's source.
    final class EchoAuthority {
        let socket: UDPSocket
        let spoofer: UDPSocket
        var queriesSeen = 0

        init(loop: EventLoop) throws {
            socket = try UDPSocket(loop: loop, boundTo: try #require(SocketAddress(ipAddress: "127.0.0.1", port: 0)))
            spoofer = try UDPSocket(loop: loop, boundTo: try #require(SocketAddress(ipAddress: "127.0.0.1", port: 0)))
            socket.onDatagram = { [unowned self] bytes, source in
                queriesSeen += 1
                var reply = bytes
                reply[2] |= 0x80
                try? spoofer.send(reply, to: source)
                try? socket.send(reply, to: source)
            }
        }

        var server: ServerAddress { ServerAddress(.v4(IPv4Address(127, 0, 0, 1)), port: socket.localAddress.port) }
    }

    func query(_ id: UInt16, to server: ServerAddress) throws -> UpstreamQuery {
        let message = Message(header: Header(id: id), questions: [Question(name: try Name("q\(id).example."), type: .a)])
        return UpstreamQuery(token: QueryToken(UInt64(id)), server: server, message: message, transport: .udp, timeout: 1000)
    }

    @Test func queriesBeyondTheCapShareThePoolAndEveryReplyIsMatchedToItsQueryOnly() throws {
        let loop = try EventLoop()
        let authority = try EchoAuthority(loop: loop)
        let transport = UpstreamTransport(loop: loop, outgoing: [], socketLimit: 2)
        var replies: [QueryToken: [UInt16]] = [:]
        var failures = 0
        transport.deliver = { event in
            switch event {
            case let .reply(token, from: server, message):
                #expect(server == authority.server, "only the server's own address and port are taken")
                replies[token, default: []].append(message.header.id)
            default:
                failures += 1
            }
            if replies.count == 20 { loop.stop() }
        }
        var logged: [String] = []
        transport.log = { logged.append($0.message) }
        for id in 1...20 { transport.send(try query(UInt16(id), to: authority.server)) }
        #expect(transport.openSockets == 2, "two queries have sockets of their own, the rest share")
        try run(loop, for: .seconds(1))
        #expect(failures == 0)
        #expect(replies.count == 20)
        #expect(replies.allSatisfy { token, ids in ids == [UInt16(token.rawValue)] }, "each reply once, to its own query")
        #expect(transport.counters.socketCapReached == 18 && transport.counters.sharedSocketQueries == 18)
        #expect(transport.openSockets == 0, "every socket of its own closed with its query")
        #expect(logged.count == 1, "the cap is logged once, not per query: \(logged)")
        #expect(logged.first?.contains("outgoing-range") == true)
        transport.closeAll()
    }

    @Test func theLimitLeavesRoomForClientConnectionsWithinTheOpenFilesLimit() throws {
        var settings = try ServerSettings(Configuration())
        #expect(settings.upstreamSocketLimit(openFilesLimit: nil) == 4096)
        #expect(settings.upstreamSocketLimit(openFilesLimit: 1024) == 1024 - 64 - 512)
        settings.threads = 2
        #expect(settings.upstreamSocketLimit(openFilesLimit: 1024) == 16, "two workers of 512 client connections leave almost nothing")
        #expect(settings.upstreamSocketLimit(openFilesLimit: 4096) == (4096 - 64) / 2 - 512)
        #expect(settings.upstreamSocketLimit(openFilesLimit: 256) == 16, "never below 16")
        #expect(settings.upstreamSocketLimit(openFilesLimit: 1 << 20) == 4096, "never above outgoing-range")
    }
}
