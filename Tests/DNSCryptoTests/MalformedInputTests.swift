import Testing
@testable import DNSCrypto
import DNSSEC
import DNSWire

/// Key and signature bytes that are no key or signature: each is `.invalid`, never a trap, never `.valid`.
struct MalformedInputTests {
    /// A real signed RRset of `fixture` to bend.
    static func sample(_ fixture: String) throws -> SignedRRSet {
        try #require(try Fixture.zone(fixture).signedRRSets().first)
    }

    @Test("RFC 3110 key fields that hold no exponent and modulus are invalid")
    func malformedRSAFields() throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample("bind-8")
        let modulus = Array(item.key.publicKey.dropFirst(1 + Int(item.key.publicKey[0])))
        let fields: [(String, [UInt8])] = [
            ("empty", []),
            ("only a length", [3]),
            ("long form cut short", [0, 1]),
            ("zero-length exponent, long form", [0, 0, 0] + modulus),
            ("exponent runs past the end", [200, 1, 0, 1]),
            ("exponent but no modulus", [3, 1, 0, 1]),
            ("long-form exponent but no modulus", [0, 0, 3, 1, 0, 1]),
            ("even exponent", [3, 1, 0, 2] + modulus),
            ("exponent 1", [1, 1] + modulus),
            ("exponent 0", [1, 0] + modulus),
            ("all-zero modulus", [3, 1, 0, 1] + [UInt8](repeating: 0, count: 128)),
            ("exponent longer than the modulus", [0, 0x01, 0x01] + [UInt8](repeating: 0xFF, count: 257) + modulus),
        ]
        for (label, field) in fields {
            #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: field, signature: item.rrsig.signature,
                                  data: item.data) == .invalid, "\(label)")
        }
    }

    @Test("an RSA modulus of an even number is no key: OpenSSL refuses it, and so does the verdict")
    func evenModulus() throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample("bind-8")
        var key = item.key.publicKey
        key[key.count - 1] &= 0xFE
        #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: key, signature: item.rrsig.signature,
                              data: item.data) == .invalid)
    }

    @Test("RSA signatures of the wrong length or value are invalid")
    func malformedRSASignatures() throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample("bind-8")
        let signature = item.rrsig.signature
        for bad in [[], [0], Array(signature.dropLast()), signature + [0], [0] + signature,
                    [UInt8](repeating: 0xFF, count: signature.count), [UInt8](repeating: 0, count: signature.count)] {
            #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: item.key.publicKey, signature: bad,
                                  data: item.data) == .invalid, "\(bad.count) octets")
        }
    }

    @Test("RFC 3110: leading zero octets are not allowed, but a key written with them is the same key")
    func leadingZerosTolerated() throws {
        let item = try Self.sample("bind-8")
        let key = item.key.publicKey
        let exponentLength = Int(key[0])
        let exponent = key[1...exponentLength]
        let modulus = key[(exponentLength + 1)...]
        let padded = [UInt8(exponentLength + 1), 0] + exponent + [0] + modulus
        #expect(OpenSSLCrypto().verify(algorithm: .rsaSHA256, publicKey: padded, signature: item.rrsig.signature,
                                       data: item.data) == .valid)
    }

    @Test("RFC 6605 keys of the wrong length, and points not on the curve, are invalid",
          arguments: ["bind-13", "bind-14"])
    func malformedECDSAKeys(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample(fixture)
        let key = item.key.publicKey
        let half = key.count / 2
        let bad: [(String, [UInt8])] = [
            ("empty", []),
            ("one octet short", Array(key.dropLast())),
            ("one octet long", key + [0]),
            ("with the 04 prefix OpenSSL uses", [4] + key.dropLast()),
            ("all zeros", [UInt8](repeating: 0, count: key.count)),
            ("all ones", [UInt8](repeating: 0xFF, count: key.count)),
            ("Y changed", Array(key[..<half]) + flipping(Array(key[half...]), bit: 5)),
            ("X and Y swapped", Array(key[half...] + key[..<half])),
        ]
        for (label, field) in bad {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: field, signature: item.rrsig.signature,
                                  data: item.data) == .invalid, "\(fixture): \(label)")
        }
    }

    @Test("RFC 6605 signatures of the wrong length, or with r or s zero or too big, are invalid",
          arguments: ["bind-13", "bind-14"])
    func malformedECDSASignatures(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample(fixture)
        let signature = item.rrsig.signature
        let half = signature.count / 2
        let zero = [UInt8](repeating: 0, count: half)
        let huge = [UInt8](repeating: 0xFF, count: half)
        let bad: [(String, [UInt8])] = [
            ("empty", []),
            ("one octet short", Array(signature.dropLast())),
            ("one octet long", signature + [0]),
            ("DER instead of r ‖ s", ECDSASignature.der(fromConcatenated: signature, fieldLength: half) ?? []),
            ("r zero", zero + signature[half...]),
            ("s zero", Array(signature[..<half]) + zero),
            ("both zero", zero + zero),
            ("r above the group order", huge + signature[half...]),
            ("s above the group order", Array(signature[..<half]) + huge),
            ("r and s swapped", Array(signature[half...] + signature[..<half])),
        ]
        for (label, sig) in bad {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey, signature: sig,
                                  data: item.data) == .invalid, "\(fixture): \(label)")
        }
    }

    @Test("RFC 8080 keys and signatures of the wrong length are invalid", arguments: ["bind-15", "bind-16"])
    func malformedEdDSA(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try Self.sample(fixture)
        let key = item.key.publicKey, signature = item.rrsig.signature
        for badKey in [[], Array(key.dropLast()), key + [0], [UInt8](repeating: 0xFF, count: key.count)] {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: badKey, signature: signature,
                                  data: item.data) == .invalid, "\(fixture): key of \(badKey.count) octets")
        }
        for badSignature in [[], Array(signature.dropLast()), signature + [0],
                             [UInt8](repeating: 0, count: signature.count),
                             [UInt8](repeating: 0xFF, count: signature.count)] {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: key, signature: badSignature,
                                  data: item.data) == .invalid, "\(fixture): signature of \(badSignature.count) octets")
        }
    }

    @Test("a key of one algorithm offered as another verifies nothing")
    func keyUnderTheWrongAlgorithm() throws {
        let crypto = OpenSSLCrypto()
        let p256 = try Self.sample("bind-13")
        let ed25519 = try Self.sample("bind-15")
        // 64 octets are a plausible P-256 key and an Ed25519 signature; 32 octets an Ed25519 key.
        #expect(crypto.verify(algorithm: .ed25519, publicKey: p256.key.publicKey, signature: p256.rrsig.signature,
                              data: p256.data) == .invalid)
        #expect(crypto.verify(algorithm: .ecdsaP256SHA256, publicKey: ed25519.key.publicKey,
                              signature: ed25519.rrsig.signature, data: ed25519.data) == .invalid)
        // The right key, signature and data under the other hash of the same family.
        let rsa = try Self.sample("bind-8")
        #expect(crypto.verify(algorithm: .rsaSHA512, publicKey: rsa.key.publicKey, signature: rsa.rrsig.signature,
                              data: rsa.data) == .invalid)
        #expect(crypto.verify(algorithm: .rsaSHA1, publicKey: rsa.key.publicKey, signature: rsa.rrsig.signature,
                              data: rsa.data) == .invalid)
    }

    @Test("empty signed data is checked like any other")
    func emptyData() throws {
        let crypto = OpenSSLCrypto()
        for fixture in ["bind-8", "bind-13", "bind-15"] {
            let item = try Self.sample(fixture)
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: []) == .invalid)
        }
    }
}
