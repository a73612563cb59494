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
    var tcpListeners: [TCPListener] = []
    var tcpClients: [ObjectIdentifier: TCPClient] = [:]
    /// Open client connections per source (an IPv4 address, an IPv6 /64), for `tcp-connections-per-source`.
    var connectionsPerSource: [[UInt8]: Int] = [:]
    /// How deep `readTCP` calls are nested now and at most: 1, since answers never read the next frame from
    /// inside the previous one's call chain (tests check it).
    var tcpReadNesting = (current: 0, deepest: 0)
    /// One line a minute at most when accepting runs out of descriptors.
    var acceptShortageLog = RateLimitedLog(interval: .seconds(60))
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
    public var log: (LogEntry) -> Void = { _ in } {
        didSet { transport.log = log }
    }
    public internal(set) var counters = Counters()

    /// Client-side counters, for logs and metrics.
    public struct Counters: Sendable {
        public var udpQueries = 0
        public var tcpQueries = 0
        public var refused = 0
        public var denied = 0
        public var immediateReplies = 0
        public var dropped = 0
        public var answers = 0
        /// TCP connections closed at accept: refused or denied by access control, or over the per-source limit.
        public var tcpNotAdmitted = 0
        public var tcpOverSourceLimit = 0
        /// TCP connections closed because their answers made no progress for `tcp-write-timeout`.
        public var tcpWriteTimeouts = 0
        /// Times a connection stopped being read because its queued answers passed `tcp-output-limit`.
        public var tcpOutputLimited = 0
        /// Half-closed connections (RFC 7766: a query then `shutdown(SHUT_WR)`) answered before closing.
        public var tcpHalfClosed = 0
        /// `accept` failures for want of descriptors.
        public var acceptDescriptorShortages = 0
    }

    /// Who is waiting for a client answer and how it goes back.
    enum ClientOrigin {
        case udp(UDPSocket, SocketAddress, ClientRequest)
        case tcp(TCPClient, ClientRequest)
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
        transport = UpstreamTransport(loop: loop, outgoing: settings.outgoing,
                                      socketLimit: settings.upstreamSocketLimit(openFilesLimit: AddressProbe.openFilesLimit))
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
            + "send failures \(upstream.sendFailures), cancelled \(upstream.cancelled), deadlines hit \(core.deadlinesHit), "
            + "over the socket cap \(upstream.socketCapReached) (cap \(transport.socketLimit)), "
            + "descriptor shortages \(upstream.descriptorShortages)"
    }

    /// The client and upstream limits in effect, for the start-up log.
    public var limitsSummary: String {
        let files = AddressProbe.openFilesLimit.map(String.init) ?? "unlimited"
        return "incoming-num-tcp \(settings.maxTCPConnections), tcp-connections-per-source \(settings.tcpConnectionsPerSource), "
            + "upstream sockets \(transport.socketLimit) (outgoing-range \(settings.outgoingRange), open-files limit \(files))"
    }

    /// What the TCP listeners turned away, for the log at exit.
    public var listenerSummary: String {
        let full = tcpListeners.reduce(0) { $0 + $1.refusedCount }
        let shortages = tcpListeners.reduce(0) { $0 + $1.descriptorShortages }
        return "turned away at incoming-num-tcp \(full), not admitted \(counters.tcpNotAdmitted + counters.tcpOverSourceLimit), "
            + "accept descriptor shortages \(shortages)"
    }

    /// The addresses actually listened on (with the port the kernel chose for port 0).
    public var listeningAddresses: [SocketAddress] { udpSockets.map(\.localAddress) }

    /// Before the first worker binds with SO_REUSEPORT (several threads): fail if another process already
    /// serves one of the addresses, which it would otherwise share silently.
    public static func checkAddressesFree(_ settings: ServerSettings) throws {
        for (ip, port) in settings.listen where port != 0 {
            guard let address = SocketAddress(ip, port: port) else { continue }
            do {
                try AddressProbe.checkFree(address)
            } catch {
                throw SettingsError("cannot listen on \(address) (UDP and TCP): \(error)"
                    + (error.isAddressInUse ? "; is another anchord or DNS server running there?" : ""))
            }
        }
    }

    private func openListeners() throws {
        let options = SocketOptions(reuseAddress: true, reusePort: settings.reusePort)
        for (ip, port) in settings.listen {
            guard let address = SocketAddress(ip, port: port) else { continue }
            let udp: UDPSocket
            let tcp: TCPListener
            do {
                udp = try UDPSocket(loop: loop, boundTo: address, options: options)
            } catch {
                throw SettingsError("cannot listen on \(address) (UDP): \(error)")
            }
            // Port 0 (tests): the TCP listener takes the port the kernel gave the UDP socket.
            let tcpAddress = address.withPort(udp.localAddress.port)
            do {
                tcp = try TCPListener(loop: loop, boundTo: tcpAddress, maxConnections: settings.maxTCPConnections,
                                      options: options)
            } catch {
                throw SettingsError("cannot listen on \(tcpAddress) (TCP): \(error)")
            }
            udp.onDatagram = { [weak self, unowned udp] bytes, source in self?.receivedUDP(bytes, from: source, on: udp) }
            tcp.admits = { [weak self] source in self?.admitsConnection(from: source) ?? false }
            tcp.onDescriptorShortage = { [weak self] error in self?.acceptRanShort(error) }
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
        // TCP limits: for new connections, and for reads and writes from now on.
        settings.maxTCPConnections = newSettings.maxTCPConnections
        settings.tcpConnectionsPerSource = newSettings.tcpConnectionsPerSource
        settings.tcpIdleTimeout = newSettings.tcpIdleTimeout
        settings.tcpWriteTimeout = newSettings.tcpWriteTimeout
        settings.tcpOutputLimit = newSettings.tcpOutputLimit
        for listener in tcpListeners { listener.maxConnections = newSettings.maxTCPConnections }
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
        for client in Array(tcpClients.values) { drop(client) }
        housekeeping?.cancel()
        wakeTimer?.cancel()
        deadlineTimer?.cancel()
    }

    // MARK: Clients

    func admit(_ source: SocketAddress) -> AccessAction {
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
    func handleClientMessage(_ bytes: [UInt8], from source: SocketAddress, overTCP: Bool,
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

    // MARK: Resolver

    func handle(_ event: ResolverEvent) {
        perform(resolver.handle(event, at: .current()))
    }

    func perform(_ actions: [ResolverAction]) {
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
                    answered(client, with: settings.client.response(to: request, answer: answer, overTCP: true))
                }
            }
        }
    }
}
