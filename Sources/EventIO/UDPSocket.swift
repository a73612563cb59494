internal import CLibevent
import Glibc

/// A non-blocking UDP socket on an `EventLoop`: bound to serve an address, or connected to one server.
///
/// Receiving is batched: each time the socket becomes readable, one `recvmmsg` takes up to the loop's
/// `receiveBatchSize` datagrams, and `onDatagram` runs for each. Sending is a plain `sendto`, or batched with
/// `sendmmsg` through `send(_:)` of several datagrams and through `enqueue`, which collects the answers a
/// callback gives while a batch is being delivered and sends them all in one call after it.
///
/// A connected socket (`init(loop:connectedTo:from:)`) is what an upstream query uses: the kernel gives it a
/// random ephemeral source port and delivers to it only datagrams from the connected server's address and port.
///
/// Handlers run on the loop's thread; `close()` (or dropping the socket) stops them and releases them, so a
/// handler that captures the socket strongly is a cycle only until then.
public final class UDPSocket {
    public typealias DatagramHandler = (_ bytes: [UInt8], _ source: SocketAddress) -> Void

    /// What this socket has dropped or failed to send; for statistics.
    public struct Counters: Sendable, Equatable {
        /// Datagrams handed to `onDatagram`.
        public var received = 0
        /// Wakes that delivered at least one datagram; `received / batches` is the mean batch size.
        public var batches = 0
        /// Datagrams longer than the loop's `maxDatagramSize`, dropped.
        public var truncated = 0
        /// Datagrams the kernel refused to send (buffer full, unreachable…), dropped.
        public var sendFailures = 0
    }

    let loop: EventLoop
    /// The owned descriptor and read event.
    private let watched: WatchedDescriptor
    private var isDeliveringBatch = false
    private var queued: [OutgoingDatagram] = []

    /// The address the socket is bound to, with the port the kernel chose if it was asked for port 0.
    public let localAddress: SocketAddress
    /// The server a connected socket talks to; nil for a bound (serving) socket.
    public let connectedPeer: SocketAddress?
    public private(set) var counters = Counters()

    /// Called for each datagram received; setting it starts reading, setting nil stops.
    public var onDatagram: DatagramHandler? {
        didSet { watched.watch(onDatagram != nil) }
    }

    /// Called when receiving fails for a reason other than "nothing to read", e.g. `ECONNREFUSED` on a connected
    /// socket after the server's host answered with ICMP port unreachable.
    public var onError: ((IOError) -> Void)?

    /// Binds a socket to serve `address` (IPv4 or IPv6, an exact address or the family's wildcard).
    public convenience init(loop: EventLoop, boundTo address: SocketAddress,
                            options: SocketOptions = SocketOptions()) throws(IOError) {
        let descriptor = try Descriptor(domain: address.domain, type: SOCK_DGRAM)
        try descriptor.apply(options)
        try descriptor.bind(to: address)
        guard let local = descriptor.localAddress else { throw IOError.lastError(.address) }
        try self.init(loop: loop, descriptor: descriptor, local: local, peer: nil)
    }

    /// A socket for queries to one `server`, with a kernel-chosen ephemeral source port (Linux picks it at
    /// random within `net.ipv4.ip_local_port_range`, by default 32768–60999) and, if `source` is given, that
    /// source address (the `outgoing-interface`; its port should be 0). The socket is `connect`ed, so the kernel
    /// drops datagrams from any other address or port before they reach us.
    public convenience init(loop: EventLoop, connectedTo server: SocketAddress,
                            from source: SocketAddress? = nil) throws(IOError) {
        if let source, source.family != server.family { throw IOError(.bind, code: EAFNOSUPPORT) }
        let descriptor = try Descriptor(domain: server.domain, type: SOCK_DGRAM)
        if let source { try descriptor.bind(to: source) }
        let result = server.withSockAddr { Glibc.connect(descriptor.rawValue, $0, $1) }
        guard result == 0 else { throw IOError.lastError(.connect) }
        guard let local = descriptor.localAddress else { throw IOError.lastError(.address) }
        try self.init(loop: loop, descriptor: descriptor, local: local, peer: server)
    }

    private init(loop: EventLoop, descriptor: consuming Descriptor, local: SocketAddress,
                 peer: SocketAddress?) throws(IOError) {
        self.loop = loop
        self.localAddress = local
        self.connectedPeer = peer
        watched = try WatchedDescriptor(loop: loop, descriptor: descriptor)
        watched.onReadable = { [unowned self] in handleReadable() }
    }

    private var fd: Int32 { watched.fd }

    /// Stops reading, drops queued datagrams and handlers, and closes the socket. Further sends throw `EBADF`.
    public func close() {
        watched.close()
        queued.removeAll()
        onDatagram = nil
        onError = nil
    }

    public var isClosed: Bool { watched.isClosed }

    // MARK: Sending

    /// Sends one datagram to `destination` at once with `sendto`. Throws `IOError(.send)` when the kernel refuses
    /// it; `isWouldBlock` then means the send buffer is full, and the datagram is lost (UDP).
    public func send(_ bytes: [UInt8], to destination: SocketAddress) throws(IOError) {
        guard !isClosed else { throw closedSend() }
        let result = bytes.withUnsafeBytes { buffer in
            destination.withSockAddr { sendto(fd, buffer.baseAddress, buffer.count, 0, $0, $1) }
        }
        guard result >= 0 else { throw failedSend() }
    }

    /// Sends one datagram to the connected server.
    public func send(_ bytes: [UInt8]) throws(IOError) {
        guard !isClosed else { throw closedSend() }
        let result = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard result >= 0 else { throw failedSend() }
    }

    /// Sends several datagrams with `sendmmsg` (a connected socket ignores their destinations). Returns how
    /// many the kernel accepted; the others are counted in `counters.sendFailures`.
    @discardableResult
    public func send(_ datagrams: [OutgoingDatagram]) -> Int {
        guard !isClosed else {
            counters.sendFailures += datagrams.count
            return 0
        }
        let sent = loop.datagramScratch.send(datagrams[...], on: fd, connected: connectedPeer != nil)
        counters.sendFailures += datagrams.count - sent
        return sent
    }

    /// Sends a datagram with the rest of the current batch: inside `onDatagram` it is queued and sent with one
    /// `sendmmsg` after the batch's last datagram has been handled; anywhere else it is sent at once. Failures are
    /// counted, not thrown.
    public func enqueue(_ bytes: [UInt8], to destination: SocketAddress) {
        if isDeliveringBatch {
            queued.append(OutgoingDatagram(bytes, to: destination))
            if queued.count >= loop.datagramScratch.slots { flushQueue() }
        } else {
            do { try send(bytes, to: destination) } catch { /* counted in failedSend() */ }
        }
    }

    private func flushQueue() {
        guard !queued.isEmpty else { return }
        let batch = queued
        queued.removeAll(keepingCapacity: true)
        send(batch)
    }

    private func closedSend() -> IOError {
        counters.sendFailures += 1
        return IOError(.send, code: EBADF)
    }

    private func failedSend() -> IOError {
        let error = IOError.lastError(.send)
        counters.sendFailures += 1
        return error
    }

    // MARK: Receiving

    private func handleReadable() {
        isDeliveringBatch = true
        let receivedBefore = counters.received
        let failure = loop.datagramScratch.receive(from: fd, limit: loop.datagramScratch.slots) { bytes, source in
            guard let handler = onDatagram else { return }
            guard let bytes, let source else {
                counters.truncated += bytes == nil ? 1 : 0
                return
            }
            counters.received += 1
            handler(bytes, source)
        }
        isDeliveringBatch = false
        if counters.received > receivedBefore { counters.batches += 1 }
        flushQueue()
        if let code = failure, code != EAGAIN, code != EWOULDBLOCK, code != EINTR {
            onError?(IOError(.receive, code: code))
        }
    }
}
