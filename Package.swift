// swift-tools-version:6.0
// anchord — a validating, caching, recursive DNS resolver.
// Dependencies point one way: DNSWire ← (cache, DNSSEC, trust anchors, resolver core) ← Server ← anchord.
// Only the edge modules (EventIO, DNSCrypto) import the C system libraries.
import PackageDescription

let package = Package(
    name: "anchord",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "anchord", targets: ["anchord"]),
        .library(name: "DNSWire", targets: ["DNSWire"]),
        .library(name: "DNSCache", targets: ["DNSCache"]),
        // For Fuzz/, which depends on this package by path and links these into its libFuzzer targets.
        .library(name: "DNSSEC", targets: ["DNSSEC"]),
        .library(name: "DNSCrypto", targets: ["DNSCrypto"]),
        .library(name: "TrustAnchors", targets: ["TrustAnchors"]),
        .library(name: "ResolverCore", targets: ["ResolverCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries: bridged through a module map and a small shim header.
        .systemLibrary(
            name: "CLibevent",
            pkgConfig: "libevent",
            providers: [.apt(["libevent-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),

        // The DNS model: names, types, records, messages, EDNS; wire, canonical and text forms. Imports nothing.
        .target(name: "DNSWire"),

        // TTL-bounded RRset and negative cache with trust ranks, security status and a byte cap. Sans-I/O.
        .target(name: "DNSCache", dependencies: ["DNSWire"]),

        // DNSSEC: signature checks, chain of trust and authenticated denial; the DNSSECCrypto port. Sans-I/O.
        .target(name: "DNSSEC", dependencies: ["DNSWire", "DNSCache"]),

        // Trust anchors: the built-in root KSKs, trust-anchor files, negative anchors (RFC 7646), the RFC 5011
        // tracker and its state file. Sans-I/O.
        .target(name: "TrustAnchors", dependencies: ["DNSWire", "DNSCache", "DNSSEC"]),

        // The iterator, server selection, exchange policy and driver: sans-I/O, no clock reads.
        .target(name: "ResolverCore", dependencies: ["DNSWire", "DNSCache", "DNSSEC", "TrustAnchors"]),

        // Edges: libevent (knows nothing of DNS) and OpenSSL.
        .target(name: "EventIO", dependencies: ["CLibevent"]),
        .target(name: "DNSCrypto", dependencies: ["COpenSSL", "DNSWire", "DNSSEC"]),

        // conf/anchord.yaml and ANCHORD_* variables → a validated Configuration. A library so tests can import it.
        .target(
            name: "AnchordConfig",
            dependencies: ["DNSWire", .product(name: "Yams", package: "Yams")]
        ),

        // Operations: the reply-size test responder's answers and the `anchord check` judgement. Sans-I/O.
        .target(name: "Diagnostics", dependencies: ["DNSWire", "DNSSEC", "TrustAnchors"]),

        // The network front end and upstream transport on libevent, driving the resolver core.
        .target(name: "Server", dependencies: ["AnchordConfig", "DNSWire", "DNSCache", "ResolverCore", "EventIO", "TrustAnchors", "DNSSEC", "DNSCrypto"]),

        // The executable: configuration, wiring, subcommands.
        .executableTarget(
            name: "anchord",
            dependencies: [
                "AnchordConfig", "DNSWire", "EventIO", "DNSCrypto", "Server", "ResolverCore", "TrustAnchors", "Diagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DNSCacheTests", dependencies: ["DNSCache", "DNSWire"]),
        .testTarget(name: "ResolverCoreTests", dependencies: ["ResolverCore", "DNSCache", "DNSWire", "DNSSEC", "TrustAnchors", "DNSCrypto"],
                    resources: [.copy("Scenarios")]),
        .testTarget(name: "AnchordConfigTests", dependencies: ["AnchordConfig", "DNSWire"]),
        .testTarget(name: "EventIOTests", dependencies: ["EventIO"]),
        .testTarget(name: "ServerTests", dependencies: ["Server", "EventIO", "AnchordConfig", "ResolverCore", "TrustAnchors", "DNSWire"]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "DNSWire", "DNSSEC", "TrustAnchors"]),
        .testTarget(name: "DNSSECTests", dependencies: ["DNSSEC", "DNSCache", "DNSWire", "DNSCrypto"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "DNSCryptoTests", dependencies: ["DNSCrypto", "DNSSEC", "DNSWire"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TrustAnchorsTests", dependencies: ["TrustAnchors", "DNSWire", "DNSSEC", "DNSCache", "DNSCrypto"],
                    resources: [.copy("Fixtures")]),
    ]
)
