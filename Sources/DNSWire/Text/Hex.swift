/// Base16 (RFC 4648 §8): DS digests (RFC 4034 §5.3), NSEC3 salts (RFC 5155 §3.3) and RFC 3597 generic RDATA.
public enum Hex {
    /// Hex digits for `bytes`; uppercase as in the RFC 4034 and RFC 3597 examples unless asked otherwise.
    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = true) -> String {
        let digits: [UInt8] = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for octet in bytes {
            out.append(digits[Int(octet >> 4)])
            out.append(digits[Int(octet & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The octets of hex text of even length, digits in either case.
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { throw PresentationError("hex text of odd length \(chars.count)") }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index + 1 < chars.count {
            guard let high = nibble(chars[index]) else { throw PresentationError("\(quotedCharacter(chars[index])) is not a hex digit") }
            guard let low = nibble(chars[index + 1]) else { throw PresentationError("\(quotedCharacter(chars[index + 1])) is not a hex digit") }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
