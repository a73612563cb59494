import DNSWire
import FuzzSupport

/// Any octets: decoding throws or yields a message; a decoded message encodes, and the encoding decodes back
/// to the same message and re-encodes to the same octets. A size-limited encoding stays within its limit
/// (unless the header and question alone exceed it), decodes, and sets TC when it left out answer or
/// authority records.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessage(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    _ = Message.peekHeader(bytes)
    guard let message = try? Message(wire: bytes) else { return 0 }
    _ = message.text

    let wire: [UInt8]
    do {
        let (encoded, truncated) = try message.encode(maxSize: 65535)
        // Compression may be lost for names the input compressed where we do not; only then can it not fit.
        if truncated && !message.header.isTruncated { return 0 }
        wire = encoded
    } catch {
        require(false, "a decoded message does not encode: \(error)\n\(message.text)")
        return 0
    }
    let again: Message
    do {
        again = try Message(wire: wire)
    } catch {
        require(false, "our encoding does not decode: \(error)\n\(message.text)")
        return 0
    }
    require(again == message, "decode(encode(m)) != m\nbefore:\n\(message.text)\nafter:\n\(again.text)")
    require((try? again.encode()) == wire, "encoding is not stable")

    // Size-limited encodings, at a limit the input picks (from the ID) and at the classic 512.
    for limit in [512, 12 + Int(message.header.id % 1024)] {
        guard let (limited, truncated) = try? message.encode(maxSize: limit) else {
            require(false, "encode(maxSize: \(limit)) throws where encode() does not")
            return 0
        }
        let decoded: Message
        do {
            decoded = try Message(wire: limited)
        } catch {
            require(false, "encode(maxSize: \(limit)) gives octets that do not decode: \(error)")
            return 0
        }
        let minimum = try? Message(header: message.header, rcode: message.rcode, questions: message.questions,
                                   edns: message.edns).encode().count
        require(limited.count <= limit || limited.count == minimum,
                "encode(maxSize: \(limit)) gave \(limited.count) octets")
        let dropped = decoded.answers.count < message.answers.count || decoded.authority.count < message.authority.count
        require(!dropped || (truncated && decoded.header.isTruncated), "records left out without TC at limit \(limit)")
        require(decoded.questions == message.questions, "the question changed at limit \(limit)")
        require(decoded.edns == message.edns, "the OPT record was not kept at limit \(limit)")
    }
    return 0
}

@_cdecl("FuzzMessage_main")
public func fuzzMessageMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzMessage)
}
