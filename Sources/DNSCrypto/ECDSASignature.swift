internal import COpenSSL

/// ECDSA signatures between DNSSEC's form and OpenSSL's.
enum ECDSASignature {
    /// The DER `ECDSA-Sig-Value` OpenSSL verifies, from the RFC 6605 §4 signature r ‖ s (each `fieldLength`
    /// octets); nil when the length is wrong or OpenSSL fails.
    static func der(fromConcatenated signature: [UInt8], fieldLength: Int) -> [UInt8]? {
        guard fieldLength > 0, signature.count == 2 * fieldLength,
              let r = BigNumber(bigEndian: signature[..<fieldLength]),
              let s = BigNumber(bigEndian: signature[fieldLength...]) else { return nil }
        guard let value = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(value) }
        // ECDSA_SIG_set0 takes both numbers when it succeeds, and only then.
        let rPointer = r.pointer, sPointer = s.pointer
        guard ECDSA_SIG_set0(value, rPointer, sPointer) == 1 else {
            ERR_clear_error()
            return nil  // r and s are still ours and are freed as they go out of scope.
        }
        _ = r.release()
        _ = s.release()

        let length = i2d_ECDSA_SIG(value, nil)
        guard length > 0 else {
            ERR_clear_error()
            return nil
        }
        var encoded = [UInt8](repeating: 0, count: Int(length))
        let written = encoded.withUnsafeMutableBufferPointer { buffer -> Int32 in
            // i2d writes at *cursor and advances it; the cursor is a copy, the buffer stays put.
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(value, &cursor)
        }
        guard written == length else {
            ERR_clear_error()
            return nil
        }
        return encoded
    }
}
