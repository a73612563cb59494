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
/// What worked is reported in `learned`, so the caller can remember it for the server.
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
    }

    public enum Next: Sendable, Equatable {
        case send(Attempt)
        case done(Message)
        case failed(Failure)
    }

    public enum Failure: Sendable, Equatable {
        case timeout, networkError
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

    public private(set) var current: Attempt
    public private(set) var learned: Learned?
    private let fallbackSize: UInt16
    private var fellBackInSize = false
    private var droppedEDNS = false

    /// Start an exchange with what is known about the server.
    public init(server: InfrastructureCache.ServerState, ednsSize: UInt16, fallbackSize: UInt16) {
        self.fallbackSize = min(fallbackSize, ednsSize)
        let size = server.noEDNS ? nil : min(server.workingEDNSSize ?? ednsSize, ednsSize)
        current = Attempt(transport: server.tcpOnly ? .tcp : .udp, ednsSize: size,
                          timeout: server.tcpOnly ? Exchange.tcpTimeout(server.timeout) : server.timeout)
    }

    static func tcpTimeout(_ udpTimeout: UInt64) -> UInt64 { max(minimumTCPTimeout, udpTimeout * 3) }

    public var firstAttempt: Attempt { current }

    public mutating func handle(_ result: Result) -> Next {
        switch (result, current.transport) {
        case let (.reply(message), .udp):
            if message.header.isTruncated {
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
            finish(tcpOnly: false)
            return .done(message)
        case (.timeout, .udp):
            if let size = current.ednsSize, size > fallbackSize, !fellBackInSize {
                current.ednsSize = fallbackSize
                fellBackInSize = true
                return .send(current)
            }
            return .failed(.timeout)
        case (.timeout, .tcp):
            return .failed(.timeout)
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
