import FuzzSupport
import TrustAnchors

/// Any text as a trust-anchor file (`trust-anchor-file:`, `auto-trust-anchor-file:`): parsing throws or gives
/// anchors, each with at least one key; an anchor read so starts a managed anchor whose state file decodes
/// back to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrustAnchorFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let anchors = try? TrustAnchorFile.parse(text: fuzzText(start, count), fileName: "fuzz.anchor") else { return 0 }
    require(!anchors.isEmpty, "a trust-anchor file parsed to no anchors")
    for anchor in anchors {
        require(!anchor.keys.isEmpty, "an anchor without keys")
        let managed = ManagedAnchor(initial: anchor, now: 1_796_000_000)
        let text = AnchorStateFile.encode(managed, now: 1_796_000_000)
        do {
            let decoded = try AnchorStateFile.decode(text, fileName: "fuzz.state")
            require(decoded == managed, "the state file of a new managed anchor does not decode to it\n\(text)")
        } catch {
            require(false, "the state file of a new managed anchor does not decode: \(error)\n\(text)")
        }
    }
    return 0
}

@_cdecl("FuzzTrustAnchorFile_main")
public func fuzzTrustAnchorFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzTrustAnchorFile)
}
