import Testing
import DNSCrypto
import DNSSEC
import DNSWire

/// Seeded random keys and signatures, a few thousand per algorithm: nothing traps, nothing verifies.
struct FuzzTests {
    static let algorithms: [(DNSSECAlgorithm, fixture: String)] = [
        (.rsaSHA1, "bind-5"), (.rsaSHA1NSEC3SHA1, "bind-7"), (.rsaSHA256, "bind-8"), (.rsaSHA512, "bind-10"),
        (.ecdsaP256SHA256, "bind-13"), (.ecdsaP384SHA384, "bind-14"), (.ed25519, "bind-15"), (.ed448, "bind-16"),
    ]
    static let rounds = 1_000

    @Test("random bytes as key and signature never trap and never verify",
          arguments: algorithms.map(\.0.rawValue))
    func randomKeysAndSignatures(number: UInt8) throws {
        let algorithm = DNSSECAlgorithm(number)
        let fixture = try #require(Self.algorithms.first { $0.0 == algorithm }).fixture
        let real = try #require(try Fixture.zone(fixture).signedRRSets().first)
        let keyLength = real.key.publicKey.count, signatureLength = real.rrsig.signature.count
        // A small cache, so eviction runs all the time.
        let crypto = OpenSSLCrypto(keyCacheCapacity: 16)
        var random = SplitMix64(seed: 0xD05_EC00 + UInt64(number))
        var verdicts: [SignatureVerdict: Int] = [:]

        func check(_ key: [UInt8], _ signature: [UInt8], _ data: [UInt8], _ what: String) {
            let verdict = crypto.verify(algorithm: algorithm, publicKey: key, signature: signature, data: data)
            verdicts[verdict, default: 0] += 1
            #expect(verdict != .valid, "\(algorithm): \(what)")
        }

        for _ in 0..<Self.rounds {
            // Anything at all.
            let key = random.bytes(Int.random(in: 0...600, using: &random))
            check(key, random.bytes(Int.random(in: 0...600, using: &random)), random.bytes(40), "random key")
            // Keys and signatures of the lengths the algorithm uses, so OpenSSL gets to see them.
            var shaped = random.bytes(keyLength)
            if [5, 7, 8, 10].contains(number) {
                shaped[0] = 3
                shaped[3] |= 1     // an odd exponent,
                shaped[4] |= 0x80  // a modulus of the fixture key's size: the key reaches OpenSSL
            }
            check(shaped, random.bytes(signatureLength), real.data, "key of the right length")
            // The real key with a random signature of the right length.
            check(real.key.publicKey, random.bytes(signatureLength), real.data, "random signature")
        }
        #expect(verdicts[.valid] == nil)
        #expect((verdicts[.invalid] ?? 0) >= Self.rounds * 2)
    }

    @Test("random names, salts and data hash without trapping")
    func randomHashing() throws {
        let crypto = OpenSSLCrypto()
        var random = SplitMix64(seed: 5155)
        for _ in 0..<500 {
            let labels = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                random.bytes(Int.random(in: 1...20, using: &random))
            }
            let owner = try Name(labels: labels)
            let salt = random.bytes(Int.random(in: 0...255, using: &random))
            let hash = crypto.nsec3Hash(of: owner, algorithm: 1, salt: salt, iterations: UInt16.random(in: 0...20, using: &random))
            #expect(hash?.count == 20)
            for type in [DigestType.sha1, .sha256, .sha384] {
                #expect(crypto.digest(type, of: random.bytes(Int.random(in: 0...1000, using: &random)))?.count
                        == type.digestLength)
            }
        }
    }
}
