import EventIO
import Glibc
import Testing

/// A blocking client socket made with the C API, for what `TCPConnection` itself never does (shutting down
/// its sending side) and for reading after the loop has stopped.
private final class RawClient {
    let fd: Int32

    init(connectingTo address: SocketAddress) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var peer = sockaddr_in()
        peer.sin_family = sa_family_t(AF_INET)
        peer.sin_port = address.port.bigEndian
        peer.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(result == 0)
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) } }

    func shutdownWriting() { shutdown(fd, Int32(SHUT_WR)) }

    /// Everything until end of stream (or a second without data).
    func readToEnd() -> (bytes: [UInt8], endOfStream: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (received, true) }
            if count < 0 { return (received, false) }
            received += buffer[0..<count]
        }
    }
}

@Suite("TCPConnection flow control and half-close; TCPListener admission")
struct TCPFlowControlTests {
    @Test func aPeerThatShutsDownItsSendingSideIsStillAnswered() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var held: [TCPConnection] = []
        var sawReadClosed = false
        listener.onAccept = { connection in
            held.append(connection)
            connection.onReadClosed = { connection in
                // RFC 7766 §6.2.4: the query came before the FIN; answer it, then close.
                sawReadClosed = true
                for frame in takeFrames(from: connection) { connection.write(framed(frame.reversed())) }
                connection.closeWhenFlushed()
            }
        }
        let client = try RawClient(connectingTo: listener.localAddress)
        client.send(framed([1, 2, 3]))
        client.shutdownWriting()
        try runLoop(loop, limit: .seconds(2), keepingAlive: listener, try stopper(loop, after: .milliseconds(300)))
        let (bytes, endOfStream) = client.readToEnd()
        #expect(sawReadClosed)
        #expect(bytes == framed([3, 2, 1]))
        #expect(endOfStream)
        withExtendedLifetime(held) {}
    }

    @Test func withoutAReadClosedHandlerEndOfStreamClosesTheConnection() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var held: [TCPConnection] = []
        var reason: TCPConnection.CloseReason?
        listener.onAccept = { connection in
            held.append(connection)
            connection.onClose = { _, why in
                reason = why
                loop.stop()
            }
        }
        let client = try RawClient(connectingTo: listener.localAddress)
        client.shutdownWriting()
        let guardFired = try runLoop(loop, keepingAlive: listener)
        #expect(!guardFired)
        #expect(reason == .peerClosed)
        withExtendedLifetime((held, client)) {}
    }

    @Test func aConnectionThatPausesReadingLeavesTheBytesWithTheKernelUntilItResumes() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var server: TCPConnection?
        var arrivedWhilePaused = 0
        var arrivedAfterResuming = 0
        listener.onAccept = { connection in
            server = connection
            connection.pauseReading()
            connection.onData = { connection in
                if connection.isReadingPaused { arrivedWhilePaused += 1 } else { arrivedAfterResuming = connection.availableByteCount }
            }
        }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        client.write(pattern(1000))
        let resume = try EventTimer(loop: loop) { server?.resumeReading() }
        resume.schedule(after: .milliseconds(200))
        try runLoop(loop, keepingAlive: listener, client, resume, try stopper(loop, after: .milliseconds(400)))
        #expect(arrivedWhilePaused == 0)
        #expect(arrivedAfterResuming == 1000)
    }

    @Test func aReadLimitStopsReadingOnceThatMuchIsBuffered() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var server: TCPConnection?
        listener.onAccept = { connection in
            server = connection
            connection.setReadLimit(4096)
            connection.onData = { _ in }  // takes nothing
        }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        client.write(pattern(1 << 20))
        try runLoop(loop, keepingAlive: listener, client, try stopper(loop, after: .milliseconds(300)))
        let buffered = try #require(server?.availableByteCount)
        #expect(buffered >= 4096 && buffered < 1 << 20, "reading stopped near the limit, not at the end (\(buffered))")
    }

    @Test func aPeerTheListenerDoesNotAdmitIsClosedAtOnceAndTakesNoSlot() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 1)
        var asked: [SocketAddress] = []
        var accepted = 0
        listener.admits = { peer in
            asked.append(peer)
            return false
        }
        listener.onAccept = { _ in accepted += 1 }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        var reason: TCPConnection.CloseReason?
        client.onClose = { _, why in
            reason = why
            loop.stop()
        }
        client.write(framed([1]))
        let guardFired = try runLoop(loop, keepingAlive: listener, client)
        #expect(!guardFired)
        #expect(reason != nil)
        #expect(asked.count == 1 && accepted == 0)
        #expect(listener.notAdmittedCount == 1 && listener.refusedCount == 0 && listener.connectionCount == 0)
    }
}
