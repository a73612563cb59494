import Testing
@testable import DNSCrypto
import DNSSEC
import DNSWire

/// Parsed keys are kept, bounded, and the keys in use outlast those seen once.
struct KeyCacheTests {
    @Test("the cache holds at most its capacity")
    func bounded() {
        var cache = KeyCache<Int, String>(capacity: 4)
        for key in 0..<100 { cache.insert("\(key)", for: key) }
        #expect(cache.count == 4)
        #expect(cache.value(for: 99) == "99")
        #expect(cache.value(for: 0) == nil)
    }

    @Test("a key looked up since the last sweep survives a stream of new keys (CLOCK second chance)")
    func referencedSurvives() {
        var cache = KeyCache<Int, Int>(capacity: 3)
        cache.insert(1, for: 1)
        cache.insert(2, for: 2)
        cache.insert(3, for: 3)
        for newcomer in 10..<40 {
            #expect(cache.value(for: 1) == 1, "before \(newcomer)")
            cache.insert(newcomer, for: newcomer)
        }
        #expect(cache.value(for: 1) == 1)
        #expect(cache.count == 3)
    }

    @Test("inserting a present key replaces its value without growing")
    func replace() {
        var cache = KeyCache<String, Int>(capacity: 2)
        cache.insert(1, for: "a")
        cache.insert(2, for: "a")
        #expect(cache.count == 1)
        #expect(cache.value(for: "a") == 2)
    }

    @Test("a capacity below one is one")
    func minimumCapacity() {
        var cache = KeyCache<Int, Int>(capacity: 0)
        cache.insert(1, for: 1)
        cache.insert(2, for: 2)
        #expect(cache.count == 1)
        #expect(cache.value(for: 2) == 2)
    }

    @Test("one key checking every RRset of a zone is built once")
    func keyBuiltOncePerDNSKEY() throws {
        let crypto = OpenSSLCrypto()
        let signed = try Fixture.zone("bind-13").signedRRSets()
        for item in signed {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: item.data) == .valid)
        }
        let distinctKeys = Set(signed.map(\.key.publicKey)).count
        #expect(distinctKeys == 2)
        #expect(crypto.keysBuilt == distinctKeys)
        #expect(crypto.cachedKeyCount == distinctKeys)
    }

    @Test("the same bytes under another algorithm are another cache entry")
    func keyedByAlgorithm() throws {
        let crypto = OpenSSLCrypto()
        let item = try #require(try Fixture.zone("bind-8").signedRRSets().first)
        _ = crypto.verify(algorithm: .rsaSHA256, publicKey: item.key.publicKey, signature: item.rrsig.signature,
                          data: item.data)
        #expect(crypto.verify(algorithm: .rsaSHA512, publicKey: item.key.publicKey,
                              signature: item.rrsig.signature, data: item.data) == .invalid)
        #expect(crypto.keysBuilt == 2)
        #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: item.key.publicKey,
                              signature: item.rrsig.signature, data: item.data) == .valid)
        #expect(crypto.keysBuilt == 2)
    }

    @Test("a malformed key is remembered as malformed, not parsed again")
    func malformedKeysAreCached() {
        let crypto = OpenSSLCrypto()
        let notOnCurve = [UInt8](repeating: 0x11, count: 64)
        for _ in 0..<5 {
            #expect(crypto.verify(algorithm: .ecdsaP256SHA256, publicKey: notOnCurve,
                                  signature: [UInt8](repeating: 1, count: 64), data: [1]) == .invalid)
        }
        #expect(crypto.keysBuilt == 1)
    }

    @Test("a verifier with a small cache stays within it and still verifies")
    func smallCache() throws {
        let crypto = OpenSSLCrypto(keyCacheCapacity: 1)
        let signed = try Fixture.zone("bind-15").signedRRSets()
        for item in signed + signed {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: item.data) == .valid)
            #expect(crypto.cachedKeyCount == 1)
        }
    }

    @Test("fields longer than any usable key are judged but not kept")
    func oversizedFieldsNotCached() {
        let crypto = OpenSSLCrypto()
        // A 255-octet exponent and a 6,760-bit modulus: well-formed, but beyond RFC 3110's 4096 bits.
        let huge = [UInt8](repeating: 0xFF, count: OpenSSLCrypto.maximumCachedFieldLength + 1)
        #expect(crypto.verify(algorithm: .rsaSHA256, publicKey: huge, signature: [1], data: [1])
                == .unsupportedAlgorithm)
        #expect(crypto.verify(algorithm: .ed25519, publicKey: huge, signature: [1], data: [1]) == .invalid)
        #expect(crypto.cachedKeyCount == 0)
    }
}
