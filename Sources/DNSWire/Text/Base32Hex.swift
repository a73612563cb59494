/// Base32 with the "extended hex" alphabet and no padding (RFC 4648 §7), as NSEC3 writes hashed owner names
/// (RFC 5155 §3.3). Its alphabet keeps the sort order of the octets, which NSEC3 chains rely on.
///
/// Output is lowercase, as in the RFC 5155 examples; input may be either case. Padding and non-zero trailing
/// bits are rejected, so each octet string has one text.
public enum Base32Hex {
    static let alphabet: [UInt8] = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// The unpadded, lowercase base32hex text of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for octet in bytes {
            buffer = buffer << 8 | UInt32(octet)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
            buffer &= (1 << UInt32(bits)) - 1
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The octets of unpadded base32hex text (either case).
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        // Lengths that leave five or more unused bits cannot come from an encoder.
        guard [0, 2, 4, 5, 7].contains(chars.count % 8) else {
            throw PresentationError("base32hex text of \(chars.count) characters is not a whole number of octets")
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        for char in chars {
            guard let value = quintet(char) else {
                throw PresentationError("\(quotedCharacter(char)) is not a base32hex character (0-9, a-v)")
            }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        guard buffer == 0 else { throw PresentationError("base32hex text has non-zero trailing bits") }
        return out
    }

    private static func quintet(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "v"): return char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "V"): return char - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
