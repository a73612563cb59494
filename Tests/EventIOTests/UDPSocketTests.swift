import EventIO
import Glibc
import Testing

@Suite("UDPSocket: echo, batched receive and send, connected upstream sockets")
struct UDPSocketTests {
    @Test func aDatagramSentToABoundSocketComesBackThroughTheLoop() throws {
        let loop = try EventLoop()
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        #expect(server.localAddress.port != 0)
        server.onDatagram = { [unowned server] bytes, source in
            try? server.send(bytes.reversed(), to: source)
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var reply: [UInt8] = []
        var replySource: SocketAddress?
        client.onDatagram = { bytes, source in
            (reply, replySource) = (bytes, source)
            loop.stop()
        }
        try client.send([1, 2, 3, 4], to: server.localAddress)
        let guardFired = try runLoop(loop, keepingAlive: server, client)
        #expect(!guardFired)
        #expect(reply == [4, 3, 2, 1])
        #expect(replySource == server.localAddress)
    }

    @Test(.enabled(if: (try? UDPSocket(loop: EventLoop(), boundTo: loopbackV6())) != nil, "needs ::1"))
    func echoWorksOverIPv6Loopback() throws {
        let loop = try EventLoop()
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV6())
        server.onDatagram = { [unowned server] bytes, source in try? server.send(bytes, to: source) }
        let client = try UDPSocket(loop: loop, connectedTo: server.localAddress)
        var reply: [UInt8] = []
        client.onDatagram = { bytes, _ in
            reply = bytes
            loop.stop()
        }
        try client.send(Array("hello".utf8))
        try runLoop(loop, keepingAlive: server, client)
        #expect(reply == Array("hello".utf8))
        #expect(client.localAddress.description.hasPrefix("[::1]#"))
    }

    @Test func datagramsWaitingTogetherAreReceivedInOneWake() throws {
        let loop = try EventLoop(receiveBatchSize: 32)
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var received: [[UInt8]] = []
        server.onDatagram = { bytes, _ in
            received.append(bytes)
            if received.count == 20 { loop.stop() }
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        for index in 0..<20 { try client.send([UInt8(index)] + pattern(100, seed: index), to: server.localAddress) }
        try runLoop(loop, keepingAlive: server, client)
        #expect(received.count == 20)
        #expect(received.map { $0.first } == (0..<20).map { UInt8($0) })
        #expect(server.counters.received == 20)
        #expect(server.counters.batches == 1)
    }

    @Test func aWakeReceivesNoMoreThanTheLoopsBatchSize() throws {
        let loop = try EventLoop(receiveBatchSize: 8)
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var count = 0
        server.onDatagram = { _, _ in
            count += 1
            if count == 20 { loop.stop() }
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        for index in 0..<20 { try client.send([UInt8(index)], to: server.localAddress) }
        try runLoop(loop, keepingAlive: server, client)
        #expect(count == 20)
        #expect(server.counters.batches == 3)
    }

    @Test func aBatchSendDeliversEveryDatagramEvenBeyondOneSendmmsg() throws {
        let loop = try EventLoop(receiveBatchSize: 16)
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var received: [UInt8] = []
        server.onDatagram = { bytes, _ in
            received.append(bytes.first ?? 0xFF)
            if received.count == 40 { loop.stop() }
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        let datagrams = (0..<40).map { OutgoingDatagram([UInt8($0)] + pattern($0 * 10), to: server.localAddress) }
        #expect(client.send(datagrams) == 40)
        try runLoop(loop, keepingAlive: server, client)
        #expect(received == (0..<40).map { UInt8($0) })
        #expect(client.counters.sendFailures == 0)
    }

    @Test func repliesEnqueuedDuringABatchAreAllSentAfterIt() throws {
        let loop = try EventLoop()
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var queuedBeforeBatchEnd = 0
        server.onDatagram = { [unowned server] bytes, source in
            server.enqueue(bytes, to: source)
            queuedBeforeBatchEnd += 1
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var replies: Set<UInt8> = []
        client.onDatagram = { bytes, _ in
            replies.insert(bytes.first ?? 0xFF)
            if replies.count == 10 { loop.stop() }
        }
        for index in 0..<10 { try client.send([UInt8(index)], to: server.localAddress) }
        let guardFired = try runLoop(loop, keepingAlive: server, client)
        #expect(!guardFired)
        #expect(replies == Set(0..<10))
        #expect(queuedBeforeBatchEnd == 10)
    }

    @Test func aConnectedSocketIgnoresDatagramsFromAnotherSourcePort() throws {
        let loop = try EventLoop()
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        let upstream = try UDPSocket(loop: loop, connectedTo: server.localAddress, from: try loopbackV4())
        #expect(upstream.connectedPeer == server.localAddress)
        #expect(upstream.localAddress.port != 0)
        var received: [[UInt8]] = []
        upstream.onDatagram = { bytes, source in
            received.append(bytes)
            if source == server.localAddress { loop.stop() }
        }
        let intruder = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        try intruder.send(Array("spoof".utf8), to: upstream.localAddress)
        // Loopback keeps order: had the spoofed datagram been let through, it would arrive first.
        try server.send(Array("answer".utf8), to: upstream.localAddress)
        let guardFired = try runLoop(loop, keepingAlive: server, upstream, intruder)
        #expect(!guardFired)
        #expect(received == [Array("answer".utf8)])
    }

    @Test func connectedSocketsGetDifferentEphemeralPorts() throws {
        let loop = try EventLoop()
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        let sockets = try (0..<8).map { _ in try UDPSocket(loop: loop, connectedTo: server.localAddress) }
        #expect(Set(sockets.map(\.localAddress.port)).count == 8)
    }

    @Test func aConnectedSocketHearsConnectionRefusedWhenNothingListens() throws {
        let loop = try EventLoop()
        let closed = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        let deadAddress = closed.localAddress
        closed.close()
        let upstream = try UDPSocket(loop: loop, connectedTo: deadAddress)
        var failure: IOError?
        upstream.onDatagram = { _, _ in }
        upstream.onError = { error in
            failure = error
            loop.stop()
        }
        try upstream.send([0])
        try runLoop(loop, keepingAlive: upstream)
        #expect(failure == IOError(.receive, code: ECONNREFUSED))
    }

    @Test func aDatagramLongerThanTheLoopsLimitIsDroppedAndCounted() throws {
        let loop = try EventLoop(maxDatagramSize: 100)
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var received: [Int] = []
        server.onDatagram = { bytes, _ in
            received.append(bytes.count)
            loop.stop()
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        try client.send(pattern(101), to: server.localAddress)
        try client.send(pattern(100), to: server.localAddress)
        try runLoop(loop, keepingAlive: server, client)
        #expect(received == [100])
        #expect(server.counters.truncated == 1)
    }

    @Test func aClosedSocketRefusesToSendAndReleasesItsHandlers() throws {
        final class Witness {}
        let loop = try EventLoop()
        let socket = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var witness: Witness? = Witness()
        weak let watched = witness
        socket.onDatagram = { [witness] _, _ in _ = witness }
        witness = nil
        #expect(watched != nil)
        socket.close()
        #expect(socket.isClosed)
        #expect(watched == nil)
        #expect(throws: IOError(.send, code: EBADF)) { try socket.send([1], to: socket.localAddress) }
        #expect(socket.send([OutgoingDatagram([1], to: socket.localAddress)]) == 0)
        #expect(socket.counters.sendFailures == 2)
    }
}
