internal import COpenSSL

/// An OpenSSL public key built from DNSKEY public-key bytes; the `EVP_PKEY` is freed with this object.
///
/// A class because the key cache and a verification in progress share one parsed key. OpenSSL allows an
/// `EVP_PKEY` to be used by several verifications as long as nothing modifies it, and nothing here does.
final class PublicKey {
    /// The `EVP_PKEY`; this object frees it.
    let pkey: OpaquePointer

    private init(taking pkey: OpaquePointer) { self.pkey = pkey }

    deinit { EVP_PKEY_free(pkey) }

    /// Why DNSKEY bytes gave no key.
    enum Failure: Error, Equatable {
        /// Not a key of this algorithm: wrong length, not a point on the curve, no RSA key.
        case malformed
        /// Well-formed but outside what a validator should trust (RSA under 1024 or over 4096 bits).
        case unsupported
    }

    /// The key in `field`, the DNSKEY public-key field of an algorithm using `scheme`.
    static func make(scheme: SignatureScheme, field: [UInt8]) -> Result<PublicKey, Failure> {
        let made: OpaquePointer?
        switch scheme {
        case .rsa:
            switch RSAKeyBytes.parse(field) {
            case .success(let parts): made = rsa(parts)
            case .failure(.unsupportedSize): return .failure(.unsupported)
            case .failure(.malformed): return .failure(.malformed)
            }
        case .ecdsa(let curve, _, let fieldLength):
            // RFC 6605 §4: the key is X ‖ Y, each a field element; OpenSSL wants the uncompressed point 04 ‖ X ‖ Y.
            guard field.count == 2 * fieldLength else { return .failure(.malformed) }
            made = ecPoint(curve: curve, point: [0x04] + field)
        case .eddsa(let keyType, let keyLength, _):
            // RFC 8080 §3: the public key is the raw RFC 8032 encoding.
            guard field.count == keyLength else { return .failure(.malformed) }
            made = rawKey(keyType: keyType, bytes: field)
        }
        guard let made else {
            ERR_clear_error()
            return .failure(.malformed)
        }
        return .success(PublicKey(taking: made))
    }

    /// Whether `signature` is good over `data`: `digest` names the hash for RSA and ECDSA and is nil for
    /// EdDSA's one-shot verification. `signature` is in OpenSSL's form (DER for ECDSA).
    func verify(digest: MessageDigest?, signature: [UInt8], data: [UInt8]) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        let result = signature.withNonNullBytes { sig, sigCount in
            data.withNonNullBytes { bytes, count -> Int32 in
                guard EVP_DigestVerifyInit(context, nil, digest?.md, nil, pkey) == 1 else { return -1 }
                return EVP_DigestVerify(context, sig, sigCount, bytes, count)
            }
        }
        // 1 is a good signature; 0 a bad one; below 0 an error (say, a signature of the wrong length).
        // Either way OpenSSL may leave errors queued on this thread; they must not pile up.
        guard result == 1 else {
            ERR_clear_error()
            return false
        }
        return true
    }

    /// An RSA key from its modulus and exponent (OpenSSL 3 `EVP_PKEY_fromdata` with the "n" and "e" parameters).
    private static func rsa(_ parts: RSAKeyBytes) -> OpaquePointer? {
        guard let modulus = BigNumber(bigEndian: parts.modulus),
              let exponent = BigNumber(bigEndian: parts.exponent) else { return nil }
        // The builder refers to both numbers until it makes the parameters, inside fromData.
        return fromData(keyType: "RSA") { builder in
            OSSL_PARAM_BLD_push_BN(builder, anchord_OSSL_PKEY_PARAM_RSA_N(), modulus.pointer) == 1
                && OSSL_PARAM_BLD_push_BN(builder, anchord_OSSL_PKEY_PARAM_RSA_E(), exponent.pointer) == 1
        }
    }

    /// An EC public key on the named curve. OpenSSL refuses a point that is not on the curve.
    private static func ecPoint(curve: String, point: [UInt8]) -> OpaquePointer? {
        // The builder refers to the curve name and the point until it makes the parameters, inside fromData,
        // so both C buffers stay alive around the whole call.
        curve.withCString { curveName in
            point.withNonNullBytes { bytes, count in
                fromData(keyType: "EC") { builder in
                    OSSL_PARAM_BLD_push_utf8_string(builder, anchord_OSSL_PKEY_PARAM_GROUP_NAME(), curveName, 0) == 1
                        && OSSL_PARAM_BLD_push_octet_string(builder, anchord_OSSL_PKEY_PARAM_PUB_KEY(), bytes, count) == 1
                }
            }
        }
    }

    /// An EdDSA key from its raw encoding. OpenSSL checks only the length here; a string that is no point
    /// fails at verification.
    private static func rawKey(keyType: String, bytes: [UInt8]) -> OpaquePointer? {
        keyType.withCString { keyTypeName in
            bytes.withNonNullBytes { pointer, count in
                EVP_PKEY_new_raw_public_key_ex(nil, keyTypeName, nil, pointer, count)
            }
        }
    }

    /// Builds a public `EVP_PKEY` of `keyType` from the parameters `push` adds. Everything made along the
    /// way is freed here; the returned key belongs to the caller.
    ///
    /// OpenSSL keeps pointers where a caller might expect copies: the builder refers to pushed values until
    /// `OSSL_PARAM_BLD_to_param`, the parameter array to its names (static strings from the shim), and the
    /// context to its key-type name. So `keyType`'s C string is held for the whole construction.
    private static func fromData(keyType: String, push: (OpaquePointer) -> Bool) -> OpaquePointer? {
        keyType.withCString { keyTypeName -> OpaquePointer? in
            guard let builder = OSSL_PARAM_BLD_new() else { return nil }
            defer { OSSL_PARAM_BLD_free(builder) }
            guard push(builder), let params = OSSL_PARAM_BLD_to_param(builder) else {
                ERR_clear_error()
                return nil
            }
            defer { OSSL_PARAM_free(params) }
            guard let context = EVP_PKEY_CTX_new_from_name(nil, keyTypeName, nil) else {
                ERR_clear_error()
                return nil
            }
            defer { EVP_PKEY_CTX_free(context) }
            var key: OpaquePointer?
            guard EVP_PKEY_fromdata_init(context) == 1,
                  EVP_PKEY_fromdata(context, &key, anchord_EVP_PKEY_PUBLIC_KEY(), params) == 1,
                  let key else {
                ERR_clear_error()
                return nil
            }
            return key
        }
    }
}
