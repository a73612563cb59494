import DNSWire
import EventIO
import ResolverCore

/// Performs the resolver's upstream queries on an event loop: each query over UDP from its own connected
/// socket (a fresh random source port, and the kernel drops datagrams from anyone but the server), or over
/// TCP with RFC 1035 §4.2.2 length framing; a timer per query. Results go back as `ResolverEvent`s.
///
/// Open sockets are capped (`socketLimit`, from `outgoing-range` and the open-files limit), so that a flood of
/// queries to servers that never answer cannot use up the process's descriptors. Beyond the cap, or when the
/// kernel has no descriptor to give, a UDP query goes out over a `SharedUDPSockets` pool instead (fewer random
/// source ports while it lasts, the ID and 0x20 checks unchanged) and a TCP query fails at once, so the core
/// tries another server or answers. Both are counted and logged at most once a minute.
///
/// Whether a reply is the one expected (ID, question, 0x20 case) is the core's decision: the transport hands
/// over every decodable reply and closes the socket only once the core no longer waits for the token.
final class UpstreamTransport {
    private let loop: EventLoop
    private let outgoingV4: SocketAddress?
    private let outgoingV6: SocketAddress?
    /// The most sockets of their own queries hold at once (the shared pool's few come on top).
    let socketLimit: Int
    /// Where results go: into the resolver, whose actions the server then performs.
    var deliver: (ResolverEvent) -> Void = { _ in }
    /// Asked after each delivered reply: does the core still wait for this token?
    var stillWaiting: (QueryToken) -> Bool = { _ in false }
    /// Where warnings go (the server's log).
    var log: (LogEntry) -> Void = { _ in }
    private var inFlight: [QueryToken: InFlight] = [:]
    /// Sockets held by queries of their own (connected UDP, TCP).
    private(set) var openSockets = 0
    private var shared: SharedUDPSockets!
    private var shortageLog = RateLimitedLog(interval: .seconds(60))
    private var capLog = RateLimitedLog(interval: .seconds(60))
    private(set) var counters = Counters()

    struct Counters {
        var udpQueries = 0
        var tcpQueries = 0
        var timeouts = 0
        var undecodableReplies = 0
        var sendFailures = 0
        /// Queries that found every socket of the cap in use (UDP ones went over the shared pool).
        var socketCapReached = 0
        /// Sockets the kernel would not give (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`).
        var descriptorShortages = 0
        /// UDP queries sent over the shared pool.
        var sharedSocketQueries = 0
        /// Queries the core gave up on (a deadline): their sockets closed before a reply or timeout.
        var cancelled = 0
    }

    private final class InFlight {
        var udp: UDPSocket?
        var tcp: TCPConnection?
        /// Sent over the shared pool: its key there.
        var sharedKey: SharedUDPSockets.Key?
        var timer: EventTimer?
        /// Over TCP: the connection is up (a timeout after this is no answer, not a failed connect).
        var connected = false
    }

    init(loop: EventLoop, outgoing: [IPAddress], socketLimit: Int = 4096) {
        self.loop = loop
        self.socketLimit = max(socketLimit, 1)
        outgoingV4 = outgoing.first(where: \.isIPv4).flatMap { SocketAddress($0, port: 0) }
        outgoingV6 = outgoing.first(where: { !$0.isIPv4 }).flatMap { SocketAddress($0, port: 0) }
        shared = SharedUDPSockets(loop: loop, sourceV4: outgoingV4, sourceV6: outgoingV6)
        shared.onReply = { [unowned self] bytes, token, server in received(bytes, token: token, from: server) }
    }

    var outstanding: Int { inFlight.count }

    func send(_ query: UpstreamQuery) {
        guard let server = SocketAddress(query.server), let bytes = try? query.message.encode() else {
            counters.sendFailures += 1
            deliver(.networkError(query.token))
            return
        }
        let source = query.server.ip.isIPv4 ? outgoingV4 : outgoingV6
        let entry = InFlight()
        inFlight[query.token] = entry
        let token = query.token
        do {
            let timer = try EventTimer(loop: loop) { [weak self] in self?.timedOut(token) }
            timer.schedule(after: .milliseconds(Int64(query.timeout)))
            entry.timer = timer
            switch query.transport {
            case .udp:
                counters.udpQueries += 1
                if openSockets >= socketLimit {
                    capReached()
                    try sendShared(bytes, query: query, entry: entry)
                    return
                }
                let socket: UDPSocket
                do {
                    socket = try UDPSocket(loop: loop, connectedTo: server, from: source)
                } catch where error.isResourceShortage {
                    ranShort(error)
                    try sendShared(bytes, query: query, entry: entry)
                    return
                }
                openSockets += 1
                socket.onDatagram = { [weak self] bytes, _ in self?.received(bytes, token: token, from: query.server) }
                socket.onError = { [weak self] _ in self?.failed(token) }
                entry.udp = socket
                try socket.send(bytes)
            case .tcp:
                counters.tcpQueries += 1
                guard openSockets < socketLimit else {
                    capReached()
                    throw IOError(.socket, code: 0)
                }
                let connection: TCPConnection
                do {
                    connection = try TCPConnection(loop: loop, connectingTo: server, from: source,
                                                   timeout: .milliseconds(Int64(min(query.connectTimeout, query.timeout))))
                } catch where error.isResourceShortage {
                    ranShort(error)
                    throw error
                }
                openSockets += 1
                connection.onData = { [weak self] connection in self?.readFrames(connection, token: token, from: query.server) }
                connection.onConnected = { [weak entry] _ in entry?.connected = true }
                connection.onClose = { [weak self, weak entry] _, reason in
                    guard let self else { return }
                    switch (reason, entry?.connected ?? true) {
                    case (.timedOut, false): self.connectFailed(token, .connectTimedOut)
                    case (.failed, false): self.connectFailed(token, .connectRefused)
                    default: self.failed(token)
                    }
                }
                entry.tcp = connection
                let length = UInt16(truncatingIfNeeded: bytes.count)
                _ = connection.write([UInt8(length >> 8), UInt8(length & 0xFF)] + bytes)
            }
        } catch {
            counters.sendFailures += 1
            finish(token)
            deliver(.networkError(token))
        }
    }

    private func sendShared(_ bytes: [UInt8], query: UpstreamQuery, entry: InFlight) throws(IOError) {
        counters.sharedSocketQueries += 1
        entry.sharedKey = try shared.send(bytes, id: query.message.header.id, to: query.server, token: query.token)
    }

    private func capReached() {
        counters.socketCapReached += 1
        let (tell, untold) = capLog.occurred(at: EventLoop.monotonicNanoseconds())
        guard tell else { return }
        let more = untold > 0 ? "; \(untold) more queries found it so since the last report" : ""
        log(LogEntry(.warning, "upstream: all \(socketLimit) sockets of outgoing-range in use (servers slow to answer, "
            + "or a flood); UDP queries share a pool of sockets meanwhile, TCP queries fail over\(more)"))
    }

    private func ranShort(_ error: IOError) {
        counters.descriptorShortages += 1
        let (tell, untold) = shortageLog.occurred(at: EventLoop.monotonicNanoseconds())
        guard tell else { return }
        let more = untold > 0 ? "; \(untold) more times since the last report" : ""
        log(LogEntry(.warning, "upstream: \(error) with \(openSockets) sockets open; UDP queries share a pool of sockets "
            + "meanwhile. Raise the open-files limit (ulimit -n) or lower outgoing-range\(more)"))
    }

    private func readFrames(_ connection: TCPConnection, token: QueryToken, from server: ServerAddress) {
        while let prefix = connection.peekBytes(2) {
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard connection.availableByteCount >= 2 + length, let frame = connection.readBytes(2 + length) else { return }
            received(Array(frame.dropFirst(2)), token: token, from: server)
            if inFlight[token] == nil { return }
        }
    }

    private func received(_ bytes: [UInt8], token: QueryToken, from server: ServerAddress) {
        guard inFlight[token] != nil else { return }
        guard let message = try? Message(wire: bytes) else {
            // Garbage is not an answer; keep waiting for the real one until the timer says otherwise.
            counters.undecodableReplies += 1
            return
        }
        deliver(.reply(token, from: server, message))
        if !stillWaiting(token) { finish(token) }
    }

    private func timedOut(_ token: QueryToken) {
        guard inFlight[token] != nil else { return }
        counters.timeouts += 1
        finish(token)
        deliver(.timeout(token))
    }

    private func connectFailed(_ token: QueryToken, _ failure: Exchange.TCPFailure) {
        guard inFlight[token] != nil else { return }
        finish(token)
        deliver(.connectFailed(token, failure))
    }

    /// The core no longer waits for `token`: close its socket without telling anyone.
    func cancel(_ token: QueryToken) {
        guard inFlight[token] != nil else { return }
        counters.cancelled += 1
        finish(token)
    }

    private func failed(_ token: QueryToken) {
        guard inFlight[token] != nil else { return }
        finish(token)
        deliver(.networkError(token))
    }

    private func finish(_ token: QueryToken) {
        guard let entry = inFlight.removeValue(forKey: token) else { return }
        entry.timer?.cancel()
        if let socket = entry.udp {
            socket.close()
            openSockets -= 1
        }
        if let connection = entry.tcp {
            connection.close()
            openSockets -= 1
        }
        if let key = entry.sharedKey { shared.forget(key) }
    }

    func closeAll() {
        for token in Array(inFlight.keys) { finish(token) }
        shared.closeAll()
    }
}
