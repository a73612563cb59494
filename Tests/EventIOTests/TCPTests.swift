import EventIO
import Glibc
import Testing

@Suite("TCPListener and TCPConnection: framing, partial writes, caps, timeouts")
struct TCPTests {
    /// A listener whose connections echo every whole frame back, and the connections it holds.
    final class EchoServer {
        let listener: TCPListener
        var connections: [ObjectIdentifier: TCPConnection] = [:]
        var closeReasons: [TCPConnection.CloseReason] = []
        /// Runs after the server has closed a connection (so its slot is free again).
        var afterClose: (() -> Void)?

        init(loop: EventLoop, maxConnections: Int = 10) throws {
            listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: maxConnections)
            listener.onAccept = { [unowned self] connection in
                connections[ObjectIdentifier(connection)] = connection
                connection.onData = { connection in
                    for frame in takeFrames(from: connection) { connection.write(framed(frame)) }
                }
                connection.onClose = { [unowned self] connection, reason in
                    closeReasons.append(reason)
                    connections[ObjectIdentifier(connection)] = nil
                    afterClose?()
                }
            }
        }
    }

    @Test func framedMessagesCrossAConnectionIntactDespitePartialWrites() throws {
        let loop = try EventLoop()
        let server = try EchoServer(loop: loop)
        let client = try TCPConnection(loop: loop, connectingTo: server.listener.localAddress, timeout: .seconds(1))
        let sent = (0..<48).map { pattern(($0 * 7_919) % 65_536, seed: $0) }  // 1.5 MB, frames up to 64 KiB
        var echoed: [[UInt8]] = []
        var queuedRightAfterWriting = 0
        var connected = false
        client.onConnected = { _ in connected = true }
        client.onData = { connection in
            echoed += takeFrames(from: connection)
            if echoed.count == sent.count { loop.stop() }
        }
        for message in sent { client.write(framed(message)) }
        queuedRightAfterWriting = client.pendingWriteByteCount
        let guardFired = try runLoop(loop, keepingAlive: server, client)
        #expect(!guardFired)
        #expect(connected)
        #expect(queuedRightAfterWriting == sent.reduce(0) { $0 + 2 + $1.count })
        #expect(echoed.count == sent.count)
        #expect(echoed == sent)
        #expect(client.localAddress?.family == .ipv4)
        #expect(server.connections.count == 1)
    }

    @Test func theListenerTurnsAwayConnectionsBeyondItsCapAndFreesTheSlotOnClose() throws {
        let loop = try EventLoop()
        let server = try EchoServer(loop: loop, maxConnections: 1)
        let address = server.listener.localAddress
        let first = try TCPConnection(loop: loop, connectingTo: address, timeout: .seconds(1))
        var firstReply: [[UInt8]] = []
        var extra: TCPConnection?
        var third: TCPConnection?
        var extraReason: TCPConnection.CloseReason?
        var thirdReply: [[UInt8]] = []
        first.onData = { connection in
            firstReply += takeFrames(from: connection)
            // The first holds the only slot: a second connection is refused.
            let second = try? TCPConnection(loop: loop, connectingTo: address, timeout: .seconds(1))
            second?.write(framed([2]))
            second?.onClose = { _, reason in
                extraReason = reason
                // Closing the first frees its slot once the server has seen it go, so a third connection gets in.
                first.close()
            }
            extra = second
        }
        server.afterClose = {
            third = try? TCPConnection(loop: loop, connectingTo: address, timeout: .seconds(1))
            third?.write(framed([3]))
            third?.onData = { connection in
                thirdReply += takeFrames(from: connection)
                loop.stop()
            }
        }
        first.write(framed([1]))
        let guardFired = try runLoop(loop, keepingAlive: server, first)
        #expect(!guardFired)
        #expect(firstReply == [[1]])
        #expect(extra != nil)
        #expect(extraReason == .peerClosed || extraReason == .failed(IOError(.receive, code: ECONNRESET)))
        #expect(thirdReply == [[3]])
        #expect(server.listener.refusedCount == 1)
        #expect(server.listener.connectionCount == 1)
        #expect(third?.state == .open)
    }

    @Test func connectingToAPortNobodyListensOnFailsWithConnectionRefused() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 1)
        let deadAddress = listener.localAddress
        listener.close()
        let client = try TCPConnection(loop: loop, connectingTo: deadAddress, timeout: .seconds(1))
        var reason: TCPConnection.CloseReason?
        client.onClose = { _, why in
            reason = why
            loop.stop()
        }
        try runLoop(loop, keepingAlive: client)
        #expect(reason == .failed(IOError(.connect, code: ECONNREFUSED)))
        #expect(client.state == .closed)
    }

    @Test func aConnectThatIsNeverAnsweredTimesOut() throws {
        let loop = try EventLoop()
        // A listener that never accepts, with a backlog of 0: once one connection waits in its queue, the kernel
        // drops further SYNs, so the next connect hangs as one to a dead server would.
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 1, backlog: 0)
        let waiting = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        var hanging: TCPConnection?
        var reason: TCPConnection.CloseReason?
        var started: UInt64 = 0
        waiting.onConnected = { _ in
            started = loop.now
            hanging = try? TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .milliseconds(150))
            hanging?.onClose = { _, why in
                reason = why
                loop.stop()
            }
        }
        try runLoop(loop, keepingAlive: listener, waiting)
        #expect(reason == .timedOut)
        #expect(loop.now - started >= 140_000_000)
        #expect(hanging?.state == .closed)
    }

    @Test func anIdleConnectionClosesWhenItsReadTimeoutExpires() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var accepted: TCPConnection?
        var serverReason: TCPConnection.CloseReason?
        listener.onAccept = { connection in
            accepted = connection
            connection.setTimeouts(read: .milliseconds(100), write: nil)
            connection.onClose = { _, why in serverReason = why }
        }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        var clientReason: TCPConnection.CloseReason?
        client.onClose = { _, why in
            clientReason = why
            loop.stop()
        }
        let guardFired = try runLoop(loop, keepingAlive: listener, client)
        #expect(!guardFired)
        #expect(serverReason == .timedOut)
        #expect(clientReason == .peerClosed)
        #expect(accepted?.state == .closed)
        #expect(listener.connectionCount == 0)
    }

    @Test func closeWhenFlushedWritesEverythingQueuedBeforeClosing() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        let payload = pattern(1_500_000, seed: 7)
        var accepted: TCPConnection?
        listener.onAccept = { connection in
            accepted = connection
            connection.write(payload)
            connection.closeWhenFlushed()
            #expect(!connection.write([0]))
        }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        var received: [UInt8] = []
        var reason: TCPConnection.CloseReason?
        client.onData = { connection in
            received += connection.readBytes(connection.availableByteCount) ?? []
        }
        client.onClose = { _, why in
            reason = why
            loop.stop()
        }
        let guardFired = try runLoop(loop, keepingAlive: listener, client)
        #expect(!guardFired)
        #expect(reason == .peerClosed)
        #expect(received.count == payload.count)
        #expect(received == payload)
        #expect(accepted?.state == .closed)
    }

    @Test func theWriteQueueReportsWhenItHasDrained() throws {
        let loop = try EventLoop()
        let server = try EchoServer(loop: loop)
        let client = try TCPConnection(loop: loop, connectingTo: server.listener.localAddress, timeout: .seconds(1))
        var drained = false
        client.onWriteQueueDrained = { connection in
            drained = connection.pendingWriteByteCount == 0
            loop.stop()
        }
        client.write(framed(pattern(50_000)))
        try runLoop(loop, keepingAlive: server, client)
        #expect(drained)
    }

    @Test func peekingLeavesBytesForReadingAndShortReadsTakeNothing() throws {
        let loop = try EventLoop()
        let listener = try TCPListener(loop: loop, boundTo: try loopbackV4(), maxConnections: 4)
        var checks: [Bool] = []
        var accepted: TCPConnection?
        listener.onAccept = { connection in
            accepted = connection
            connection.onData = { connection in
                guard connection.availableByteCount == 5 else { return }
                checks.append(connection.peekBytes(2) == [1, 2])
                checks.append(connection.readBytes(6) == nil)
                checks.append(connection.availableByteCount == 5)
                checks.append(connection.readBytes(5) == [1, 2, 3, 4, 5])
                checks.append(connection.peekBytes(1) == nil)
                loop.stop()
            }
        }
        let client = try TCPConnection(loop: loop, connectingTo: listener.localAddress, timeout: .seconds(1))
        client.write([1, 2, 3, 4, 5])
        try runLoop(loop, keepingAlive: listener, client)
        #expect(checks == [true, true, true, true, true])
        #expect(accepted?.remoteAddress == client.localAddress)
    }
}
