import DNSWire
import Testing
import TrustAnchors

@Suite("The anchor store: built-in root anchors, closest anchor, negative anchors (RFC 7646)")
struct TrustAnchorStoreTests {
    static let ed25519Key = "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="

    func anchor(_ zone: String) throws -> TrustAnchor {
        let key = DNSKEY(flags: 257, algorithm: .ed25519, publicKey: try Base64.decode(Self.ed25519Key))
        return TrustAnchor(zone: try Name(zone), keys: [AnchorKey(dnskey: key)])
    }

    @Test func theBuiltInAnchorsAreExactlyTheTwoRootDSRecordsIANAPublishes() throws {
        let store = TrustAnchorStore.builtIn
        #expect(Array(store.anchors.keys) == [.root])
        #expect(store.negativeAnchors.isEmpty)
        let root = try #require(store.anchors[.root])
        #expect(root.dnskeyRecords.isEmpty)
        #expect(root.dsRecords.map(\.keyTag) == [20326, 38696])
        #expect(root.dsRecords.allSatisfy { $0.algorithm == .rsaSHA256 && $0.digestType == .sha256 })
        // data.iana.org/root-anchors/root-anchors.xml, KeyDigest elements for KSK-2017 and KSK-2024.
        #expect(root.dsRecords.map { Hex.encode($0.digest) } == [
            "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
            "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
        ])
    }

    @Test func closestAnchorPicksTheDeepestAnchorAtOrAboveTheName() throws {
        let store = TrustAnchorStore(anchors: [try anchor("."), try anchor("com."), try anchor("example.com.")])
        #expect(store.closestAnchor(for: try Name("www.Example.COM."))?.zone == (try Name("example.com.")))
        #expect(store.closestAnchor(for: try Name("example.com."))?.zone == (try Name("example.com.")))
        #expect(store.closestAnchor(for: try Name("other.com."))?.zone == (try Name("com.")))
        #expect(store.closestAnchor(for: try Name("example.net."))?.zone == .root)
        #expect(TrustAnchorStore().closestAnchor(for: try Name("example.net.")) == nil)
    }

    @Test func aNegativeAnchorOverridesThePositiveAnchorsAboveIt() throws {
        let store = TrustAnchorStore(anchors: [try anchor(".")], negativeAnchors: [try Name("example.com.")])
        #expect(store.isNegativelyAnchored(try Name("example.com.")))
        #expect(store.isNegativelyAnchored(try Name("a.b.EXAMPLE.com.")))
        #expect(!store.isNegativelyAnchored(try Name("com.")))
        #expect(!store.isNegativelyAnchored(try Name("notexample.com.")))
        #expect(store.lookup(try Name("www.example.com.")) == .negativeAnchor(try Name("example.com.")))
        #expect(store.lookup(try Name("www.example.org.")) == .anchor(try anchor(".")))
    }

    @Test func aNegativeAnchorAtAnAnchorsOwnNameWins() throws {
        let store = TrustAnchorStore(anchors: [try anchor("."), try anchor("example.com.")],
                                     negativeAnchors: [try Name("example.com.")])
        #expect(store.isNegativelyAnchored(try Name("www.example.com.")))
    }

    @Test func aPositiveAnchorBelowANegativeAnchorStartsItsOwnChain() throws {
        let store = TrustAnchorStore(anchors: [try anchor("."), try anchor("secure.example.com.")],
                                     negativeAnchors: [try Name("example.com.")])
        #expect(!store.isNegativelyAnchored(try Name("www.secure.example.com.")))
        #expect(store.lookup(try Name("www.secure.example.com.")) == .anchor(try anchor("secure.example.com.")))
        #expect(store.isNegativelyAnchored(try Name("insecure.example.com.")))
    }

    @Test func aNameWithNoAnchorAboveItIsUnanchored() throws {
        let store = TrustAnchorStore(anchors: [try anchor("example.com.")])
        #expect(store.lookup(try Name("example.org.")) == .unanchored)
    }

    @Test func withNoFilesTheBuiltInAnchorsAreUsed() throws {
        let store = try TrustAnchorStore.load(files: [], negative: [try Name("lab.")])
        #expect(store.anchors == TrustAnchorStore.builtIn.anchors)
        #expect(store.negativeAnchors == [try Name("lab.")])
    }

    @Test func aConfiguredFileReplacesTheBuiltInRootAnchors() throws {
        let store = try TrustAnchorStore.load(files: [(name: "root.anchor", text: TrustAnchorFileTests.labRootAnchor)],
                                              negative: [])
        let root = try #require(store.anchors[.root])
        #expect(root.keys.map(\.keyTag) == [29369, 29369])
        #expect(!root.dsRecords.contains(RootAnchors.ksk2017))
        #expect(!root.dsRecords.contains(RootAnchors.ksk2024))
    }

    @Test func anchorsForOneZoneFromSeveralFilesMerge() throws {
        let store = try TrustAnchorStore.load(files: [
            (name: "a.anchor", text: ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"),
            (name: "b.anchor", text: ". IN DNSKEY 257 3 15 \(Self.ed25519Key)\n"),
        ], negative: [])
        let root = try #require(store.anchors[.root])
        #expect(root.dsRecords == [RootAnchors.ksk2017])
        #expect(root.dnskeyRecords.map(\.keyTag) == [3613])
    }

    @Test func aBadFileFailsTheWholeLoadNamingThatFile() throws {
        #expect(throws: PresentationError.self) {
            _ = try TrustAnchorStore.load(files: [
                (name: "good.anchor", text: TrustAnchorFileTests.labRootAnchor),
                (name: "bad.anchor", text: "x. IN A 192.0.2.1"),
            ], negative: [])
        }
        let error = #expect(throws: PresentationError.self) {
            _ = try TrustAnchorStore.load(files: [(name: "bad.anchor", text: "x. IN A 192.0.2.1")], negative: [])
        }
        #expect(error?.fileName == "bad.anchor" && error?.line == 1)
    }

    @Test func theDescriptionIsZoneFileTextThatLoadsBackToTheSameAnchors() throws {
        let store = TrustAnchorStore(anchors: [RootAnchors.anchor, try anchor("example.com.")],
                                     negativeAnchors: [try Name("corp.")])
        let text = store.description
        #expect(text.contains(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"))
        #expect(text.contains("; corp."))
        let reloaded = try TrustAnchorStore.load(files: [(name: "shown", text: text)], negative: [try Name("corp.")])
        #expect(reloaded == store)
    }
}
