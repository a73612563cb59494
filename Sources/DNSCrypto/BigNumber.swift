internal import COpenSSL

/// One owned OpenSSL `BIGNUM`, freed when this value ends unless ownership is handed to OpenSSL.
///
/// `~Copyable`: two owners of one `BIGNUM` would free it twice. `ECDSA_SIG_set0` takes ownership of its
/// numbers on success, which `release()` expresses by consuming this value without freeing.
struct BigNumber: ~Copyable {
    let pointer: OpaquePointer

    /// The unsigned big-endian integer in `bytes`; nil if OpenSSL cannot allocate (or for absurd lengths).
    init?(bigEndian bytes: ArraySlice<UInt8>) {
        let made: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            // BN_bin2bn reads nothing for a zero length, but wants a pointer all the same.
            var zero: UInt8 = 0
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return BN_bin2bn(&zero, 0, nil) }
            guard let count = Int32(exactly: buffer.count) else { return nil }
            return BN_bin2bn(base, count, nil)
        }
        guard let made else {
            ERR_clear_error()
            return nil
        }
        pointer = made
    }

    deinit { BN_free(pointer) }

    /// Gives the `BIGNUM` to a C function that takes ownership; the caller must make sure it does.
    consuming func release() -> OpaquePointer {
        let pointer = self.pointer
        discard self
        return pointer
    }
}
