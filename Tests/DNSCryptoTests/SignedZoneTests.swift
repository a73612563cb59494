import Testing
import DNSCrypto
import DNSSEC
import DNSWire

/// Zones signed by BIND's dnssec-signzone and NLnet Labs' ldns-signzone (scripts/fixtures/crypto-vectors.sh):
/// what independent signers made, OpenSSLCrypto accepts, and any change to signature or data it refuses.
struct SignedZoneTests {
    /// Each fixture and the one algorithm all its signatures use.
    static let fixtures: [(name: String, algorithm: DNSSECAlgorithm)] = [
        ("bind-5", .rsaSHA1), ("bind-7", .rsaSHA1NSEC3SHA1), ("bind-8", .rsaSHA256), ("bind-10", .rsaSHA512),
        ("bind-13", .ecdsaP256SHA256), ("bind-14", .ecdsaP384SHA384), ("bind-15", .ed25519), ("bind-16", .ed448),
        ("ldns-8", .rsaSHA256), ("ldns-10", .rsaSHA512), ("ldns-13", .ecdsaP256SHA256), ("ldns-15", .ed25519),
        ("ldns-16", .ed448), ("rsa-long-exponent", .rsaSHA256),
    ]

    static var names: [String] { fixtures.map(\.name) }

    static let rsa: Set<DNSSECAlgorithm> = [.rsaSHA1, .rsaSHA1NSEC3SHA1, .rsaSHA256, .rsaSHA512]

    @Test("every RRSIG an independent signer made verifies", arguments: names)
    func everySignatureVerifies(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let signed = try Fixture.zone(fixture).signedRRSets()
        #expect(signed.count >= 10)
        let expected = try #require(Self.fixtures.first { $0.name == fixture }).algorithm
        #expect(crypto.supports(expected))
        for item in signed {
            #expect(item.rrsig.algorithm == expected)
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: item.data) == .valid,
                    "\(fixture): \(item.testDescription)")
        }
    }

    @Test("one flipped bit anywhere in the signature makes it invalid", arguments: names)
    func flippedSignatureBitIsInvalid(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try #require(try Fixture.zone(fixture).signedRRSets().first)
        let bits = item.rrsig.signature.count * 8
        for bit in [0, 1, 7, bits / 2, bits - 9, bits - 1] {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: flipping(item.rrsig.signature, bit: bit), data: item.data) == .invalid,
                    "\(fixture): bit \(bit)")
        }
    }

    @Test("one flipped bit in the signed data makes the signature invalid", arguments: names)
    func flippedDataBitIsInvalid(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try #require(try Fixture.zone(fixture).signedRRSets().last)
        let bits = item.data.count * 8
        for bit in [0, bits / 2, bits - 1] {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: flipping(item.data, bit: bit)) == .invalid,
                    "\(fixture): bit \(bit)")
        }
        #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                              signature: item.rrsig.signature, data: item.data + [0]) == .invalid)
    }

    @Test("a truncated key verifies nothing", arguments: names)
    func truncatedKeyIsInvalid(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let item = try #require(try Fixture.zone(fixture).signedRRSets().first)
        let key = item.key.publicKey
        for cut in [1, key.count / 2, key.count - 1] {
            let verdict = crypto.verify(algorithm: item.rrsig.algorithm, publicKey: Array(key.dropLast(cut)),
                                        signature: item.rrsig.signature, data: item.data)
            // RFC 3110 keys carry no overall length: a cut RSA key is a shorter modulus, and one under 1024
            // bits is unsupported (RFC 8624 §3.1) rather than malformed. Never valid either way.
            if Self.rsa.contains(item.rrsig.algorithm), Self.isShortButWellFormedRSA(key, cut: cut) {
                #expect(verdict == .unsupportedAlgorithm, "\(fixture): \(cut) octets cut")
            } else {
                #expect(verdict == .invalid, "\(fixture): \(cut) octets cut")
            }
        }
    }

    /// Whether an RSA key field with `cut` octets taken off its end still holds an exponent and a modulus
    /// at least as long, of fewer than 1024 bits.
    static func isShortButWellFormedRSA(_ field: [UInt8], cut: Int) -> Bool {
        let (start, exponentLength) = field[0] == 0 ? (3, Int(field[1]) << 8 | Int(field[2])) : (1, Int(field[0]))
        let modulusLength = field.count - cut - start - exponentLength
        return modulusLength >= exponentLength && modulusLength * 8 < 1024
    }

    @Test("a signature checked with the zone's other key is invalid",
          arguments: names.filter { $0 != "rsa-long-exponent" })
    func otherKeyIsInvalid(fixture: String) throws {
        let crypto = OpenSSLCrypto()
        let zone = try Fixture.zone(fixture)
        let item = try #require(try zone.signedRRSets().first)
        let other = try #require(zone.keys.first { $0 != item.key })
        #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: other.publicKey,
                              signature: item.rrsig.signature, data: item.data) == .invalid)
    }

    @Test("the signature of a wildcard verifies for a name it was expanded to")
    func wildcardExpansionVerifies() throws {
        let crypto = OpenSSLCrypto()
        for fixture in ["bind-13", "ldns-15"] {
            let signed = try Fixture.zone(fixture).signedRRSets()
            let wildcard = try #require(signed.first { $0.rrset.name.isWildcard && $0.rrset.type == .txt })
            var expanded = wildcard.rrset
            expanded.name = try wildcard.rrset.name.suffix(labelCount: wildcard.rrset.name.labelCount - 1)
                .prepending(Array("Host".utf8))
            let data = try Canonical.signedData(rrsig: wildcard.rrsig, rrset: expanded)
            #expect(crypto.verify(algorithm: wildcard.rrsig.algorithm, publicKey: wildcard.key.publicKey,
                                  signature: wildcard.rrsig.signature, data: data) == .valid)
        }
    }

    @Test("an RSA key with a 264-octet exponent uses RFC 3110's three-octet length and verifies")
    func longExponentKey() throws {
        let zone = try Fixture.zone("rsa-long-exponent")
        let key = try #require(zone.keys.first)
        #expect(Array(key.publicKey.prefix(3)) == [0, 1, 8])
        // Covered by everySignatureVerifies too; this states why the fixture exists.
        let item = try #require(try zone.signedRRSets().first)
        #expect(OpenSSLCrypto().verify(algorithm: .rsaSHA256, publicKey: key.publicKey,
                                       signature: item.rrsig.signature, data: item.data) == .valid)
    }

    @Test("a short exponent written in the three-octet long form is the same key")
    func longFormOfShortExponent() throws {
        let crypto = OpenSSLCrypto()
        let item = try #require(try Fixture.zone("bind-8").signedRRSets().first)
        let key = item.key.publicKey
        let exponentLength = Int(key[0])
        #expect(exponentLength > 0)
        let longForm = [0, 0, UInt8(exponentLength)] + key.dropFirst()
        #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: longForm, signature: item.rrsig.signature,
                              data: item.data) == .valid)
    }

    @Test("RFC 8624 §3.1: a good signature by a 512-bit RSA key is unsupported, not valid")
    func smallRSAKeyIsUnsupported() throws {
        let crypto = OpenSSLCrypto()
        let signed = try Fixture.zone("rsa-512").signedRRSets()
        #expect(!signed.isEmpty)
        for item in signed {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: item.data) == .unsupportedAlgorithm)
        }
    }
}
