import DNSWire

/// How one query travels to one server: the transport and EDNS size of each attempt.
///
/// Pure policy: feed it what happened to the last attempt, it says what to do next.
/// - RFC 7766 §5 / RFC 1035 §4.2.1: a TC=1 reply over UDP means ask again over TCP.
/// - Fragment loss: a large UDP answer whose IP fragments are dropped looks like a timeout. A query that
///   advertised more than the fallback size (1,232 octets, the DNS flag day 2020 value) and timed out is
///   retried at once at the fallback size; a reply that is then too big comes back truncated and goes to TCP.
/// - RFC 6891 §7: a FORMERR without OPT to a query with EDNS means the server does not speak EDNS;
///   ask again without it.
/// - A server whose TCP is known to fail (connect refused or timed out, remembered in the infrastructure
///   cache) is not asked over TCP again: a truncated UDP reply then fails the exchange at once.
/// What worked is reported in `learned`, and what each attempt showed about the path in `observations`, so
/// the caller can remember it for the server and tell the client what happened.
public struct Exchange: Sendable {
    public enum Transport: Sendable, Equatable { case udp, tcp }

    /// One transmission: over which transport, with which EDNS payload size (nil: no OPT record).
    public struct Attempt: Sendable, Equatable {
        public var transport: Transport
        public var ednsSize: UInt16?
        public var timeout: UInt64
    }

    /// What happened to an attempt.
    public enum Result: Sendable {
        case reply(Message)
        case timeout
        /// Connection refused, reset, or unreachable.
        case networkError
        /// A TCP connection could not be set up.
        case connectFailed(TCPFailure)
    }

    /// Why TCP to a server did not work.
    public enum TCPFailure: Sendable, Equatable, CustomStringConvertible {
        /// No SYN-ACK within the connect timeout (a filter that drops TCP/53).
        case connectTimedOut
        /// RST or ICMP unreachable in answer to the SYN.
        case connectRefused
        /// Connected, but no answer came over it in time.
        case noAnswer

        public var description: String {
            switch self {
            case .connectTimedOut: "TCP connect timed out"
            case .connectRefused: "TCP connect refused"
            case .noAnswer: "no answer over TCP"
            }
        }
    }

    /// What one attempt showed about the path to the server.
    public enum Observation: Sendable, Equatable {
        /// UDP answers above this size did not arrive, answers at it did (fragment loss).
        case udpLostAbove(UInt16)
        /// A UDP reply came back truncated.
        case truncated
        /// UDP got no reply at any size.
        case udpSilent
        case tcpFailed(TCPFailure)
        case tcpWorked
        /// Truncated, and TCP is known not to work (failed this way before): the answer cannot be had from
        /// this server.
        case truncatedWithoutTCP(TCPFailure)
    }

    public enum Next: Sendable, Equatable {
        case send(Attempt)
        case done(Message)
        case failed(Failure)
    }

    public enum Failure: Sendable, Equatable {
        case timeout, networkError
        case tcp(TCPFailure)
        /// The answer needs TCP and TCP to this server is known not to work.
        case truncatedWithoutTCP
    }

    /// What the exchange found out about the server's path, once it is done.
    public struct Learned: Sendable, Equatable {
        public var ednsSize: UInt16?
        public var tcpOnly: Bool
        public var noEDNS: Bool
    }

    /// A TCP attempt includes a handshake and often a large answer: it gets at least this long
    /// (Unbound: 3 s for TCP to authoritative servers), or three times the server's UDP timeout.
    public static let minimumTCPTimeout: UInt64 = 3_000

    /// A TCP connect is given this long at most, whatever the answer timeout: a filtered path must not hold
    /// a client question for seconds (Linux retransmits a lost SYN after 1 s).
    public static func connectTimeout(udpTimeout: UInt64) -> UInt64 {
        min(1_500, max(750, udpTimeout * 4))
    }

    public private(set) var current: Attempt
    public private(set) var learned: Learned?
    /// What the attempts so far showed, oldest first; the caller takes them with `takeObservations()`.
    public private(set) var observations: [Observation] = []
    private let tcpFailure: TCPFailure?
    private let fallbackSize: UInt16
    private var fellBackInSize = false
    private var droppedEDNS = false

    /// Start an exchange with what is known about the server.
    public init(server: InfrastructureCache.ServerState, ednsSize: UInt16, fallbackSize: UInt16) {
        self.fallbackSize = min(fallbackSize, ednsSize)
        tcpFailure = server.tcpFailure
        let size = server.noEDNS ? nil : min(server.workingEDNSSize ?? ednsSize, ednsSize)
        current = Attempt(transport: server.tcpOnly ? .tcp : .udp, ednsSize: size,
                          timeout: server.tcpOnly ? Exchange.tcpTimeout(server.timeout) : server.timeout)
    }

    static func tcpTimeout(_ udpTimeout: UInt64) -> UInt64 { max(minimumTCPTimeout, udpTimeout * 3) }

    public var firstAttempt: Attempt { current }

    /// The observations not yet taken, and forget them.
    public mutating func takeObservations() -> [Observation] {
        defer { observations = [] }
        return observations
    }

    public mutating func handle(_ result: Result) -> Next {
        switch (result, current.transport) {
        case let (.reply(message), .udp):
            if fellBackInSize, let size = current.ednsSize { observations.append(.udpLostAbove(size)) }
            if message.header.isTruncated {
                observations.append(.truncated)
                if let tcpFailure {
                    observations.append(.truncatedWithoutTCP(tcpFailure))
                    return .failed(.truncatedWithoutTCP)
                }
                current.transport = .tcp
                current.timeout = Exchange.tcpTimeout(current.timeout)
                return .send(current)
            }
            if message.rcode == .formErr, current.ednsSize != nil, message.edns == nil {
                current.ednsSize = nil
                droppedEDNS = true
                return .send(current)
            }
            finish(tcpOnly: false)
            return .done(message)
        case let (.reply(message), .tcp):
            observations.append(.tcpWorked)
            finish(tcpOnly: false)
            return .done(message)
        case (.timeout, .udp):
            if let size = current.ednsSize, size > fallbackSize, !fellBackInSize {
                current.ednsSize = fallbackSize
                fellBackInSize = true
                return .send(current)
            }
            observations.append(.udpSilent)
            return .failed(.timeout)
        case (.timeout, .tcp):
            observations.append(.tcpFailed(.noAnswer))
            return .failed(.tcp(.noAnswer))
        case let (.connectFailed(failure), _):
            observations.append(.tcpFailed(failure))
            return .failed(.tcp(failure))
        case (.networkError, _):
            return .failed(.networkError)
        }
    }

    private mutating func finish(tcpOnly: Bool) {
        if fellBackInSize || droppedEDNS || tcpOnly {
            learned = Learned(ednsSize: current.ednsSize, tcpOnly: tcpOnly, noEDNS: droppedEDNS)
        }
    }
}
