import Testing
import DNSCrypto
import DNSSEC
import DNSWire

/// What OpenSSLCrypto says it can do, and what it says about the rest (RFC 8624 §3.1, §3.3).
struct SupportTests {
    static let verified: [DNSSECAlgorithm] = [
        .rsaSHA1, .rsaSHA1NSEC3SHA1, .rsaSHA256, .rsaSHA512, .ecdsaP256SHA256, .ecdsaP384SHA384, .ed25519, .ed448,
    ]
    /// RSAMD5 and DSA must not be validated (RFC 8624 §3.1); ECC-GOST is not implemented; the rest are
    /// reserved, private or unassigned.
    static let unsupported: [UInt8] = [0, 1, 2, 3, 4, 6, 9, 11, 12, 17, 23, 123, 252, 253, 254, 255]

    @Test("the eight algorithms a validator should verify are supported", arguments: verified)
    func supportedAlgorithm(algorithm: DNSSECAlgorithm) {
        #expect(OpenSSLCrypto().supports(algorithm))
    }

    @Test("RSAMD5, DSA, ECC-GOST and unknown algorithms are unsupported, and verifying says so",
          arguments: unsupported)
    func unsupportedAlgorithm(number: UInt8) {
        let crypto = OpenSSLCrypto()
        let algorithm = DNSSECAlgorithm(number)
        #expect(!crypto.supports(algorithm))
        // Whatever the bytes, even ones that would be a fine key of another algorithm.
        let key = [UInt8](repeating: 0x42, count: 64)
        #expect(crypto.verify(algorithm: algorithm, publicKey: key, signature: key, data: [1, 2, 3])
                == .unsupportedAlgorithm)
        #expect(crypto.verify(algorithm: algorithm, publicKey: [], signature: [], data: []) == .unsupportedAlgorithm)
    }

    @Test("DS digest types SHA-1, SHA-256 and SHA-384 are supported with their lengths")
    func supportedDigests() {
        let crypto = OpenSSLCrypto()
        for type in [DigestType.sha1, .sha256, .sha384] {
            #expect(crypto.supports(type))
            #expect(crypto.digest(type, of: Array("abc".utf8))?.count == type.digestLength)
        }
        // FIPS 180 "abc" examples, to pin which hash each type names.
        #expect(crypto.digest(.sha1, of: Array("abc".utf8)).map { Hex.encode($0) }
                == "A9993E364706816ABA3E25717850C26C9CD0D89D")
        #expect(crypto.digest(.sha256, of: Array("abc".utf8)).map { Hex.encode($0) }
                == "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
        #expect(crypto.digest(.sha384, of: Array("abc".utf8)).map { Hex.encode($0) }
                == "CB00753F45A35E8BB5A03D699AC65007272C32AB0EDED1631A8B605A43FF5BED8086072BA1E7CC2358BAECA134C825A7")
        #expect(crypto.digest(.sha256, of: []).map { Hex.encode($0) }
                == "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")
    }

    @Test("GOST (3) and unassigned DS digest types are unsupported and give no digest",
          arguments: [UInt8(0), 3, 5, 6, 255])
    func unsupportedDigest(number: UInt8) {
        let crypto = OpenSSLCrypto()
        #expect(!crypto.supports(DigestType(number)))
        #expect(crypto.digest(DigestType(number), of: [1, 2, 3]) == nil)
    }

    @Test("RFC 5155 §11: NSEC3 hash algorithms other than 1 (SHA-1) give no hash")
    func unsupportedNSEC3Hash() throws {
        let crypto = OpenSSLCrypto()
        for algorithm: UInt8 in [0, 2, 255] {
            #expect(crypto.nsec3Hash(of: try name("example"), algorithm: algorithm, salt: [], iterations: 0) == nil)
        }
    }

    @Test("the OpenSSL version text is there")
    func libraryVersion() {
        #expect(CryptoLibrary.version.hasPrefix("OpenSSL 3"))
    }
}
