/// Each key read into and written out of `Configuration`: two exhaustive switches, so a key cannot be
/// parsed without being dumped, or the other way round.
extension Configuration {
    /// RFC 2181 §8: a TTL is at most 2^31 − 1; other counts of seconds share the bound.
    static let secondsRange: ClosedRange<UInt32> = 0...0x7FFF_FFFF
    /// A cache smaller than a few RRsets is a typo; over a terabyte is one too.
    static let cacheSizeRange: ClosedRange<Int> = 1 << 10...1 << 40
    /// At least one largest answer (2 + 65535 octets) must fit; beyond 64 MB one client holds too much.
    static let tcpOutputLimitRange: ClosedRange<Int> = 65_537...1 << 26

    /// Set one key from its written value; checks the value's own range, not how keys relate.
    mutating func apply(_ value: ConfigValue) throws(ConfigError) {
        switch value.key {
        case .interface:
            let parsed = try value.list(ConfigValue.parseInterface)
            guard !parsed.isEmpty else { throw value.error("needs at least one address to listen on") }
            interfaces = parsed
        case .port: port = try value.integer(in: 1...65535)
        case .outgoingInterface: outgoingInterfaces = try value.list(ConfigValue.parseAddress)
        case .threads: threads = try value.integer(in: 1...256)
        case .incomingNumTCP: incomingNumTCP = try value.integer(in: 1...65_536)
        case .tcpConnectionsPerSource: tcpConnectionsPerSource = try value.integer(in: 1...65_536)
        case .tcpIdleTimeout: tcpIdleTimeout = try value.integer(in: 100...3_600_000)
        case .tcpWriteTimeout: tcpWriteTimeout = try value.integer(in: 100...3_600_000)
        case .tcpOutputLimit:
            tcpOutputLimit = try value.value { text throws(InvalidValue) in
                try ConfigValue.parseSize(text, in: Configuration.tcpOutputLimitRange)
            }
        case .outgoingRange: outgoingRange = try value.integer(in: 16...65_536)
        case .accessControl: accessControl = try value.list { text throws(InvalidValue) in try AccessRule(text) }
        case .rootHints: rootHints = try value.optionalText()
        case .prime: prime = try value.bool()
        case .doIP4: doIP4 = try value.bool()
        case .doIP6: doIP6 = try value.bool()
        case .doNotQueryLocalhost: doNotQueryLocalhost = try value.bool()
        case .hardenGlue: hardenGlue = try value.bool()
        case .qnameMinimisation: qnameMinimisation = try value.bool()
        case .useCapsForID: useCapsForID = try value.bool()
        case .upstreamTimeoutMilliseconds: upstreamTimeoutMilliseconds = try value.integer(in: 10...60_000)
        case .clientTimeoutMilliseconds: clientTimeoutMilliseconds = try value.integer(in: 100...60_000)
        case .maxUpstreamQueries: maxUpstreamQueries = try value.integer(in: 4...1_000)
        case .numQueriesPerThread: numQueriesPerThread = try value.integer(in: 1...1_000_000)
        case .jostleTimeout: jostleTimeout = try value.integer(in: 0...60_000)
        case .cacheSize:
            cacheSize = try value.value { text throws(InvalidValue) in
                try ConfigValue.parseSize(text, in: Configuration.cacheSizeRange)
            }
        case .cacheMinTTL: cacheMinTTL = try value.integer(in: Configuration.secondsRange)
        case .cacheMaxTTL: cacheMaxTTL = try value.integer(in: Configuration.secondsRange)
        case .cacheMaxNegativeTTL: cacheMaxNegativeTTL = try value.integer(in: Configuration.secondsRange)
        case .prefetch: prefetch = try value.bool()
        case .minimalResponses: minimalResponses = try value.bool()
        case .ednsBufferSize: ednsBufferSize = try value.integer(in: 512...65535)
        case .ednsFallbackSize: ednsFallbackSize = try value.integer(in: 512...65535)
        case .maxUDPSize: maxUDPSize = try value.integer(in: 512...65535)
        case .validation: validation = try value.bool()
        case .autoTrustAnchorFile: autoTrustAnchorFiles = try value.list { $0 }
        case .trustAnchorFile: trustAnchorFiles = try value.list { $0 }
        case .trustAnchorStateDirectory: trustAnchorStateDirectory = try value.text()
        case .trustAnchorReadOnly: trustAnchorReadOnly = try value.bool()
        case .addHoldDown: addHoldDown = try value.integer(in: Configuration.secondsRange)
        case .delHoldDown: delHoldDown = try value.integer(in: Configuration.secondsRange)
        case .keepMissing: keepMissing = try value.integer(in: Configuration.secondsRange)
        case .domainInsecure: domainInsecure = try value.list(ConfigValue.parseDomain)
        case .trustAnchorSignaling: trustAnchorSignaling = try value.bool()
        case .rootKeySentinel: rootKeySentinel = try value.bool()
        case .valSigSkewMin: valSigSkewMin = try value.integer(in: Configuration.secondsRange)
        case .valSigSkewMax: valSigSkewMax = try value.integer(in: Configuration.secondsRange)
        case .logLevel: logLevel = try value.value(ConfigValue.parseLogLevel)
        }
    }

    /// The keys whose values differ from `other`'s, in file order.
    public func changedKeys(comparedTo other: Configuration) -> [ConfigKey] {
        ConfigKey.allCases.filter { rendered($0) != other.rendered($0) }
    }

    /// A key's value as it would be written.
    func rendered(_ key: ConfigKey) -> RenderedValue {
        switch key {
        case .interface: .list(interfaces.map(\.description))
        case .port: .plain("\(port)")
        case .outgoingInterface: .list(outgoingInterfaces.map(\.description))
        case .threads: .plain("\(threads)")
        case .incomingNumTCP: .plain("\(incomingNumTCP)")
        case .tcpConnectionsPerSource: .plain("\(tcpConnectionsPerSource)")
        case .tcpIdleTimeout: .plain("\(tcpIdleTimeout)")
        case .tcpWriteTimeout: .plain("\(tcpWriteTimeout)")
        case .tcpOutputLimit: .plain(ConfigValue.renderSize(tcpOutputLimit))
        case .outgoingRange: .plain("\(outgoingRange)")
        case .accessControl: .list(accessControl.map(\.description))
        case .rootHints: .text(rootHints)
        case .prime: .bool(prime)
        case .doIP4: .bool(doIP4)
        case .doIP6: .bool(doIP6)
        case .doNotQueryLocalhost: .bool(doNotQueryLocalhost)
        case .hardenGlue: .bool(hardenGlue)
        case .qnameMinimisation: .bool(qnameMinimisation)
        case .useCapsForID: .bool(useCapsForID)
        case .upstreamTimeoutMilliseconds: .plain("\(upstreamTimeoutMilliseconds)")
        case .clientTimeoutMilliseconds: .plain("\(clientTimeoutMilliseconds)")
        case .maxUpstreamQueries: .plain("\(maxUpstreamQueries)")
        case .numQueriesPerThread: .plain("\(numQueriesPerThread)")
        case .jostleTimeout: .plain("\(jostleTimeout)")
        case .cacheSize: .plain(ConfigValue.renderSize(cacheSize))
        case .cacheMinTTL: .plain("\(cacheMinTTL)")
        case .cacheMaxTTL: .plain("\(cacheMaxTTL)")
        case .cacheMaxNegativeTTL: .plain("\(cacheMaxNegativeTTL)")
        case .prefetch: .bool(prefetch)
        case .minimalResponses: .bool(minimalResponses)
        case .ednsBufferSize: .plain("\(ednsBufferSize)")
        case .ednsFallbackSize: .plain("\(ednsFallbackSize)")
        case .maxUDPSize: .plain("\(maxUDPSize)")
        case .validation: .bool(validation)
        case .autoTrustAnchorFile: .list(autoTrustAnchorFiles)
        case .trustAnchorFile: .list(trustAnchorFiles)
        case .trustAnchorStateDirectory: .text(trustAnchorStateDirectory)
        case .trustAnchorReadOnly: .bool(trustAnchorReadOnly)
        case .addHoldDown: .plain("\(addHoldDown)")
        case .delHoldDown: .plain("\(delHoldDown)")
        case .keepMissing: .plain("\(keepMissing)")
        case .domainInsecure: .list(domainInsecure.map(\.description))
        case .trustAnchorSignaling: .bool(trustAnchorSignaling)
        case .rootKeySentinel: .bool(rootKeySentinel)
        case .valSigSkewMin: .plain("\(valSigSkewMin)")
        case .valSigSkewMax: .plain("\(valSigSkewMax)")
        case .logLevel: .plain(logLevel.rawValue)
        }
    }
}

/// A value ready to be written as YAML.
enum RenderedValue: Equatable {
    /// Written as is: numbers, sizes, keywords.
    case plain(String)
    /// A free text (a path), quoted.
    case text(String)
    /// A list of texts, each quoted.
    case list([String])

    static func bool(_ value: Bool) -> RenderedValue { .plain(value ? "yes" : "no") }
}
