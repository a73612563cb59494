import AnchordConfig
import DNSCache
import DNSWire
import EventIO
import ResolverCore
import TrustAnchors

/// One worker: an event loop's listeners, its resolver (with its own cache) and its upstream transport.
/// Everything here runs on the loop's thread; nothing is shared with other workers.
public final class ResolverServer {
    public let loop: EventLoop
    public private(set) var settings: ServerSettings
    let resolver: Resolver
    private let transport: UpstreamTransport
    private var udpSockets: [UDPSocket] = []
    private var tcpListeners: [TCPListener] = []
    private var tcpClients: [ObjectIdentifier: TCPClient] = [:]
    private var clients: [ClientQueryID: ClientOrigin] = [:]
    private var nextClient: UInt64 = 1
    private var housekeeping: EventTimer?
    /// The one timer the core's wake-ups (`ResolverAction.wakeUp`) run on.
    private var wakeTimer: EventTimer?
    /// The timer for the core's monotonic wake-ups (`ResolverAction.wakeAfter`): client questions' deadlines.
    private var deadlineTimer: EventTimer?
    /// Where managed anchors are saved; only on the worker that manages them.
    private let anchorState: AnchorStateDirectory?
    /// Where the core's log lines go (the executable's logger).
    public var log: (LogEntry) -> Void = { _ in }
    public private(set) var counters = Counters()

    /// Client-side counters, for logs and metrics.
    public struct Counters: Sendable {
        public var udpQueries = 0
        public var tcpQueries = 0
        public var refused = 0
        public var denied = 0
        public var immediateReplies = 0
        public var dropped = 0
        public var answers = 0
    }

    /// Who is waiting for a client answer and how it goes back.
    private enum ClientOrigin {
        case udp(UDPSocket, SocketAddress, ClientRequest)
        case tcp(TCPClient, ClientRequest)
    }

    /// A client TCP connection: RFC 7766 framing, pipelining, idle timeout.
    final class TCPClient {
        let connection: TCPConnection
        var outstanding = 0
        var idleTimer: EventTimer?
        init(_ connection: TCPConnection) { self.connection = connection }
    }

    /// A worker validating from `board`; the one given `anchorManager` (and the state directory to save its
    /// anchors in, unless they are read-only) runs the RFC 5011 refreshes for the whole process.
    public init(loop: EventLoop, settings: ServerSettings, board: AnchorBoard, anchorManager: AnchorManager? = nil,
                anchorState: AnchorStateDirectory? = nil) throws {
        self.loop = loop
        self.settings = settings
        self.anchorState = anchorState
        resolver = Resolver(configuration: settings.resolver, rootHints: settings.rootHints,
                            cache: ResolverCache(configuration: settings.cache), validator: settings.makeValidator(board: board))
        resolver.anchorBoard = settings.validation ? board : nil
        resolver.anchorManager = settings.validation ? anchorManager : nil
        resolver.rootKeySentinel = settings.rootKeySentinel
        transport = UpstreamTransport(loop: loop, outgoing: settings.outgoing)
        transport.deliver = { [weak self] event in self?.handle(event) }
        transport.stillWaiting = { [weak self] token in self?.resolver.isWaiting(for: token) ?? false }
        try openListeners()
        let timer = try EventTimer(loop: loop) { [weak self] in self?.resolver.purgeInfrastructure(at: .current()) }
        timer.scheduleRepeating(every: .seconds(60))
        housekeeping = timer
        wakeTimer = try EventTimer(loop: loop) { [weak self] in self?.handle(.wake) }
        deadlineTimer = try EventTimer(loop: loop) { [weak self] in self?.handle(.wake) }
    }

    /// Start the work the core does by itself (the first RFC 5011 refresh, at once).
    public func start() {
        handle(.wake)
    }

    /// Counters of the resolver core and the upstream transport, for logs.
    public var statisticsSummary: String {
        let core = resolver.statistics
        let upstream = transport.counters
        return "client queries \(core.clientQueries) (joined in flight \(core.joinedInFlight), from cache \(core.cacheAnswers)); "
            + "upstream queries \(core.upstreamQueries) (udp \(upstream.udpQueries), tcp \(upstream.tcpQueries)), "
            + "timeouts \(upstream.timeouts), unmatched replies \(core.unmatchedReplies), undecodable \(upstream.undecodableReplies), "
            + "send failures \(upstream.sendFailures), cancelled \(upstream.cancelled), deadlines hit \(core.deadlinesHit)"
    }

    /// The addresses actually listened on (with the port the kernel chose for port 0).
    public var listeningAddresses: [SocketAddress] { udpSockets.map(\.localAddress) }

    private func openListeners() throws {
        let options = SocketOptions(reuseAddress: true, reusePort: settings.reusePort)
        for (ip, port) in settings.listen {
            guard let address = SocketAddress(ip, port: port) else { continue }
            let udp = try UDPSocket(loop: loop, boundTo: address, options: options)
            // Port 0 (tests): the TCP listener takes the port the kernel gave the UDP socket.
            let tcpAddress = address.withPort(udp.localAddress.port)
            let tcp = try TCPListener(loop: loop, boundTo: tcpAddress, maxConnections: settings.maxTCPConnections,
                                      options: options)
            udp.onDatagram = { [weak self, unowned udp] bytes, source in self?.receivedUDP(bytes, from: source, on: udp) }
            tcp.onAccept = { [weak self] connection in self?.accepted(connection) }
            udpSockets.append(udp)
            tcpListeners.append(tcp)
        }
    }

    /// Apply reloaded settings (SIGHUP): access control, client rules, resolver options and validation limits
    /// change; validation on/off and the trust anchors (shared by all workers, managed ones in their state
    /// files) are read at start only; the cache,
    /// the infrastructure cache and the listeners stay.
    public func reload(_ newSettings: ServerSettings) {
        settings.accessControl = newSettings.accessControl
        settings.client = newSettings.client
        resolver.configuration = newSettings.resolver
        settings.resolver = newSettings.resolver
        // Anchors are read at start only: the managed ones live in their state files, and the board is shared.
        settings.rootKeySentinel = newSettings.rootKeySentinel
        resolver.rootKeySentinel = newSettings.rootKeySentinel
        if var validator = resolver.validator {
            validator.limits = newSettings.validationLimits
            resolver.validator = validator
        }
    }

    public func shutdown() {
        transport.closeAll()
        for socket in udpSockets { socket.close() }
        for listener in tcpListeners { listener.close() }
        for client in tcpClients.values { client.connection.close() }
        tcpClients = [:]
        housekeeping?.cancel()
        wakeTimer?.cancel()
        deadlineTimer?.cancel()
    }

    // MARK: Clients

    private func admit(_ source: SocketAddress) -> AccessAction {
        guard let ip = source.ipAddress else { return .deny }
        let action = settings.accessControl.action(for: ip)
        switch action {
        case .allow: break
        case .refuse: counters.refused += 1
        case .deny: counters.denied += 1
        }
        return action
    }

    private func receivedUDP(_ bytes: [UInt8], from source: SocketAddress, on socket: UDPSocket) {
        counters.udpQueries += 1
        handleClientMessage(bytes, from: source, overTCP: false,
                            reply: { socket.enqueue($0, to: source) },
                            waiting: { .udp(socket, source, $0) })
    }

    /// One client message from either transport: access control, then `ClientProtocol`'s judgement, then the
    /// resolver. `reply` sends an immediate answer back; `waiting` records where the resolver's answer goes.
    private func handleClientMessage(_ bytes: [UInt8], from source: SocketAddress, overTCP: Bool,
                                     reply: ([UInt8]) -> Void, waiting: (ClientRequest) -> ClientOrigin) {
        switch admit(source) {
        case .deny: return
        case .refuse:
            if let refusal = settings.client.refusal(bytes) { reply(refusal) }
            return
        case .allow: break
        }
        switch settings.client.decide(bytes, overTCP: overTCP) {
        case .drop:
            counters.dropped += 1
        case let .reply(immediate):
            counters.immediateReplies += 1
            reply(immediate)
        case let .resolve(request):
            let id = ClientQueryID(nextClient)
            nextClient += 1
            clients[id] = waiting(request)
            perform(resolver.handle(.query(id, request.question), at: .current()))
        }
    }

    private func accepted(_ connection: TCPConnection) {
        if admit(connection.remoteAddress) == .deny {
            connection.close()
            return
        }
        let client = TCPClient(connection)
        tcpClients[ObjectIdentifier(connection)] = client
        connection.onData = { [weak self] connection in self?.readTCP(connection) }
        connection.onClose = { [weak self] connection, _ in self?.closed(connection) }
        restartIdleTimer(client)
    }

    private func restartIdleTimer(_ client: TCPClient) {
        client.idleTimer?.cancel()
        guard client.outstanding == 0 else { return }
        let connection = client.connection
        if client.idleTimer == nil {
            client.idleTimer = try? EventTimer(loop: loop) { [weak self, weak connection] in
                guard let connection else { return }
                connection.closeWhenFlushed()
                self?.closed(connection)
            }
        }
        client.idleTimer?.schedule(after: .milliseconds(Int64(settings.tcpIdleTimeout)))
    }

    private func readTCP(_ connection: TCPConnection) {
        guard let client = tcpClients[ObjectIdentifier(connection)] else { return }
        while client.outstanding < settings.maxPipelinedPerConnection, let prefix = connection.peekBytes(2) {
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard connection.availableByteCount >= 2 + length, let frame = connection.readBytes(2 + length) else { return }
            counters.tcpQueries += 1
            handleClientMessage(Array(frame.dropFirst(2)), from: connection.remoteAddress, overTCP: true,
                                reply: { writeFrame($0, to: client) },
                                waiting: { request in
                                    client.outstanding += 1
                                    client.idleTimer?.cancel()
                                    return .tcp(client, request)
                                })
        }
    }

    private func writeFrame(_ bytes: [UInt8], to client: TCPClient) {
        let length = UInt16(truncatingIfNeeded: bytes.count)
        _ = client.connection.write([UInt8(length >> 8), UInt8(length & 0xFF)] + bytes)
    }

    private func closed(_ connection: TCPConnection) {
        guard let client = tcpClients.removeValue(forKey: ObjectIdentifier(connection)) else { return }
        client.idleTimer?.cancel()
        client.idleTimer = nil
        // Answers still owed to this connection are dropped when they come.
        client.outstanding = -1_000_000
    }

    // MARK: Resolver

    private func handle(_ event: ResolverEvent) {
        perform(resolver.handle(event, at: .current()))
    }

    private func perform(_ actions: [ResolverAction]) {
        for action in actions {
            switch action {
            case let .send(query):
                transport.send(query)
            case let .wakeUp(at):
                let delay = max(0, at - EventLoop.wallClockSeconds())
                wakeTimer?.schedule(after: .seconds(delay))
            case let .wakeAfter(milliseconds):
                // One millisecond late rather than early: a wake before the deadline would only ask again.
                deadlineTimer?.schedule(after: .milliseconds(Int64(clamping: milliseconds) + 1))
            case let .cancel(token):
                transport.cancel(token)
            case let .saveAnchor(anchor):
                guard let anchorState else { continue }
                do {
                    try anchorState.save(anchor, now: EventLoop.wallClockSeconds())
                } catch {
                    log(LogEntry(.error, "\(error); the trust anchor keeps working from memory, but a restart would lose this state"))
                }
            case let .log(entry):
                log(entry)
            case let .answer(id, answer):
                guard let origin = clients.removeValue(forKey: id) else { continue }
                counters.answers += 1
                switch origin {
                case let .udp(socket, address, request):
                    socket.enqueue(settings.client.response(to: request, answer: answer, overTCP: false), to: address)
                case let .tcp(client, request):
                    guard client.outstanding > 0 else { continue }
                    client.outstanding -= 1
                    writeFrame(settings.client.response(to: request, answer: answer, overTCP: true), to: client)
                    readTCP(client.connection)
                    restartIdleTimer(client)
                }
            }
        }
    }
}
