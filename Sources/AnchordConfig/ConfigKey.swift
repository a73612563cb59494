/// One key of `conf/anchord.yaml`, named as Unbound names it where Unbound has it.
///
/// The order of the cases is the order of the annotated file and of the effective-configuration dump.
public enum ConfigKey: String, CaseIterable, Sendable {
    case interface
    case port
    case outgoingInterface = "outgoing-interface"
    case threads
    case incomingNumTCP = "incoming-num-tcp"
    case tcpConnectionsPerSource = "tcp-connections-per-source"
    case tcpIdleTimeout = "tcp-idle-timeout"
    case tcpWriteTimeout = "tcp-write-timeout"
    case tcpOutputLimit = "tcp-output-limit"
    case outgoingRange = "outgoing-range"
    case accessControl = "access-control"
    case rootHints = "root-hints"
    case prime
    case doIP4 = "do-ip4"
    case doIP6 = "do-ip6"
    case doNotQueryLocalhost = "do-not-query-localhost"
    case hardenGlue = "harden-glue"
    case qnameMinimisation = "qname-minimisation"
    case useCapsForID = "use-caps-for-id"
    case upstreamTimeoutMilliseconds = "upstream-timeout-ms"
    case clientTimeoutMilliseconds = "client-timeout-ms"
    case maxUpstreamQueries = "max-upstream-queries"
    case numQueriesPerThread = "num-queries-per-thread"
    case jostleTimeout = "jostle-timeout"
    case cacheSize = "cache-size"
    case cacheMinTTL = "cache-min-ttl"
    case cacheMaxTTL = "cache-max-ttl"
    case cacheMaxNegativeTTL = "cache-max-negative-ttl"
    case prefetch
    case minimalResponses = "minimal-responses"
    case ednsBufferSize = "edns-buffer-size"
    case ednsFallbackSize = "edns-fallback-size"
    case maxUDPSize = "max-udp-size"
    case validation
    case autoTrustAnchorFile = "auto-trust-anchor-file"
    case trustAnchorFile = "trust-anchor-file"
    case trustAnchorStateDirectory = "trust-anchor-state-dir"
    case trustAnchorReadOnly = "trust-anchor-read-only"
    case addHoldDown = "add-holddown"
    case delHoldDown = "del-holddown"
    case keepMissing = "keep-missing"
    case domainInsecure = "domain-insecure"
    case trustAnchorSignaling = "trust-anchor-signaling"
    case rootKeySentinel = "root-key-sentinel"
    case valSigSkewMin = "val-sig-skew-min"
    case valSigSkewMax = "val-sig-skew-max"
    case logLevel = "log-level"

    /// The prefix of every variable that overrides a key.
    public static let environmentPrefix = "ANCHORD_"

    /// `ANCHORD_` and the key uppercased with `-` as `_`: `cache-max-ttl` → `ANCHORD_CACHE_MAX_TTL`.
    public var environmentVariable: String {
        ConfigKey.environmentPrefix + String(rawValue.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// Whether the key takes a list (a YAML sequence; comma-separated in the environment).
    public var isList: Bool {
        switch self {
        case .interface, .outgoingInterface, .accessControl, .autoTrustAnchorFile, .trustAnchorFile, .domainInsecure: true
        default: false
        }
    }

    /// Whether a changed value takes effect only at the next start: SIGHUP keeps the running value of these
    /// (sockets already bound, threads running, the cache sized, the anchors and the logger set up) and says so.
    public var needsRestart: Bool {
        switch self {
        case .interface, .port, .outgoingInterface, .threads, .outgoingRange, .rootHints, .upstreamTimeoutMilliseconds,
             .cacheSize, .cacheMinTTL, .cacheMaxTTL, .cacheMaxNegativeTTL, .prefetch, .validation, .autoTrustAnchorFile,
             .trustAnchorFile, .trustAnchorStateDirectory, .trustAnchorReadOnly, .addHoldDown, .delHoldDown, .keepMissing,
             .domainInsecure, .trustAnchorSignaling, .logLevel:
            true
        case .incomingNumTCP, .tcpConnectionsPerSource, .tcpIdleTimeout, .tcpWriteTimeout, .tcpOutputLimit, .accessControl,
             .prime, .doIP4, .doIP6, .doNotQueryLocalhost, .hardenGlue, .qnameMinimisation, .useCapsForID, .minimalResponses,
             .ednsBufferSize, .ednsFallbackSize, .maxUDPSize, .rootKeySentinel, .valSigSkewMin, .valSigSkewMax,
             .clientTimeoutMilliseconds, .maxUpstreamQueries, .numQueriesPerThread, .jostleTimeout:
            false
        }
    }

    /// The known key nearest to a misspelt one, if one is near enough to be a likely typo.
    static func suggestion(for text: String) -> ConfigKey? {
        let lowered = text.lowercased()
        let scored = allCases.map { ($0, editDistance(lowered, $0.rawValue)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, best.0.rawValue.count / 4) else { return nil }
        return best.0
    }

    /// Every key, for an error that must say what would be valid.
    static var validKeysList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Levenshtein distance over characters: the fewest insertions, deletions and substitutions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1]
        for (j, cb) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
