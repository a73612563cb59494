/// Base64 (RFC 4648 §4): how DNSKEY public keys and RRSIG signatures are written in zone files
/// (RFC 4034 §2.2, §3.2).
///
/// Decoding is strict (RFC 4648 §3.3, §3.5): only alphabet characters, a length that is a multiple of four,
/// `=` only as the last one or two characters, and zero pad bits, so every byte string has exactly one text.
/// Zone files may split the text over several tokens; the zone-file reader joins them before decoding.
public enum Base64 {
    static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The padded base64 text of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index < input.count {
            let available = min(3, input.count - index)
            var group: UInt32 = 0
            for offset in 0..<3 {
                group <<= 8
                if offset < available { group |= UInt32(input[index + offset]) }
            }
            // Three octets give four sextets; a short final group gives two or three, then padding.
            for sextet in 0..<4 {
                if sextet <= available {
                    out.append(alphabet[Int((group >> (18 - 6 * UInt32(sextet))) & 0x3F)])
                } else {
                    out.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The octets of strict base64 text; throws on anything but the one canonical encoding.
    public static func decode(_ text: String) throws -> [UInt8] {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else {
            throw PresentationError("base64 text of \(chars.count) characters: the length must be a multiple of 4")
        }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            let isLastGroup = index + 4 == chars.count
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let char = chars[index + offset]
                group <<= 6
                if char == UInt8(ascii: "=") {
                    guard isLastGroup, offset >= 2 else { throw PresentationError("misplaced '=' padding in base64 text") }
                    padding += 1
                    continue
                }
                guard padding == 0 else { throw PresentationError("base64 data after '=' padding") }
                guard let value = sextet(char) else {
                    throw PresentationError("\(quotedCharacter(char)) is not a base64 character")
                }
                group |= UInt32(value)
            }
            // RFC 4648 §3.5: the bits below the last full octet must be zero.
            let unusedBits: UInt32 = padding == 2 ? 0xFFFF : (padding == 1 ? 0xFF : 0)
            guard group & unusedBits == 0 else { throw PresentationError("base64 text has non-zero pad bits") }
            out.append(UInt8(truncatingIfNeeded: group >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: group >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: group)) }
            index += 4
        }
        return out
    }

    private static func sextet(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return char - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return char - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return char - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}

/// A character for an error message: itself when printable ASCII, else its octet value.
func quotedCharacter(_ char: UInt8) -> String {
    if char > 0x20, char < 0x7F { return "'\(String(decoding: [char], as: UTF8.self))'" }
    return "octet \(char)"
}
