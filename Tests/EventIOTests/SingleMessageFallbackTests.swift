@testable import EventIO
import Testing

/// Where the kernel refuses recvmmsg/sendmmsg with ENOSYS (a seccomp filter, an old sandbox), the loop's
/// scratch switches to one recvmsg/sendmsg per datagram. The switch itself needs such a kernel; these tests force
/// it, to show the single-message path moves the same datagrams.
@Suite("Datagrams still flow one call per datagram without recvmmsg and sendmmsg")
struct SingleMessageFallbackTests {
    @Test func withoutMultiMessageCallsEveryDatagramStillArrivesAndBatchSendsStillSendAll() throws {
        let loop = try EventLoop()
        loop.datagramScratch.multiMessageCalls = false
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var received: [UInt8] = []
        server.onDatagram = { bytes, _ in
            received.append(bytes.first ?? 0xFF)
            if received.count == 12 { loop.stop() }
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        let datagrams = (0..<12).map { OutgoingDatagram([UInt8($0), 0xAA], to: server.localAddress) }
        #expect(client.send(datagrams) == 12)
        let guardFired = try runLoop(loop, keepingAlive: server, client)
        #expect(!guardFired)
        #expect(received == (0..<12).map { UInt8($0) })
        #expect(server.counters.batches == 12)
    }

    @Test func withoutMultiMessageCallsALongDatagramIsStillDroppedAsTruncated() throws {
        let loop = try EventLoop(maxDatagramSize: 10)
        loop.datagramScratch.multiMessageCalls = false
        let server = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        var sizes: [Int] = []
        server.onDatagram = { bytes, _ in
            sizes.append(bytes.count)
            loop.stop()
        }
        let client = try UDPSocket(loop: loop, boundTo: try loopbackV4())
        try client.send(pattern(11), to: server.localAddress)
        try client.send(pattern(3), to: server.localAddress)
        try runLoop(loop, keepingAlive: server, client)
        #expect(sizes == [3])
        #expect(server.counters.truncated == 1)
    }
}
