import DNSWire

/// What the resolver has learned about each authoritative server address: round-trip time, timeouts,
/// which EDNS size and transport work, and for which zones it is lame. Like Unbound's infra cache.
///
/// Entries expire (`hostTTL`) so that a server that recovers is tried normally again. What failed expires
/// sooner (`failureTTL`, `silentHoldDown`): a TCP path found broken is not tried again for a while, and a
/// server that stayed silent through `silentThreshold` exchanges in a row is not asked until its hold-down
/// has passed (then one exchange probes it), so later questions go straight to what works, or fail at once.
public struct InfrastructureCache: Sendable {
    /// RTT estimate and retransmission timeout for one server (RFC 6298 smoothing, as Unbound uses).
    public struct ServerState: Sendable, Equatable {
        public var smoothedRTT: Double?
        public var rttVariance: Double = 0
        /// The timeout for the next query to this server, milliseconds.
        public var timeout: UInt64
        public var consecutiveTimeouts = 0
        /// The largest EDNS size known to come back from this server (nil: not yet learned, use the default).
        public var workingEDNSSize: UInt16?
        /// UDP answers never arrive even at the fallback size: use TCP.
        public var tcpOnly = false
        /// The server rejected EDNS (FORMERR without OPT, RFC 6891 §7): query it without.
        public var noEDNS = false
        /// TCP to this server failed this way, until `tcpFailureExpires` (monotonic milliseconds).
        public var tcpFailure: Exchange.TCPFailure?
        public var tcpFailureExpires: UInt64 = 0
        /// When the last exchange that got no reply at all ended (monotonic milliseconds).
        public var lastSilence: UInt64 = 0
        /// When this entry stops being trusted (monotonic milliseconds).
        public var expires: UInt64
    }

    public var configuration: Configuration
    private var servers: [ServerAddress: ServerState] = [:]
    private var lame: [LameKey: UInt64] = [:]

    public struct Configuration: Sendable {
        /// Timeout for a server never heard from (Unbound: 376 ms).
        public var unknownServerTimeout: UInt64 = 376
        public var minimumTimeout: UInt64 = 50
        /// The backoff stops here: a server slower than this is as good as silent within a client's deadline.
        public var maximumTimeout: UInt64 = 1_500
        /// How long what was learned about a server is kept (Unbound infra-host-ttl: 900 s).
        public var hostTTL: UInt64 = 900_000
        /// How long a failed TCP path is remembered (Unbound keeps a timed-out server 120 s before probing).
        public var failureTTL: UInt64 = 120_000
        /// Exchanges in a row with no reply at all after which a server counts as unreachable.
        public var silentThreshold = 3
        /// How long an unreachable server is left alone before one exchange probes it again.
        public var silentHoldDown: UInt64 = 30_000
        /// How long a server stays marked lame for a zone.
        public var lameTTL: UInt64 = 900_000
        /// Servers whose timeout is within this band of the best are chosen among at random (Unbound: 400 ms).
        public var selectionBand: UInt64 = 400
        public init() {}
    }

    struct LameKey: Hashable {
        var server: ServerAddress
        var zone: Name
    }

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The state for `server`, a fresh one when unknown or expired.
    public func state(of server: ServerAddress, at now: UInt64) -> ServerState {
        if var state = servers[server], state.expires > now {
            if state.tcpFailure != nil, state.tcpFailureExpires <= now { state.tcpFailure = nil }
            return state
        }
        return ServerState(timeout: configuration.unknownServerTimeout, expires: now + configuration.hostTTL)
    }

    /// Record a measured round trip (RFC 6298 §2). A monotonic clock that stepped back makes `now - sent` wrap
    /// to nearly 2^64: such a sample says nothing about the server and is left out (the reply still counts,
    /// ending a run of timeouts); any other sample is taken as at most `maximumTimeout`, so the estimate stays
    /// finite and its conversion to an integer cannot overflow.
    public mutating func recordRTT(_ milliseconds: UInt64, for server: ServerAddress, at now: UInt64) {
        var state = self.state(of: server, at: now)
        guard milliseconds <= UInt64(Int64.max) else {
            state.consecutiveTimeouts = 0
            servers[server] = state
            return
        }
        let sample = Double(min(milliseconds, configuration.maximumTimeout))
        if let smoothed = state.smoothedRTT {
            state.rttVariance = 0.75 * state.rttVariance + 0.25 * abs(smoothed - sample)
            state.smoothedRTT = 0.875 * smoothed + 0.125 * sample
        } else {
            state.smoothedRTT = sample
            state.rttVariance = sample / 2
        }
        let rto = (state.smoothedRTT ?? sample) + 4 * state.rttVariance
        state.timeout = min(configuration.maximumTimeout, max(configuration.minimumTimeout, UInt64(rto.rounded(.up))))
        state.consecutiveTimeouts = 0
        state.expires = now + configuration.hostTTL
        servers[server] = state
    }

    /// A query timed out: back off exponentially (RFC 6298 §5.5).
    public mutating func recordTimeout(for server: ServerAddress, at now: UInt64) {
        var state = self.state(of: server, at: now)
        state.timeout = min(configuration.maximumTimeout, state.timeout * 2)
        state.consecutiveTimeouts += 1
        state.lastSilence = now
        state.expires = now + configuration.hostTTL
        servers[server] = state
    }

    /// Whether `server` stayed silent `silentThreshold` times in a row and its hold-down has not passed.
    public func isUnreachable(_ server: ServerAddress, at now: UInt64) -> Bool {
        let state = self.state(of: server, at: now)
        return state.consecutiveTimeouts >= configuration.silentThreshold && now < state.lastSilence + configuration.silentHoldDown
    }

    /// UDP answers above `size` are lost on the way to us, answers at `size` arrive: ask at `size` from now on.
    public mutating func recordLostAbove(_ size: UInt16, for server: ServerAddress, at now: UInt64) {
        var state = self.state(of: server, at: now)
        state.workingEDNSSize = min(state.workingEDNSSize ?? size, size)
        state.expires = now + configuration.hostTTL
        servers[server] = state
    }

    /// TCP to `server` failed (nil: it worked, forget an earlier failure).
    public mutating func recordTCP(_ failure: Exchange.TCPFailure?, for server: ServerAddress, at now: UInt64) {
        var state = self.state(of: server, at: now)
        state.tcpFailure = failure
        state.tcpFailureExpires = failure == nil ? 0 : now + configuration.failureTTL
        state.expires = max(state.expires, state.tcpFailureExpires)
        servers[server] = state
    }

    /// Remember the EDNS size and transport that worked for `server`.
    public mutating func recordWorkingPath(for server: ServerAddress, ednsSize: UInt16?, tcpOnly: Bool, noEDNS: Bool = false,
                                           at now: UInt64) {
        var state = self.state(of: server, at: now)
        state.workingEDNSSize = ednsSize
        state.tcpOnly = tcpOnly
        state.noEDNS = noEDNS
        state.expires = now + configuration.hostTTL
        servers[server] = state
    }

    public mutating func markLame(_ server: ServerAddress, for zone: Name, at now: UInt64) {
        lame[LameKey(server: server, zone: zone)] = now + configuration.lameTTL
    }

    public func isLame(_ server: ServerAddress, for zone: Name, at now: UInt64) -> Bool {
        guard let until = lame[LameKey(server: server, zone: zone)] else { return false }
        return until > now
    }

    /// Choose among `candidates` (all usable): the lowest timeout wins, ties within the band broken at random.
    public func select(from candidates: [ServerAddress], at now: UInt64, using random: inout ResolverRandom) -> ServerAddress? {
        guard !candidates.isEmpty else { return nil }
        let timeouts = candidates.map { state(of: $0, at: now).timeout }
        guard let best = timeouts.min() else { return nil }
        let band = candidates.indices.filter { timeouts[$0] <= best + configuration.selectionBand }
        guard !band.isEmpty else { return nil }
        return candidates[band[Int(random.next() % UInt64(band.count))]]
    }

    /// Forget expired entries (called now and then by the driver).
    public mutating func purge(at now: UInt64) {
        servers = servers.filter { $0.value.expires > now }
        lame = lame.filter { $0.value > now }
    }

    public var serverCount: Int { servers.count }
}
