import AnchordConfig
import DNSWire
import EventIO
import Glibc
import ResolverCore
import Testing
import TrustAnchors
@testable import Server

/// A blocking IPv4 client socket from a chosen loopback source address, made with the C API so that it can do
/// what a hostile or careful client does: shut down its sending side, never read, read after the loop stopped.
final class RawClient {
    let fd: Int32
    let connected: Bool

    /// `receiveBuffer`, set before connecting, keeps the window the client offers that small.
    init(to port: UInt16, from source: String = "127.0.0.1", receiveBuffer: Int32? = nil) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = port.bigEndian
        peer.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, size) } }
        let result = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, size) }
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        fd = descriptor
        connected = result == 0
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    func shutdownWriting() { shutdown(fd, Int32(SHUT_WR)) }

    /// What arrives until end of stream, a reset, or a pause of 300 ms; and whether the stream ended or was reset.
    func readAll() -> (bytes: [UInt8], ended: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (received, true) }
            if count < 0 { return (received, errno == ECONNRESET) }
            received += buffer[0..<count]
        }
    }
}

/// `bytes` as DNS-over-TCP frames: each message behind its 2-octet length.
func frames(in bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var index = 0
    while index + 2 <= bytes.count {
        let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
        guard index + 2 + length <= bytes.count else { break }
        result.append(Array(bytes[index + 2..<index + 2 + length]))
        index += 2 + length
    }
    return result
}

/// A query for `name` in class CH: the core answers it at once (REFUSED, or the trust-anchor report), so it
/// goes through the same path as a cache hit without any upstream server.
func chaosQuery(id: UInt16, name: String = "example.") throws -> [UInt8] {
    let message = Message(header: Header(id: id, recursionDesired: true),
                          questions: [Question(name: try Name(name), type: .a, rrClass: .ch)])
    let wire = try message.encode()
    return [UInt8(wire.count >> 8), UInt8(wire.count & 0xFF)] + wire
}

/// A server on 127.0.0.1 (a kernel-chosen port) with validation off and no upstream use, and the loop it runs on.
func makeServer(_ yaml: String = "") throws -> (EventLoop, ResolverServer, UInt16) {
    let configuration = try ConfigurationLoader.parse(yaml: "validation: no\n" + yaml, path: "test.yaml").configuration
    var settings = try ServerSettings(configuration)
    settings.listen = [(.v4(IPv4Address(127, 0, 0, 1)), 0)]
    let loop = try EventLoop()
    let server = try ResolverServer(loop: loop, settings: settings, board: AnchorBoard(store: TrustAnchorStore()))
    let port = try #require(server.listeningAddresses.first?.port)
    return (loop, server, port)
}

/// Runs `loop` for `duration` (the server's callbacks happen meanwhile).
func run(_ loop: EventLoop, for duration: Duration) throws {
    let stop = try EventTimer(loop: loop) { loop.stop() }
    stop.schedule(after: duration)
    try withExtendedLifetime(stop) { try loop.run() }
}

@Suite("ResolverServer: TCP clients within bounds")
struct TCPClientLimitTests {
    @Test func aQueryFollowedByShutdownOfTheSendingSideIsAnswered() throws {
        let (loop, server, port) = try makeServer()
        let client = RawClient(to: port)
        try #require(client.connected)
        client.send(try chaosQuery(id: 7))
        client.shutdownWriting()
        try run(loop, for: .milliseconds(200))
        let (bytes, ended) = client.readAll()
        let answers = frames(in: bytes)
        #expect(answers.count == 1)
        #expect(answers.first.map { Array($0.prefix(2)) } == [0, 7])
        #expect(ended, "closed once the answer is written")
        #expect(server.counters.tcpHalfClosed == 1)
        server.shutdown()
    }

    @Test func aLongPipelineAnsweredAtOnceIsAnsweredWithoutNestingOneCallPerFrame() throws {
        // 30,000 frames answered from memory: each used to be read from inside the previous one's answer, one call
        // deeper per frame (readTCP → handleClientMessage → perform → readTCP), so a long pipeline could overflow
        // the stack.
        let (loop, server, port) = try makeServer()
        let client = RawClient(to: port)
        var pipeline: [UInt8] = []
        for id in 0..<30000 { pipeline += try chaosQuery(id: UInt16(id)) }
        client.send(pipeline)
        client.shutdownWriting()
        var received: [UInt8] = []
        for _ in 0..<100 {
            try run(loop, for: .milliseconds(50))
            let (bytes, ended) = client.readAll()
            received += bytes
            if ended { break }
        }
        let answers = frames(in: received)
        #expect(answers.count == 30000)
        #expect(answers.last.map { Array($0.prefix(2)) } == [0x75, 0x2F])
        #expect(server.tcpReadNesting.deepest == 1)
        server.shutdown()
    }

    @Test func aClientThatNeverReadsStopsBeingReadAndIsCutOffByTheWriteTimeout() throws {
        let (loop, server, port) = try makeServer("tcp-write-timeout: 1000\ntcp-output-limit: 80k\n")
        let client = RawClient(to: port, receiveBuffer: 4096)
        var batch: [UInt8] = []
        // Long names make long answers (the question is echoed), so the kernel's buffers fill soon.
        let long = String(repeating: "a", count: 63)
        for id in 0..<2000 { batch += try chaosQuery(id: UInt16(id), name: "\(long).\(long).\(long).example.") }
        var nonBlocking = fcntl(client.fd, F_GETFL)
        nonBlocking |= O_NONBLOCK
        _ = fcntl(client.fd, F_SETFL, nonBlocking)
        var unsent: [UInt8] = []
        for _ in 0..<40 {
            // Non-blocking: keep what the kernel did not take, so frames stay whole.
            if unsent.count < batch.count { unsent += batch }
            let sent = unsent.withUnsafeBytes { Glibc.send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { unsent.removeFirst(sent) }
            try run(loop, for: .milliseconds(25))
        }
        #expect(server.counters.tcpOutputLimited >= 1, "the output cap stopped reading")
        let pending = server.tcpClients.values.map(\.connection.pendingWriteByteCount).max() ?? 0
        #expect(pending < 80 * 1024 + 64 * 1024, "queued output stays near the cap (\(pending))")
        try run(loop, for: .milliseconds(1300))
        #expect(server.counters.tcpWriteTimeouts == 1)
        #expect(server.tcpClients.isEmpty)
        server.shutdown()
    }

    @Test func oneSourceGetsAtMostItsConnectionLimitAndOthersStillGetIn() throws {
        let (loop, server, port) = try makeServer("tcp-connections-per-source: 3\n")
        let greedy = (0..<6).map { _ in RawClient(to: port, from: "127.0.0.9") }
        try run(loop, for: .milliseconds(100))
        #expect(server.tcpClients.count == 3)
        #expect(server.counters.tcpOverSourceLimit == 3)
        let other = RawClient(to: port, from: "127.0.0.1")
        other.send(try chaosQuery(id: 9))
        try run(loop, for: .milliseconds(100))
        #expect(frames(in: other.readAll().bytes).count == 1)
        withExtendedLifetime(greedy) {}
        server.shutdown()
    }

    @Test func refusedAndDeniedSourcesAreClosedAtOnceWithoutASlot() throws {
        let (loop, server, port) = try makeServer("access-control: [\"127.0.0.66/32 refuse\", \"127.0.0.67/32 deny\"]\n")
        let refused = RawClient(to: port, from: "127.0.0.66")
        let denied = RawClient(to: port, from: "127.0.0.67")
        try run(loop, for: .milliseconds(100))
        #expect(server.tcpClients.isEmpty)
        #expect(server.counters.tcpNotAdmitted == 2)
        #expect(refused.readAll().ended && denied.readAll().ended)
        server.shutdown()
    }

    @Test func theIdleTimeoutCountsFromTheLastCompletedExchange() throws {
        let (loop, server, port) = try makeServer("tcp-idle-timeout: 300\n")
        let client = RawClient(to: port)
        for id in 0..<4 {
            try run(loop, for: .milliseconds(200))
            client.send(try chaosQuery(id: UInt16(id)))
        }
        try run(loop, for: .milliseconds(100))
        #expect(server.tcpClients.count == 1, "a query every 200 ms keeps a 300 ms idle timeout away")
        try run(loop, for: .milliseconds(400))
        #expect(server.tcpClients.isEmpty, "closed 300 ms after the last answer was written")
        #expect(frames(in: client.readAll().bytes).count == 4)
        server.shutdown()
    }
}
