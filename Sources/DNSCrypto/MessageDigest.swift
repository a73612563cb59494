internal import COpenSSL

/// A hash implementation fetched once from OpenSSL's default provider, freed with its owner.
///
/// OpenSSL 3 looks an algorithm up by name on every use of the `EVP_sha256()` style getters; fetching it
/// once and keeping the `EVP_MD` avoids that lookup per signature and per NSEC3 iteration.
final class MessageDigest {
    let algorithm: HashAlgorithm
    /// The fetched `EVP_MD`; this object frees it.
    let md: OpaquePointer
    /// Output length in octets.
    let size: Int

    /// Nil when this OpenSSL build cannot provide the hash.
    init?(_ algorithm: HashAlgorithm) {
        guard let md = EVP_MD_fetch(nil, algorithm.rawValue, nil) else {
            ERR_clear_error()
            return nil
        }
        let size = Int(EVP_MD_get_size(md))
        guard size > 0 else {
            EVP_MD_free(md)
            return nil
        }
        self.algorithm = algorithm
        self.md = md
        self.size = size
    }

    deinit { EVP_MD_free(md) }

    /// The hash of `data`; nil only if OpenSSL fails.
    func hash(_ data: [UInt8]) -> [UInt8]? {
        var output = [UInt8](repeating: 0, count: size)
        var length: UInt32 = 0
        let ok = data.withNonNullBytes { bytes, count in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(bytes, count, out.baseAddress, &length, md, nil)
            }
        }
        guard ok == 1, Int(length) == size else {
            ERR_clear_error()
            return nil
        }
        return output
    }

    /// RFC 5155 §5: IH(salt, x, 0) = H(x ‖ salt), IH(salt, x, k) = H(IH(salt, x, k − 1) ‖ salt); the result
    /// is IH(salt, x, iterations), that is `iterations + 1` applications of the hash.
    func iteratedHash(_ input: [UInt8], salt: [UInt8], iterations: UInt16) -> [UInt8]? {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        var current = input
        var output = [UInt8](repeating: 0, count: size)
        for _ in 0...Int(iterations) {
            var length: UInt32 = 0
            let ok = current.withNonNullBytes { bytes, count in
                salt.withNonNullBytes { saltBytes, saltCount in
                    output.withUnsafeMutableBufferPointer { out in
                        EVP_DigestInit_ex(context, md, nil) == 1
                            && EVP_DigestUpdate(context, bytes, count) == 1
                            && EVP_DigestUpdate(context, saltBytes, saltCount) == 1
                            && EVP_DigestFinal_ex(context, out.baseAddress, &length) == 1
                    }
                }
            }
            guard ok, Int(length) == size else {
                ERR_clear_error()
                return nil
            }
            current = output
        }
        return current
    }
}

extension Array where Element == UInt8 {
    /// Calls `body` with a pointer that is never nil, even for an empty array (OpenSSL may reject a NULL
    /// buffer even with a zero length), and the element count.
    func withNonNullBytes<R>(_ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        if isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
        }
        return try withUnsafeBufferPointer { buffer in
            // A non-empty array always has storage; the fallback only keeps the compiler content.
            guard let base = buffer.baseAddress else {
                var placeholder: UInt8 = 0
                return try withUnsafePointer(to: &placeholder) { try body($0, 0) }
            }
            return try body(base, buffer.count)
        }
    }
}
