/// The exponent and modulus of an RSA DNSKEY public-key field (RFC 3110 §2), split without OpenSSL.
///
/// The field is an exponent length, the exponent, then the modulus. The length is one octet when it is 1 to
/// 255, else a zero octet followed by two octets of length. The long form is accepted for any length.
struct RSAKeyBytes: Equatable {
    /// RFC 8624 §3.1 and RFC 3110 bound RSA moduli: validators should not trust keys under 1024 bits, and
    /// RFC 3110 §2 limits interoperable moduli to 4096 bits. Keys outside are unsupported, not malformed.
    static let supportedModulusBits = 1024...4096

    /// The exponent's octets, leading zeros removed.
    let exponent: ArraySlice<UInt8>
    /// The modulus's octets, leading zeros removed.
    let modulus: ArraySlice<UInt8>

    enum Failure: Error, Equatable {
        /// The field does not hold an exponent and a modulus, or they cannot be an RSA public key.
        case malformed
        /// A well-formed key whose modulus is outside `supportedModulusBits`.
        case unsupportedSize(bits: Int)
    }

    /// Splits `field`, or says why it is no usable RSA key.
    static func parse(_ field: [UInt8]) -> Result<RSAKeyBytes, Failure> {
        guard let first = field.first else { return .failure(.malformed) }
        var start = 1
        var exponentLength = Int(first)
        if first == 0 {
            guard field.count >= 3 else { return .failure(.malformed) }
            exponentLength = Int(field[1]) << 8 | Int(field[2])
            start = 3
        }
        // RFC 3110 §2: the exponent is at least one octet, and a key needs a modulus after it.
        guard exponentLength > 0, field.count - start > exponentLength else { return .failure(.malformed) }
        let exponent = significant(field[start..<start + exponentLength])
        let modulus = significant(field[(start + exponentLength)...])

        let modulusBits = bitLength(modulus)
        guard let lastExponentOctet = exponent.last, modulusBits > 0 else { return .failure(.malformed) }
        // An even exponent, or e = 1, is no RSA public key; e ≥ n cannot be one either.
        guard lastExponentOctet & 1 == 1, bitLength(exponent) > 1, bitLength(exponent) <= modulusBits else {
            return .failure(.malformed)
        }
        guard supportedModulusBits.contains(modulusBits) else { return .failure(.unsupportedSize(bits: modulusBits)) }
        return .success(RSAKeyBytes(exponent: exponent, modulus: modulus))
    }

    /// `octets` without leading zero octets (RFC 3110 prohibits them; tolerated here).
    private static func significant(_ octets: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        octets.drop(while: { $0 == 0 })
    }

    /// The number of significant bits in the big-endian integer `octets` (leading zeros already removed).
    static func bitLength(_ octets: ArraySlice<UInt8>) -> Int {
        guard let first = octets.first else { return 0 }
        return (octets.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
