import AnchordConfig
import Foundation
import DNSCache
import DNSWire
import ResolverCore
import TrustAnchors
import DNSSEC
import DNSCrypto

/// What one server needs from the configuration, derived once per (re)load.
public struct ServerSettings: Sendable {
    public var listen: [(address: IPAddress, port: UInt16)]
    public var outgoing: [IPAddress]
    public var accessControl: AccessControlList
    public var resolver: ResolverConfiguration
    public var cache: CacheConfiguration
    public var client: ClientProtocol
    public var rootHints: RootHints
    /// The trust anchors: the configured `trust-anchor-file`s, or the built-in IANA root KSKs, with the
    /// `domain-insecure` negative anchors. Loaded and checked at start; the validator will start from them.
    public var trustAnchors: TrustAnchorStore
    /// The initial keys of the managed (RFC 5011) anchors: the `auto-trust-anchor-file`s, or the built-in IANA
    /// root KSKs when neither kind of anchor file is configured. Their state, once saved, wins over these.
    public var managedAnchors: [TrustAnchor]
    /// `trust-anchor-state-dir`, `trust-anchor-read-only`.
    public var anchorStateDirectory: String
    public var anchorReadOnly: Bool
    /// `add-holddown`, `del-holddown`, `keep-missing`.
    public var holdDowns: HoldDowns
    /// `trust-anchor-signaling` (RFC 8145), `root-key-sentinel` (RFC 8509).
    public var trustAnchorSignaling = true
    public var rootKeySentinel = true
    /// KeyTrap limits and `val-sig-skew-min`/`val-sig-skew-max`.
    public var validationLimits = ValidationLimits()
    /// `validation`: check DNSSEC from the trust anchors down.
    public var validation = true
    /// Several sockets per address (SO_REUSEPORT), for more than one worker thread.
    public var reusePort = false
    /// `incoming-num-tcp`: client connections per worker.
    public var maxTCPConnections = 512
    /// `tcp-connections-per-source`: client connections one IPv4 address or IPv6 /64 may hold per worker.
    public var tcpConnectionsPerSource = 32
    /// `tcp-idle-timeout`, RFC 7766 §6.2.3: close idle client connections, counted from the last completed
    /// exchange; told to clients through RFC 7828 keepalive. Milliseconds.
    public var tcpIdleTimeout: UInt64 = 10_000
    /// `tcp-write-timeout`: close a client connection whose answers make no progress for this long. Milliseconds.
    public var tcpWriteTimeout: UInt64 = 5_000
    /// `tcp-output-limit`: queued answer bytes beyond which a client connection is not read.
    public var tcpOutputLimit = 128 * 1024
    /// Queries one TCP connection may have in flight at once (RFC 7766 §6.2.1.1 pipelining).
    public var maxPipelinedPerConnection = 64
    /// `outgoing-range`: upstream sockets per worker, before the open-files limit is taken into account.
    public var outgoingRange = 4096
    /// Worker threads (`threads`), for sharing the open-files limit.
    public var threads = 1

    /// Settings from a validated configuration; root hints are read from their file here.
    public init(_ configuration: Configuration) throws {
        listen = configuration.listenAddresses
        outgoing = configuration.outgoingInterfaces
        accessControl = AccessControlList(configured: configuration.accessControl)
        var resolver = ResolverConfiguration()
        resolver.ednsBufferSize = configuration.ednsBufferSize
        resolver.ednsFallbackSize = configuration.ednsFallbackSize
        resolver.qnameMinimisation = configuration.qnameMinimisation
        resolver.useCapsForID = configuration.useCapsForID
        resolver.doIPv4 = configuration.doIP4
        resolver.doIPv6 = configuration.doIP6
        resolver.doNotQueryLocalhost = configuration.doNotQueryLocalhost
        resolver.hardenGlue = configuration.hardenGlue
        resolver.prime = configuration.prime
        resolver.infrastructure.unknownServerTimeout = UInt64(max(configuration.upstreamTimeoutMilliseconds, 1))
        resolver.limits.clientTimeout = UInt64(max(configuration.clientTimeoutMilliseconds, 1))
        resolver.limits.maxClientResolutions = max(configuration.numQueriesPerThread, 1)
        resolver.limits.jostleTimeout = UInt64(max(configuration.jostleTimeout, 0))
        resolver.limits.maxUpstreamQueries = max(configuration.maxUpstreamQueries, 1)
        self.resolver = resolver
        maxTCPConnections = configuration.incomingNumTCP
        tcpConnectionsPerSource = configuration.tcpConnectionsPerSource
        tcpIdleTimeout = UInt64(configuration.tcpIdleTimeout)
        tcpWriteTimeout = UInt64(configuration.tcpWriteTimeout)
        tcpOutputLimit = configuration.tcpOutputLimit
        outgoingRange = configuration.outgoingRange
        threads = max(configuration.threads, 1)
        cache = CacheConfiguration(maxBytes: configuration.cacheSize, minTTL: configuration.cacheMinTTL,
                                   maxTTL: configuration.cacheMaxTTL, maxNegativeTTL: configuration.cacheMaxNegativeTTL)
        client = ClientProtocol(maxUDPSize: configuration.maxUDPSize, minimalResponses: configuration.minimalResponses,
                                tcpIdleTimeout: tcpIdleTimeout)
        rootHints = try ServerSettings.loadRootHints(configuration.rootHints)
        let loaded = try ServerSettings.loadTrustAnchors(static: configuration.trustAnchorFiles,
                                                         managed: configuration.autoTrustAnchorFiles,
                                                         negative: configuration.domainInsecure)
        trustAnchors = loaded.static
        managedAnchors = loaded.managed
        anchorStateDirectory = configuration.trustAnchorStateDirectory
        anchorReadOnly = configuration.trustAnchorReadOnly
        holdDowns = HoldDowns(addHoldDown: Int64(configuration.addHoldDown), delHoldDown: Int64(configuration.delHoldDown),
                              keepMissing: Int64(configuration.keepMissing))
        trustAnchorSignaling = configuration.trustAnchorSignaling
        rootKeySentinel = configuration.rootKeySentinel
        validationLimits.skew = SignatureSkew(minimum: configuration.valSigSkewMin, maximum: configuration.valSigSkewMax)
        validation = configuration.validation
        reusePort = configuration.threads > 1
    }

    /// Descriptors kept back from the upstream sockets for listeners, the event loops, logs and files.
    static let reservedDescriptors = 64

    /// The most upstream sockets one worker opens: `outgoing-range`, lowered so that every worker's client
    /// connections and upstream sockets fit in the open-files limit (at least 16, so resolution goes on).
    public func upstreamSocketLimit(openFilesLimit: Int?) -> Int {
        guard let openFilesLimit else { return outgoingRange }
        let perWorker = (openFilesLimit - ServerSettings.reservedDescriptors) / threads - maxTCPConnections
        return max(16, min(outgoingRange, perWorker))
    }

    /// The built-in IANA hints, or the zone-file text at `path`.
    static func loadRootHints(_ path: String) throws -> RootHints {
        guard !path.isEmpty else { return .iana }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw SettingsError("root-hints: cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try RootHints(records: ZoneFile.parse(text, fileName: path))
        } catch let error as PresentationError {
            var located = error
            if located.fileName == nil { located.fileName = path }
            throw SettingsError("root-hints: \(located)")
        }
    }
}

extension ServerSettings {
    /// The validator for one worker (its own OpenSSL key cache: `OpenSSLCrypto` is confined to one thread),
    /// reading its anchors from the process's `board`; nil with validation off.
    func makeValidator(board: AnchorBoard) -> Validator? {
        guard validation else { return nil }
        return Validator(crypto: OpenSSLCrypto(), limits: validationLimits) { name in board.keys(for: name) }
    }

    /// Read and check the anchor files. Static ones (`trust-anchor-file`) with the negative anchors make the
    /// store; managed ones (`auto-trust-anchor-file`) are the initial RFC 5011 anchors. With neither kind of
    /// file, the built-in IANA root KSKs are the managed root anchor. A zone may not be both.
    static func loadTrustAnchors(static staticPaths: [String], managed managedPaths: [String],
                                 negative: [Name]) throws -> (static: TrustAnchorStore, managed: [TrustAnchor]) {
        func read(_ paths: [String], key: String) throws -> [(name: String, text: String)] {
            try paths.map { path in
                do {
                    return (path, try String(contentsOfFile: path, encoding: .utf8))
                } catch {
                    throw SettingsError("\(key): cannot read \(path): \(error.localizedDescription)")
                }
            }
        }
        let staticFiles = try read(staticPaths, key: "trust-anchor-file")
        let managedFiles = try read(managedPaths, key: "auto-trust-anchor-file")
        var store = TrustAnchorStore()
        do {
            for file in staticFiles {
                for anchor in try TrustAnchorFile.parse(text: file.text, fileName: file.name) { store.add(anchor) }
            }
        } catch {
            throw SettingsError("trust-anchor-file: \(error)")
        }
        var managed = TrustAnchorStore()
        do {
            for file in managedFiles {
                for anchor in try TrustAnchorFile.parse(text: file.text, fileName: file.name) { managed.add(anchor) }
            }
        } catch {
            throw SettingsError("auto-trust-anchor-file: \(error)")
        }
        if staticFiles.isEmpty && managedFiles.isEmpty { managed = TrustAnchorStore.builtIn }
        if let zone = managed.anchors.keys.first(where: { store.anchors[$0] != nil }) {
            throw SettingsError("trust anchors for \(zone) are given both in a trust-anchor-file (static) and in an "
                + "auto-trust-anchor-file (managed); give each zone's anchor in one kind of file")
        }
        for name in negative { store.addNegativeAnchor(name) }
        return (store, managed.anchors.keys.sorted().compactMap { managed.anchors[$0] })
    }
}

/// A setting that could not be put into effect (a file that cannot be read or parsed).
public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
