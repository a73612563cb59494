import DNSWire
import EventIO
import ResolverCore

/// A client TCP connection: RFC 7766 framing and pipelining, with the flow control that keeps one client from
/// holding unbounded memory (its output queue capped, its input read only while the queue is short) and the
/// timeouts that free its slot (idle since the last completed exchange, no progress writing).
final class TCPClient {
    let connection: TCPConnection
    /// The per-source count this connection takes part in.
    let source: [UInt8]
    /// Queries read and not yet answered.
    var outstanding = 0
    var idleTimer: EventTimer?
    /// Reads again after an answer, from the loop rather than from inside the answer's call chain.
    var readAgainTimer: EventTimer?
    /// Inside `readTCP`: an answer given meanwhile needs no further read, the loop goes on by itself.
    var isReading = false
    /// Its queued answers passed `tcp-output-limit`: no query is read until they are down to half.
    var isOutputLimited = false
    /// The client shut down its sending side: answer what it sent, then close.
    var peerFinished = false
    /// Closing once the queued answers are written.
    var isClosing = false
    var isClosed = false

    init(_ connection: TCPConnection, source: [UInt8]) {
        self.connection = connection
        self.source = source
    }
}

extension ResolverServer {
    /// Read-buffer cap per connection: two largest messages (2 + 65535 octets each), so a whole one always fits.
    static let tcpReadLimit = 2 * (2 + 65_535)

    /// What counts as one source for `tcp-connections-per-source`: an IPv4 address, or an IPv6 /64 (a host
    /// usually has a whole /64 to pick addresses from).
    static func sourceKey(_ address: SocketAddress) -> [UInt8] {
        let bytes = address.addressBytes
        return bytes.count == 16 ? Array(bytes.prefix(8)) : bytes
    }

    /// Asked by the listener before a connection exists: refused and denied sources, and sources at their
    /// connection limit, are closed at once and hold no slot.
    func admitsConnection(from source: SocketAddress) -> Bool {
        guard admit(source) == .allow else {
            counters.tcpNotAdmitted += 1
            return false
        }
        guard connectionsPerSource[ResolverServer.sourceKey(source), default: 0] < settings.tcpConnectionsPerSource else {
            counters.tcpOverSourceLimit += 1
            return false
        }
        return true
    }

    func acceptRanShort(_ error: IOError) {
        counters.acceptDescriptorShortages += 1
        let (tell, untold) = acceptShortageLog.occurred(at: EventLoop.monotonicNanoseconds())
        guard tell else { return }
        let more = untold > 0 ? " (\(untold) more times since the last report)" : ""
        log(LogEntry(.warning, "TCP clients: \(error); accepting pauses for 100 ms\(more). Raise the open-files limit "
            + "(ulimit -n) or lower incoming-num-tcp and outgoing-range"))
    }

    func accepted(_ connection: TCPConnection) {
        let client = TCPClient(connection, source: ResolverServer.sourceKey(connection.remoteAddress))
        tcpClients[ObjectIdentifier(connection)] = client
        connectionsPerSource[client.source, default: 0] += 1
        connection.setReadLimit(ResolverServer.tcpReadLimit)
        connection.setWriteLowWatermark(settings.tcpOutputLimit / 2)
        connection.setTimeouts(read: nil, write: .milliseconds(Int64(settings.tcpWriteTimeout)))
        connection.onData = { [weak self, unowned client] _ in self?.readTCP(client) }
        connection.onReadClosed = { [weak self, unowned client] _ in self?.peerFinished(client) }
        connection.onWriteQueueDrained = { [weak self, unowned client] _ in self?.outputDrained(client) }
        connection.onClose = { [weak self, unowned client] _, reason in
            if reason == .timedOut { self?.counters.tcpWriteTimeouts += 1 }
            self?.drop(client)
        }
        client.readAgainTimer = try? EventTimer(loop: loop) { [weak self, unowned client] in self?.readTCP(client) }
        restartIdleTimer(client)
    }

    /// Takes whole frames while the client may have more queries in flight and its answers are not piling up.
    /// Never nested: answers given meanwhile (from the cache) only queue output.
    func readTCP(_ client: TCPClient) {
        tcpReadNesting.current += 1
        tcpReadNesting.deepest = max(tcpReadNesting.deepest, tcpReadNesting.current)
        defer { tcpReadNesting.current -= 1 }
        guard !client.isReading, !client.isClosed, !client.isClosing else { return }
        client.isReading = true
        defer { client.isReading = false }
        let connection = client.connection
        while !client.isClosed, !client.isClosing, !client.isOutputLimited,
              client.outstanding < settings.maxPipelinedPerConnection, let prefix = connection.peekBytes(2) {
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard connection.availableByteCount >= 2 + length, let frame = connection.readBytes(2 + length) else { break }
            counters.tcpQueries += 1
            client.idleTimer?.cancel()
            handleClientMessage(Array(frame.dropFirst(2)), from: connection.remoteAddress, overTCP: true,
                                reply: { [unowned client] bytes in self.writeFrame(bytes, to: client) },
                                waiting: { [unowned client] request in
                                    client.outstanding += 1
                                    return .tcp(client, request)
                                })
        }
        finishIfDone(client)
    }

    /// The resolver's answer to one of the client's queries.
    func answered(_ client: TCPClient, with response: [UInt8]) {
        guard !client.isClosed, client.outstanding > 0 else { return }
        client.outstanding -= 1
        writeFrame(response, to: client)
        if !client.isReading { client.readAgainTimer?.schedule(after: .zero) }
        restartIdleTimer(client)
    }

    func writeFrame(_ bytes: [UInt8], to client: TCPClient) {
        let length = UInt16(truncatingIfNeeded: bytes.count)
        _ = client.connection.write([UInt8(length >> 8), UInt8(length & 0xFF)] + bytes)
        if !client.isOutputLimited, client.connection.pendingWriteByteCount > settings.tcpOutputLimit {
            client.isOutputLimited = true
            counters.tcpOutputLimited += 1
            client.connection.pauseReading()
        }
    }

    /// The output queue fell to half the limit (or emptied): read again, count idleness, or finish closing.
    func outputDrained(_ client: TCPClient) {
        guard !client.isClosed else { return }
        if client.isClosing {
            if client.connection.pendingWriteByteCount == 0 { drop(client) }
            return
        }
        if client.isOutputLimited {
            client.isOutputLimited = false
            client.connection.resumeReading()
            client.readAgainTimer?.schedule(after: .zero)
        }
        restartIdleTimer(client)
    }

    /// RFC 7766 §6.2.4 (a query then `shutdown(SHUT_WR)`): everything it sent is in the buffer; answer it all.
    func peerFinished(_ client: TCPClient) {
        client.peerFinished = true
        counters.tcpHalfClosed += 1
        readTCP(client)
    }

    /// A half-closed connection with every query answered is closed once its answers are written.
    func finishIfDone(_ client: TCPClient) {
        guard client.peerFinished, !client.isClosing, client.outstanding == 0 else { return }
        if let prefix = client.connection.peekBytes(2),
           client.connection.availableByteCount >= 2 + (Int(prefix[0]) << 8 | Int(prefix[1])) { return }
        closeWhenWritten(client)
    }

    func closeWhenWritten(_ client: TCPClient) {
        client.isClosing = true
        client.idleTimer?.cancel()
        if client.connection.pendingWriteByteCount == 0 { drop(client) }
        // Otherwise `outputDrained` drops it once the queue is empty, or the write timeout does.
    }

    /// The idle timeout runs only while nothing is asked and nothing is left to write: from the end of the
    /// last completed exchange, not from the last answer queued to a client that does not read.
    func restartIdleTimer(_ client: TCPClient) {
        client.idleTimer?.cancel()
        guard !client.isClosed, !client.isClosing, client.outstanding == 0,
              client.connection.pendingWriteByteCount == 0 else { return }
        if client.peerFinished { return finishIfDone(client) }
        if client.idleTimer == nil {
            client.idleTimer = try? EventTimer(loop: loop) { [weak self, unowned client] in self?.closeWhenWritten(client) }
        }
        client.idleTimer?.schedule(after: .milliseconds(Int64(settings.tcpIdleTimeout)))
    }

    /// Closes the connection (queued output is dropped) and forgets the client; answers still owed are dropped
    /// when they come.
    func drop(_ client: TCPClient) {
        guard !client.isClosed else { return }
        client.isClosed = true
        client.idleTimer?.cancel()
        client.idleTimer = nil
        client.readAgainTimer?.cancel()
        client.readAgainTimer = nil
        client.connection.close()
        tcpClients[ObjectIdentifier(client.connection)] = nil
        if let count = connectionsPerSource[client.source], count > 1 {
            connectionsPerSource[client.source] = count - 1
        } else {
            connectionsPerSource[client.source] = nil
        }
    }
}
