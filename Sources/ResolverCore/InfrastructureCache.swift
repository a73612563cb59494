import DNSWire

/// What the resolver has learned about each authoritative server address: round-trip time, timeouts,
/// which EDNS size and transport work, and for which zones it is lame. Like Unbound's infra cache.
///
/// Entries expire (`hostTTL`) so that a server that recovers is tried normally again.
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
        public var maximumTimeout: UInt64 = 12_000
        /// How long what was learned about a server is kept (Unbound infra-host-ttl: 900 s).
        public var hostTTL: UInt64 = 900_000
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
        if let state = servers[server], state.expires > now { return state }
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
        state.expires = now + configuration.hostTTL
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
