// swift-tools-version:6.0
// anchord's libFuzzer targets: one executable per target, each exporting LLVMFuzzerTestOneInput and built with
// `-sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies main). Run them with scripts/fuzz, not
// directly with `swift build`: without the fuzzer flags the executables do not link (no main).
import PackageDescription

let package = Package(
    name: "anchord-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "anchord", path: ".."),
    ],
    targets: [
        // Checks that abort with a message, so libFuzzer records the input as a crash.
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        // The declaration of LLVMFuzzerRunDriver, which each target's main calls.
        .target(name: "CFuzzDriver"),

        // Message(wire:) and encode(), encode(maxSize:): decode → encode → decode is the identity.
        .executableTarget(name: "FuzzMessage", dependencies: [
            "FuzzSupport", .product(name: "DNSWire", package: "anchord"),
        ]),
        // ZoneFile.parse: every record read prints as text that reads back to it, and goes through the wire.
        .executableTarget(name: "FuzzZoneFile", dependencies: [
            "FuzzSupport", .product(name: "DNSWire", package: "anchord"),
        ]),
        // RRSIGValidator, DSMatcher, DenialValidator and ChainOfTrust on a message's RRsets, through OpenSSL.
        .executableTarget(name: "FuzzValidator", dependencies: [
            "FuzzSupport", .product(name: "DNSWire", package: "anchord"), .product(name: "DNSCache", package: "anchord"),
            .product(name: "DNSSEC", package: "anchord"), .product(name: "DNSCrypto", package: "anchord"),
        ]),
        // ClientProtocol.decide / response(to:) / refusal: what goes back is a decodable response within limits.
        .executableTarget(name: "FuzzClient", dependencies: [
            "FuzzSupport", .product(name: "DNSWire", package: "anchord"), .product(name: "DNSCache", package: "anchord"),
            .product(name: "ResolverCore", package: "anchord"),
        ]),
        // TrustAnchorFile.parse.
        .executableTarget(name: "FuzzTrustAnchorFile", dependencies: [
            "FuzzSupport", .product(name: "TrustAnchors", package: "anchord"),
        ]),
        // AnchorStateFile.decode: what decodes encodes to text that decodes to the same anchor.
        .executableTarget(name: "FuzzStateFile", dependencies: [
            "FuzzSupport", .product(name: "TrustAnchors", package: "anchord"), .product(name: "DNSWire", package: "anchord"),
        ]),
        // Writes every target's seed corpus from the repository's fixtures (scripts/fuzz runs it).
        .executableTarget(name: "FuzzSeeds", dependencies: [
            .product(name: "DNSWire", package: "anchord"), .product(name: "DNSCache", package: "anchord"),
            .product(name: "TrustAnchors", package: "anchord"),
        ]),
    ]
)
