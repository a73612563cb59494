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
    /// `validation`: check DNSSEC from the trust anchors down.
    public var validation = true
    /// Several sockets per address (SO_REUSEPORT), for more than one worker thread.
    public var reusePort = false
    public var maxTCPConnections = 512
    /// RFC 7766 §6.2.3: close idle client connections; told to clients through RFC 7828 keepalive.
    public var tcpIdleTimeout: UInt64 = 10_000
    /// Queries one TCP connection may have in flight at once (RFC 7766 §6.2.1.1 pipelining).
    public var maxPipelinedPerConnection = 64

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
        self.resolver = resolver
        cache = CacheConfiguration(maxBytes: configuration.cacheSize, minTTL: configuration.cacheMinTTL,
                                   maxTTL: configuration.cacheMaxTTL, maxNegativeTTL: configuration.cacheMaxNegativeTTL)
        client = ClientProtocol(maxUDPSize: configuration.maxUDPSize, minimalResponses: configuration.minimalResponses,
                                tcpIdleTimeout: tcpIdleTimeout)
        rootHints = try ServerSettings.loadRootHints(configuration.rootHints)
        trustAnchors = try ServerSettings.loadTrustAnchors(configuration.trustAnchorFiles, negative: configuration.domainInsecure)
        validation = configuration.validation
        reusePort = configuration.threads > 1
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
    /// or nil with validation off.
    func makeValidator() -> Validator? {
        guard validation else { return nil }
        let anchors = trustAnchors
        return Validator(crypto: OpenSSLCrypto()) { name in
            guard case let .anchor(anchor) = anchors.lookup(name) else { return nil }
            return AnchorKeys(zone: anchor.zone, ds: anchor.dsRecords, dnskeys: anchor.dnskeyRecords)
        }
    }

    /// Read and check the trust-anchor files; none configured means the built-in root anchors.
    static func loadTrustAnchors(_ paths: [String], negative: [Name]) throws -> TrustAnchorStore {
        var files: [(name: String, text: String)] = []
        for path in paths {
            do {
                files.append((path, try String(contentsOfFile: path, encoding: .utf8)))
            } catch {
                throw SettingsError("trust-anchor-file: cannot read \(path): \(error.localizedDescription)")
            }
        }
        do {
            return try TrustAnchorStore.load(files: files, negative: negative)
        } catch {
            throw SettingsError("trust-anchor-file: \(error)")
        }
    }
}

/// A setting that could not be put into effect (a file that cannot be read or parsed).
public struct SettingsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
