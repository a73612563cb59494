import DNSWire

/// The effective settings of one anchord process: every key of `conf/anchord.yaml`, already validated.
///
/// Keys and meanings follow Unbound's `unbound.conf` where Unbound has the key. A value of this type is
/// always one that passed validation when it came from a file or the environment; built in code it
/// starts from the defaults below, which are the documented ones.
public struct Configuration: Sendable, Equatable {
    // MARK: Listening and threads

    /// `interface`: exact addresses to listen on, each with an optional `@port`; never a wildcard unless given.
    public var interfaces: [Interface] = [
        Interface(address: .v4(IPv4Address(127, 0, 0, 1))),
        Interface(address: .loopbackV6),
    ]
    /// `port`: the port for every interface that names none.
    public var port: UInt16 = 53
    /// `outgoing-interface`: source addresses for upstream queries; empty lets the system choose.
    public var outgoingInterfaces: [IPAddress] = []
    /// `threads`: worker threads, each with its own event loop and resolver.
    public var threads: Int = 1

    // MARK: TCP clients and upstream sockets

    /// `incoming-num-tcp`: client TCP connections each worker keeps open at once (Unbound's name).
    public var incomingNumTCP: Int = 512
    /// `tcp-connections-per-source`: client TCP connections one source may hold in one worker (an IPv4
    /// address, or an IPv6 /64); beyond it new ones are closed at once.
    public var tcpConnectionsPerSource: Int = 32
    /// `tcp-idle-timeout`: a client connection with no query in progress and nothing left to write is closed
    /// after this long, in milliseconds (Unbound's name; RFC 7766 §6.2.3).
    public var tcpIdleTimeout: Int = 10_000
    /// `tcp-write-timeout`: a client connection whose queued answers make no progress for this long is
    /// closed, in milliseconds.
    public var tcpWriteTimeout: Int = 5_000
    /// `tcp-output-limit`: answers queued for one client connection, in bytes, beyond which no further query
    /// is read from it until the client has taken them.
    public var tcpOutputLimit: Int = 128 * 1024
    /// `outgoing-range`: upstream sockets (UDP and TCP) each worker keeps open at once (Unbound's name);
    /// lowered at start to what the open-files limit leaves.
    public var outgoingRange: Int = 4096

    // MARK: Access

    /// `access-control`: rules on top of `AccessControlList.defaultRules` (loopback and LAN allowed).
    public var accessControl: [AccessRule] = []

    // MARK: Iteration

    /// `root-hints`: a zone-file text file of root NS and address records; empty means the built-in IANA hints.
    public var rootHints: String = ""
    /// `prime`: ask a root server for the current root NS set before the first resolution (RFC 8109).
    public var prime: Bool = true
    /// `do-ip4`: use IPv4 upstream.
    public var doIP4: Bool = true
    /// `do-ip6`: use IPv6 upstream.
    public var doIP6: Bool = true
    /// `do-not-query-localhost`: never send upstream queries to loopback addresses.
    public var doNotQueryLocalhost: Bool = true
    /// `harden-glue`: drop glue that is out of the referring server's bailiwick.
    public var hardenGlue: Bool = true
    /// `qname-minimisation`: send each server only the labels it needs to see (RFC 9156).
    public var qnameMinimisation: Bool = true
    /// `use-caps-for-id`: randomise the case of query names and check it in replies (draft "0x20").
    public var useCapsForID: Bool = false
    /// `upstream-timeout-ms`: the first wait for an upstream reply before a retry, in milliseconds.
    public var upstreamTimeoutMilliseconds: Int = 376
    /// `client-timeout-ms`: every client question is answered within this time, SERVFAIL with an Extended
    /// DNS Error when nothing better is known; below dig's default 5 s.
    public var clientTimeoutMilliseconds: Int = 3_500
    /// `max-upstream-queries`: upstream queries one client question may cause, sub-lookups included.
    public var maxUpstreamQueries: Int = 64
    /// `num-queries-per-thread`: client questions one worker resolves at once (Unbound's name and default).
    public var numQueriesPerThread: Int = 1024
    /// `jostle-timeout`: milliseconds a question runs before a newer one may take its place when full.
    public var jostleTimeout: Int = 200

    // MARK: Cache

    /// `cache-size`: the cache's memory cap in bytes.
    public var cacheSize: Int = 64 * 1024 * 1024
    /// `cache-min-ttl`: TTLs below this are raised to it when cached, in seconds.
    public var cacheMinTTL: UInt32 = 0
    /// `cache-max-ttl`: TTLs above this are lowered to it when cached, in seconds.
    public var cacheMaxTTL: UInt32 = 86400
    /// `cache-max-negative-ttl`: the cap on how long NXDOMAIN and NODATA answers are kept (RFC 2308), in seconds.
    public var cacheMaxNegativeTTL: UInt32 = 3600
    /// `prefetch`: refresh popular records shortly before they expire.
    public var prefetch: Bool = false

    // MARK: Answers and EDNS

    /// `minimal-responses`: positive answers carry the answer section only.
    public var minimalResponses: Bool = true
    /// `edns-buffer-size`: the EDNS UDP payload size advertised upstream (RFC 6891 §6.2.5).
    public var ednsBufferSize: UInt16 = 4096
    /// `edns-fallback-size`: the size to retry at when a larger UDP answer went missing (fragment loss).
    public var ednsFallbackSize: UInt16 = 1232
    /// `max-udp-size`: the largest UDP answer sent to a client, whatever it advertises.
    public var maxUDPSize: UInt16 = 4096

    // MARK: DNSSEC

    /// `validation`: DNSSEC validation on or off.
    public var validation: Bool = true
    /// `auto-trust-anchor-file`: files of DS/DNSKEY records, the initial keys of anchors managed by RFC 5011.
    /// Either list non-empty replaces the built-in (managed) root anchors.
    public var autoTrustAnchorFiles: [String] = []
    /// `trust-anchor-file`: files of DS/DNSKEY records used as static anchors, never updated.
    public var trustAnchorFiles: [String] = []
    /// `trust-anchor-state-dir`: where RFC 5011 managed-anchor state is kept, one file per anchored zone.
    public var trustAnchorStateDirectory: String = "/var/lib/anchord"
    /// `trust-anchor-read-only`: never write the state directory; managed anchors are used as static ones.
    public var trustAnchorReadOnly: Bool = false
    /// `add-holddown`: RFC 5011 add hold-down, seconds (30 days).
    public var addHoldDown: UInt32 = 2_592_000
    /// `del-holddown`: RFC 5011 remove hold-down for revoked keys, seconds (30 days).
    public var delHoldDown: UInt32 = 2_592_000
    /// `keep-missing`: how long a trusted key missing from the DNSKEY RRset is kept, seconds (366 days; 0 = always).
    public var keepMissing: UInt32 = 31_622_400
    /// `domain-insecure`: negative trust anchors (RFC 7646): zones whose answers are not validated.
    public var domainInsecure: [Name] = []
    /// `trust-anchor-signaling`: send RFC 8145 key-tag queries upstream.
    public var trustAnchorSignaling: Bool = true
    /// `root-key-sentinel`: answer RFC 8509 root-key-sentinel queries.
    public var rootKeySentinel: Bool = true
    /// `val-sig-skew-min`: least clock-skew allowance on signature validity, in seconds.
    public var valSigSkewMin: UInt32 = 3600
    /// `val-sig-skew-max`: greatest clock-skew allowance on signature validity, in seconds.
    public var valSigSkewMax: UInt32 = 86400

    // MARK: Operations

    /// `log-level`: the least severe log level written.
    public var logLevel: LogLevel = .info

    /// The documented defaults.
    public init() {}

    /// The fallback size actually used: never above what we advertise.
    public var effectiveEDNSFallbackSize: UInt16 { min(ednsFallbackSize, ednsBufferSize) }

    /// Every listening socket address: each interface with its own port or the global `port`.
    public var listenAddresses: [(address: IPAddress, port: UInt16)] {
        interfaces.map { ($0.address, $0.port ?? port) }
    }
}

/// One `interface` entry: an address to listen on and, as in Unbound's `address@port`, an optional port.
public struct Interface: Sendable, Hashable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16?

    public init(address: IPAddress, port: UInt16? = nil) {
        self.address = address
        self.port = port
    }

    /// Parse `192.0.2.1`, `::1`, `192.0.2.1@5353` or `::1@5353`; nil if it is none of these.
    public init?(_ text: String) {
        var addressText = Substring(text)
        var port: UInt16?
        if let at = text.lastIndex(of: "@") {
            guard let value = UInt16(text[text.index(after: at)...]), value > 0 else { return nil }
            port = value
            addressText = text[..<at]
        }
        guard let address = IPAddress(String(addressText)) else { return nil }
        self.init(address: address, port: port)
    }

    public var description: String {
        guard let port else { return address.description }
        return "\(address)@\(port)"
    }
}

/// How much anchord logs; the names are swift-log's levels.
public enum LogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
