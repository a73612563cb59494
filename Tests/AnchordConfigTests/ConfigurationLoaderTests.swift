import DNSWire
import Testing
@testable import AnchordConfig

/// Parse YAML as if from `test.yaml`.
private func load(_ yaml: String, environment: [String: String] = [:]) throws -> LoadedConfiguration {
    try ConfigurationLoader.parse(yaml: yaml, path: "test.yaml", environment: environment)
}

/// The error a YAML text (and environment) gives; fails the test if it loads.
private func loadError(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
    do {
        _ = try load(yaml, environment: environment)
        Issue.record("expected an error for \(yaml) \(environment)")
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("expected a ConfigError, got \(error)")
        return nil
    }
}

@Suite struct Defaults {
    @Test func anEmptyFileGivesTheDocumentedDefaults() throws {
        let c = try load("").configuration
        #expect(c == Configuration())
        #expect(c.interfaces.map(\.description) == ["127.0.0.1", "::1"])
        #expect(c.port == 53)
        #expect(c.outgoingInterfaces.isEmpty)
        #expect(c.threads == 1)
        #expect(c.incomingNumTCP == 512 && c.tcpConnectionsPerSource == 32)
        #expect(c.tcpIdleTimeout == 10_000 && c.tcpWriteTimeout == 5_000)
        #expect(c.tcpOutputLimit == 128 * 1024 && c.outgoingRange == 4096)
        #expect(c.accessControl.isEmpty)
        #expect(c.rootHints == "")
        #expect(c.prime && c.doIP4 && c.doIP6 && c.doNotQueryLocalhost && c.hardenGlue && c.qnameMinimisation)
        #expect(!c.useCapsForID)
        #expect(c.upstreamTimeoutMilliseconds == 376)
        #expect(c.clientTimeoutMilliseconds == 3_500 && c.maxUpstreamQueries == 64)
        #expect(c.numQueriesPerThread == 1024 && c.jostleTimeout == 200)
        #expect(c.cacheSize == 64 * 1024 * 1024)
        #expect(c.cacheMinTTL == 0 && c.cacheMaxTTL == 86400 && c.cacheMaxNegativeTTL == 3600)
        #expect(!c.prefetch)
        #expect(c.minimalResponses)
        #expect(c.ednsBufferSize == 4096 && c.ednsFallbackSize == 1232 && c.maxUDPSize == 4096)
        #expect(c.validation)
        #expect(c.trustAnchorFiles.isEmpty)
        #expect(c.trustAnchorStateDirectory == "/var/lib/anchord")
        #expect(c.domainInsecure.isEmpty)
        #expect(c.trustAnchorSignaling && c.rootKeySentinel)
        #expect(c.valSigSkewMin == 3600 && c.valSigSkewMax == 86400)
        #expect(c.logLevel == .info)
    }

    @Test func aFileOfOnlyCommentsGivesTheDefaults() throws {
        #expect(try load("# nothing set\n\n# port: 53\n").configuration == Configuration())
    }

    @Test func listenAddressesTakeTheGlobalPortUnlessTheyNameOne() throws {
        let c = try load("interface: [127.0.0.1, \"::1@5353\"]\nport: 5300").configuration
        #expect(c.listenAddresses.map { "\($0.address) \($0.port)" } == ["127.0.0.1 5300", "::1 5353"])
    }
}

@Suite struct EveryKey {
    static let everyKeySet = """
        interface:
          - 127.0.0.53
          - "::1@5353"
        port: 5300
        outgoing-interface: [192.0.2.1, "2001:db8::1"]
        threads: 4
        incoming-num-tcp: 100
        tcp-connections-per-source: 5
        tcp-idle-timeout: 2000
        tcp-write-timeout: 1500
        tcp-output-limit: 256k
        outgoing-range: 256
        access-control:
          - 192.0.2.0/24 allow
          - 198.51.100.0/24 deny
          - 2001:db8::/32 refuse
        root-hints: /etc/anchord/root.hints
        prime: no
        do-ip4: true
        do-ip6: yes
        do-not-query-localhost: no
        harden-glue: no
        qname-minimisation: false
        use-caps-for-id: yes
        upstream-timeout-ms: 200
        client-timeout-ms: 2500
        max-upstream-queries: 20
        num-queries-per-thread: 100
        jostle-timeout: 50
        cache-size: 128k
        cache-min-ttl: 5
        cache-max-ttl: 3600
        cache-max-negative-ttl: 60
        prefetch: yes
        minimal-responses: no
        edns-buffer-size: 1400
        edns-fallback-size: 1232
        max-udp-size: 1232
        validation: no
        auto-trust-anchor-file: [/etc/anchord/root.auto]
        trust-anchor-file: [/etc/anchord/root.key, /etc/anchord/lab.key]
        trust-anchor-state-dir: /tmp/anchord-state
        trust-anchor-read-only: yes
        add-holddown: 60
        del-holddown: 120
        keep-missing: 0
        domain-insecure: [lab., Example.COM]
        trust-anchor-signaling: no
        root-key-sentinel: no
        val-sig-skew-min: 60
        val-sig-skew-max: 600
        log-level: debug
        """

    @Test func everyKeyIsReadIntoItsSetting() throws {
        let loaded = try load(EveryKey.everyKeySet)
        let c = loaded.configuration
        #expect(c.interfaces.map(\.description) == ["127.0.0.53", "::1@5353"])
        #expect(c.port == 5300)
        #expect(c.outgoingInterfaces.map(\.description) == ["192.0.2.1", "2001:db8::1"])
        #expect(c.threads == 4)
        #expect(c.incomingNumTCP == 100 && c.tcpConnectionsPerSource == 5)
        #expect(c.tcpIdleTimeout == 2000 && c.tcpWriteTimeout == 1500)
        #expect(c.tcpOutputLimit == 256 * 1024 && c.outgoingRange == 256)
        #expect(c.accessControl.map(\.description) == ["192.0.2.0/24 allow", "198.51.100.0/24 deny", "2001:db8::/32 refuse"])
        #expect(c.rootHints == "/etc/anchord/root.hints")
        #expect(!c.prime && c.doIP4 && c.doIP6 && !c.doNotQueryLocalhost && !c.hardenGlue && !c.qnameMinimisation)
        #expect(c.useCapsForID)
        #expect(c.upstreamTimeoutMilliseconds == 200)
        #expect(c.clientTimeoutMilliseconds == 2_500 && c.maxUpstreamQueries == 20)
        #expect(c.numQueriesPerThread == 100 && c.jostleTimeout == 50)
        #expect(c.cacheSize == 128 * 1024)
        #expect(c.cacheMinTTL == 5 && c.cacheMaxTTL == 3600 && c.cacheMaxNegativeTTL == 60)
        #expect(c.prefetch)
        #expect(!c.minimalResponses)
        #expect(c.ednsBufferSize == 1400 && c.ednsFallbackSize == 1232 && c.maxUDPSize == 1232)
        #expect(c.effectiveEDNSFallbackSize == 1232)
        #expect(!c.validation)
        #expect(c.trustAnchorFiles == ["/etc/anchord/root.key", "/etc/anchord/lab.key"])
        #expect(c.trustAnchorStateDirectory == "/tmp/anchord-state")
        #expect(c.autoTrustAnchorFiles == ["/etc/anchord/root.auto"])
        #expect(c.trustAnchorReadOnly)
        #expect(c.addHoldDown == 60 && c.delHoldDown == 120 && c.keepMissing == 0)
        #expect(c.domainInsecure == [try Name("lab."), try Name("example.com.")])
        #expect(!c.trustAnchorSignaling && !c.rootKeySentinel)
        #expect(c.valSigSkewMin == 60 && c.valSigSkewMax == 600)
        #expect(c.logLevel == .debug)
        #expect(Set(loaded.origins.keys) == Set(ConfigKey.allCases), "the text above sets every key")
        #expect(loaded.origin(of: .port) == .file(path: "test.yaml", line: 4))
    }

    @Test func theDumpParsesBackToTheSameConfiguration() throws {
        let c = try load(EveryKey.everyKeySet).configuration
        #expect(c != Configuration())
        #expect(try load(c.description).configuration == c)
        #expect(try load(Configuration().description).configuration == Configuration())
    }

    @Test func theDumpUsesTheFileKeyNamesInTheFileOrder() throws {
        let lines = Configuration().yamlLines
        #expect(lines.map { String($0.prefix(while: { $0 != ":" })) } == ConfigKey.allCases.map(\.rawValue))
        #expect(lines.contains("cache-size: 64m"))
        #expect(lines.contains("interface: [\"127.0.0.1\", \"::1\"]"))
        #expect(lines.contains("prime: yes"))
        #expect(lines.contains("root-hints: \"\""))
    }

    @Test(arguments: [("131072", 131_072), ("2048b", 2048), ("4k", 4096), ("4KB", 4096), ("64m", 64 << 20),
                      ("64MB", 64 << 20), ("1g", 1 << 30), ("3Gb", 3 << 30)])
    func cacheSizeTakesUnboundSuffixes(text: String, bytes: Int) throws {
        #expect(try load("cache-size: \(text)").configuration.cacheSize == bytes)
    }

    @Test func aScalarForAListKeyIsAListOfOne() throws {
        let c = try load("interface: 127.0.0.2\ndomain-insecure: lab.").configuration
        #expect(c.interfaces == [Interface(address: .v4(IPv4Address(127, 0, 0, 2)))])
        #expect(c.domainInsecure == [try Name("lab.")])
    }

    @Test func anEmptyValueForAListKeyIsTheEmptyList() throws {
        let c = try load("outgoing-interface:\ntrust-anchor-file: []\n").configuration
        #expect(c.outgoingInterfaces.isEmpty)
        #expect(c.trustAnchorFiles.isEmpty)
    }
}

@Suite struct Errors {
    @Test func anUnknownKeyIsNamedWithItsLineAndANearValidKey() throws {
        let error = try #require(loadError("port: 53\n\nprot: 5353\n"))
        #expect(error.origin == .file(path: "test.yaml", line: 3))
        #expect(error.key == "prot")
        #expect(error.description == "test.yaml:3: prot: unknown key; did you mean 'port'?")
    }

    @Test func anUnknownKeyFarFromAnyListsTheValidKeys() throws {
        let error = try #require(loadError("server:\n  port: 53\n"))
        #expect(error.origin == .file(path: "test.yaml", line: 1))
        #expect(error.key == "server")
        #expect(error.message.contains("valid keys: interface, port,"))
    }

    @Test(arguments: [
        ("port: 70000", "port", 1, "70000 is out of range; expected 1–65535"),
        ("port: 0", "port", 1, "0 is out of range; expected 1–65535"),
        ("port: fifty", "port", 1, "'fifty' is not a whole number; expected 1–65535"),
        ("threads: 0", "threads", 1, "0 is out of range; expected 1–256"),
        ("prime: maybe", "prime", 1, "'maybe' is not a boolean; expected yes, no, true or false"),
        ("# c\nedns-buffer-size: 511", "edns-buffer-size", 2, "511 is out of range; expected 512–65535"),
        ("edns-buffer-size: 65536", "edns-buffer-size", 1, "65536 is out of range; expected 512–65535"),
        ("max-udp-size: 100", "max-udp-size", 1, "100 is out of range; expected 512–65535"),
        ("cache-size: 64q", "cache-size", 1, "'64q' is not a size"),
        ("cache-size: 99999999999999999999g", "cache-size", 1, "is out of range"),
        ("cache-max-ttl: -1", "cache-max-ttl", 1, "'-1' is not a whole number"),
        ("log-level: loud", "log-level", 1, "'loud' is not a log level; expected one of trace, debug, info"),
        ("port: [53, 54]", "port", 1, "takes a single value, not a list"),
        ("port:", "port", 1, "needs a value"),
        ("port: {a: 1}", "port", 1, "expected a single value, not a mapping"),
        ("interface: []", "interface", 1, "needs at least one address to listen on"),
        ("port: 53\ninterface:\n\n  []", "interface", 2, "needs at least one address to listen on"),
        ("interface:\n  - 127.0.0.1\n  - 127.0.0.256\n", "interface", 3, "'127.0.0.256' is not an address"),
        ("interface: [localhost]", "interface", 1, "'localhost' is not an address"),
        ("interface: [127.0.0.1@0]", "interface", 1, "is not an address"),
        ("outgoing-interface: [\"2001:db8::g\"]", "outgoing-interface", 1, "is not an address"),
        ("access-control: [10.0.0.0/8 permit]", "access-control", 1, "'permit' is not an action; expected one of allow, refuse, deny"),
        ("access-control: [10.0.0.1/8 allow]", "access-control", 1, "host bits set; did you mean 10.0.0.0/8?"),
        ("access-control: [10.0.0.0/33 allow]", "access-control", 1, "bad prefix length; expected 0–32"),
        ("access-control: [10.0.0.0/8]", "access-control", 1, "is not 'CIDR action'"),
        ("domain-insecure: [\"a..b\"]", "domain-insecure", 1, "'a..b' is not a domain name"),
        ("trust-anchor-state-dir: \"\"", "trust-anchor-state-dir", 1, "needs a value"),
        ("upstream-timeout-ms: 5", "upstream-timeout-ms", 1, "5 is out of range; expected 10–60000"),
        ("client-timeout-ms: 50", "client-timeout-ms", 1, "50 is out of range; expected 100–60000"),
        ("max-upstream-queries: 2", "max-upstream-queries", 1, "2 is out of range; expected 4–1000"),
    ])
    func aBadValueNamesTheLineTheKeyAndWhatIsValid(yaml: String, key: String, line: Int, message: String) throws {
        let error = try #require(loadError(yaml))
        #expect(error.key == key)
        #expect(error.origin == .file(path: "test.yaml", line: line))
        #expect(error.message.contains(message), "\(error.message)")
    }

    @Test func aKeyGivenTwiceIsAnError() throws {
        let error = try #require(loadError("port: 53\nport: 54\n"))
        #expect(error.key == "port")
        #expect(error.message.contains("more than once"))
    }

    @Test func aYAMLSyntaxErrorNamesTheLine() throws {
        let error = try #require(loadError("port: 53\ninterface: [127.0.0.1\nthreads: 2\n"))
        guard case .file(path: "test.yaml", line: let line?) = error.origin else {
            Issue.record("no line in \(error)")
            return
        }
        #expect(line >= 2)
        #expect(error.message.hasPrefix("not valid YAML"))
    }

    @Test func aTopLevelListIsAnError() throws {
        let error = try #require(loadError("- port\n- 53\n"))
        #expect(error.message.contains("expected 'key: value' lines"))
    }

    @Test func cacheMinTTLAboveCacheMaxTTLBlamesTheKeySetLast() throws {
        let error = try #require(loadError("cache-max-ttl: 10\ncache-min-ttl: 20\n"))
        #expect(error.key == "cache-min-ttl")
        #expect(error.origin == .file(path: "test.yaml", line: 2))
        #expect(error.message.contains("at most cache-max-ttl"))
        #expect(try load("cache-min-ttl: 10\ncache-max-ttl: 10\n").configuration.cacheMaxTTL == 10)
    }

    @Test func aMaxTTLBelowTheDefaultMinIsBlamedOnTheKeyThatWasSet() throws {
        let error = try #require(loadError("cache-min-ttl: 30", environment: ["ANCHORD_CACHE_MAX_TTL": "10"]))
        #expect(error.key == "cache-min-ttl")
        let other = try #require(loadError("", environment: ["ANCHORD_CACHE_MIN_TTL": "100", "ANCHORD_CACHE_MAX_TTL": "10"]))
        #expect(other.origin == .environment(variable: "ANCHORD_CACHE_MIN_TTL"))
    }

    @Test func ednsFallbackSizeAboveEDNSBufferSizeIsAnError() throws {
        let error = try #require(loadError("edns-buffer-size: 1232\nedns-fallback-size: 1400\n"))
        #expect(error.key == "edns-fallback-size")
        #expect(error.origin == .file(path: "test.yaml", line: 2))
        #expect(error.message.contains("at most edns-buffer-size"))
        let lowered = try #require(loadError("edns-buffer-size: 1000\n"))
        #expect(lowered.key == "edns-buffer-size", "the default fallback (1232) is above it: blame the key that was set")
        #expect(try load("edns-buffer-size: 1232\nedns-fallback-size: 1232\n").configuration.ednsFallbackSize == 1232)
    }

    @Test func aTCPOutputLimitBelowOneLargestAnswerIsAnError() throws {
        let error = try #require(loadError("tcp-output-limit: 64k\n"))
        #expect(error.key == "tcp-output-limit")
        #expect(error.message.contains("out of range"))
    }

    @Test func onlyTheKeysASIGHUPCannotApplyNeedARestart() throws {
        let running = try load("port: 5300\n").configuration
        let reloaded = try load("port: 5301\ninterface: [127.0.0.2]\ncache-size: 8m\nthreads: 2\n"
            + "outgoing-interface: [127.0.0.77]\nvalidation: no\naccess-control: [10.0.0.0/8 refuse]\ntcp-idle-timeout: 500\n").configuration
        let changed = reloaded.changedKeys(comparedTo: running)
        #expect(changed.filter(\.needsRestart) == [.interface, .port, .outgoingInterface, .threads, .cacheSize, .validation])
        #expect(changed.filter { !$0.needsRestart } == [.tcpIdleTimeout, .accessControl])
        #expect(running.changedKeys(comparedTo: running).isEmpty)
    }

    @Test func valSigSkewMinAboveMaxIsAnError() throws {
        let error = try #require(loadError("val-sig-skew-min: 100000"))
        #expect(error.key == "val-sig-skew-min")
        #expect(error.message.contains("at most val-sig-skew-max"))
    }

    @Test func aFileListedAsBothStaticAndManagedAnchorIsAnError() throws {
        let error = try #require(loadError("trust-anchor-file: [/etc/root.key]\nauto-trust-anchor-file: [/etc/root.key]"))
        #expect(["trust-anchor-file", "auto-trust-anchor-file"].contains(error.key))
        #expect(error.message.contains("/etc/root.key") && error.message.contains("under one"))
    }

    @Test func anEmptyStateDirectoryIsAnError() throws {
        let error = try #require(loadError("trust-anchor-state-dir: \"\""))
        #expect(error.key == "trust-anchor-state-dir")
        #expect(error.message.contains("needs a value"))
    }

    @Test func turningOffBothAddressFamiliesIsAnError() throws {
        let error = try #require(loadError("do-ip4: no\ndo-ip6: no\n"))
        #expect(error.message.contains("at least one address family"))
    }

    @Test func anOutgoingAddressOfADisabledFamilyIsAnError() throws {
        let error = try #require(loadError("do-ip6: no\noutgoing-interface: [\"2001:db8::1\"]\n"))
        #expect(error.key == "outgoing-interface")
        #expect(error.origin == .file(path: "test.yaml", line: 2))
    }

    @Test func aMissingRootHintsFileIsNamedWithItsKeyAndLine() throws {
        let loaded = try load("port: 53\nroot-hints: /nonexistent/root.hints\ntrust-anchor-file: [/a.key]\n")
        #expect(throws: ConfigError(origin: .file(path: "test.yaml", line: 2), key: "root-hints",
                                    message: "no such file '/nonexistent/root.hints'")) {
            try loaded.checkReferencedFiles(exists: { $0 == "/a.key" })
        }
        #expect(throws: ConfigError(origin: .file(path: "test.yaml", line: 3), key: "trust-anchor-file",
                                    message: "no such file '/a.key'")) {
            try loaded.checkReferencedFiles(exists: { $0 != "/a.key" })
        }
        try loaded.checkReferencedFiles(exists: { _ in true })
    }

    @Test func anUnreadableFileIsNamed() throws {
        #expect {
            try ConfigurationLoader.load(path: "/nonexistent/anchord.yaml", environment: [:])
        } throws: { error in
            (error as? ConfigError)?.description.hasPrefix("/nonexistent/anchord.yaml: cannot read the file") == true
        }
    }
}

@Suite struct Environment {
    @Test func theEnvironmentWinsOverTheFile() throws {
        let loaded = try load("port: 5300\nprefetch: no\n", environment: ["ANCHORD_PORT": "5353", "ANCHORD_PREFETCH": "yes"])
        #expect(loaded.configuration.port == 5353)
        #expect(loaded.configuration.prefetch)
        #expect(loaded.origin(of: .port) == .environment(variable: "ANCHORD_PORT"))
    }

    @Test func everyKeyHasAnUppercaseUnderscoredVariable() {
        #expect(ConfigKey.cacheMaxNegativeTTL.environmentVariable == "ANCHORD_CACHE_MAX_NEGATIVE_TTL")
        #expect(ConfigKey.doIP4.environmentVariable == "ANCHORD_DO_IP4")
        #expect(ConfigKey.trustAnchorStateDirectory.environmentVariable == "ANCHORD_TRUST_ANCHOR_STATE_DIR")
        #expect(Set(ConfigKey.allCases.map(\.environmentVariable)).count == ConfigKey.allCases.count)
    }

    @Test func listsAreCommaSeparated() throws {
        let c = try load("", environment: [
            "ANCHORD_INTERFACE": "127.0.0.2, ::1@5353",
            "ANCHORD_ACCESS_CONTROL": "192.0.2.0/24 allow,198.51.100.0/24 refuse",
            "ANCHORD_TRUST_ANCHOR_FILE": "",
            "ANCHORD_CACHE_SIZE": "1m",
        ]).configuration
        #expect(c.interfaces.map(\.description) == ["127.0.0.2", "::1@5353"])
        #expect(c.accessControl.map(\.description) == ["192.0.2.0/24 allow", "198.51.100.0/24 refuse"])
        #expect(c.trustAnchorFiles.isEmpty)
        #expect(c.cacheSize == 1 << 20)
    }

    @Test func aBadEnvironmentValueNamesTheVariable() throws {
        let error = try #require(loadError("port: 53", environment: ["ANCHORD_PORT": "99999"]))
        #expect(error.origin == .environment(variable: "ANCHORD_PORT"))
        #expect(error.description == "environment variable ANCHORD_PORT: port: 99999 is out of range; expected 1–65535")
        let listError = try #require(loadError("", environment: ["ANCHORD_ACCESS_CONTROL": "10.0.0.0/8 allow,10.1.0.0/8 allow"]))
        #expect(listError.origin == .environment(variable: "ANCHORD_ACCESS_CONTROL"))
    }

    @Test func anUnknownAnchordVariableIsAWarningNotAnError() throws {
        let loaded = try load("", environment: ["ANCHORD_PROT": "53", "HOME": "/root"])
        #expect(loaded.warnings == ["environment variable ANCHORD_PROT is not a configuration key and is ignored; did you mean ANCHORD_PORT?"])
        #expect(loaded.configuration == Configuration())
    }
}
