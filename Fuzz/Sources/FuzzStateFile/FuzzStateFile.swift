import FuzzSupport
import TrustAnchors

/// Any text as an RFC 5011 state file: decoding throws or gives an anchor, and that anchor's state file
/// decodes to the same anchor and encodes to the same text (so a state read and written back loses nothing).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStateFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let anchor = try? AnchorStateFile.decode(fuzzText(start, count), fileName: "fuzz.state") else { return 0 }
    let text = AnchorStateFile.encode(anchor, now: 1_796_000_000)
    do {
        let again = try AnchorStateFile.decode(text, fileName: "fuzz.state")
        require(again == anchor, "decode(encode(anchor)) != anchor\n\(text)")
        require(AnchorStateFile.encode(again, now: 1_796_000_000) == text, "the state text is not stable\n\(text)")
    } catch {
        require(false, "our own state file does not decode: \(error)\n\(text)")
    }
    return 0
}

@_cdecl("FuzzStateFile_main")
public func fuzzStateFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzStateFile)
}
