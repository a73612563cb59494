import Testing
@testable import DNSCrypto
import DNSWire

/// The pieces below the public API: RFC 3110 key splitting and the r ‖ s to DER conversion.
struct KeyPartsTests {
    /// A modulus of exactly `bits` bits: a leading one bit, then ones, odd.
    static func modulus(bits: Int) -> [UInt8] {
        let octets = (bits + 7) / 8
        var value = [UInt8](repeating: 0xFF, count: octets)
        let spare = octets * 8 - bits
        value[0] = 0xFF >> UInt8(spare)
        return value
    }

    @Test("RFC 3110 §2: a one-octet exponent length, then the exponent and the modulus")
    func shortForm() throws {
        let modulus = Self.modulus(bits: 1024)
        let parts = try RSAKeyBytes.parse([3, 1, 0, 1] + modulus).get()
        #expect(Array(parts.exponent) == [1, 0, 1])
        #expect(Array(parts.modulus) == modulus)
    }

    @Test("RFC 3110 §2: a zero octet, then a two-octet exponent length")
    func longForm() throws {
        let modulus = Self.modulus(bits: 4096)
        let exponent = [UInt8](repeating: 0xFF, count: 300)
        let parts = try RSAKeyBytes.parse([0, 0x01, 0x2C] + exponent + modulus).get()
        #expect(parts.exponent.count == 300)
        #expect(Array(parts.modulus) == modulus)
    }

    @Test("RFC 8624 §3.1 and RFC 3110 §2: moduli of 1024 to 4096 bits are usable, others unsupported")
    func modulusSizes() {
        for bits in [1024, 1025, 2048, 3072, 4095, 4096] {
            #expect((try? RSAKeyBytes.parse([1, 3] + Self.modulus(bits: bits)).get()) != nil, "\(bits) bits")
        }
        for bits in [512, 768, 1016, 1023, 4097, 8192] {
            #expect(RSAKeyBytes.parse([1, 3] + Self.modulus(bits: bits)) == .failure(.unsupportedSize(bits: bits)),
                    "\(bits) bits")
        }
    }

    @Test("bit lengths count from the highest one bit")
    func bitLength() {
        #expect(RSAKeyBytes.bitLength([]) == 0)
        #expect(RSAKeyBytes.bitLength([1]) == 1)
        #expect(RSAKeyBytes.bitLength([0x80]) == 8)
        #expect(RSAKeyBytes.bitLength([0x01, 0x00]) == 9)
    }

    @Test("r ‖ s becomes a DER SEQUENCE of two INTEGERs, minimal, with a zero octet before a high bit")
    func ecdsaDER() throws {
        // r = 0x80 00 … 00 (high bit set: needs a leading zero), s = 1 (leading zeros dropped).
        var r = [UInt8](repeating: 0, count: 32)
        r[0] = 0x80
        var s = [UInt8](repeating: 0, count: 32)
        s[31] = 1
        let der = try #require(ECDSASignature.der(fromConcatenated: r + s, fieldLength: 32))
        let expected: [UInt8] = [0x30, 0x26, 0x02, 0x21, 0x00] + r + [0x02, 0x01, 0x01]
        #expect(der == expected)
    }

    @Test("a P-384 r ‖ s converts with a long-form-free SEQUENCE length")
    func ecdsaDERP384() throws {
        let r = [UInt8](repeating: 0x7F, count: 48)
        let s = [UInt8](repeating: 0x01, count: 48)
        let der = try #require(ECDSASignature.der(fromConcatenated: r + s, fieldLength: 48))
        #expect(der == [0x30, 100, 0x02, 48] + r + [0x02, 48] + s)
    }

    @Test("r ‖ s of the wrong length has no DER form")
    func ecdsaWrongLength() {
        #expect(ECDSASignature.der(fromConcatenated: [], fieldLength: 32) == nil)
        #expect(ECDSASignature.der(fromConcatenated: [UInt8](repeating: 1, count: 63), fieldLength: 32) == nil)
        #expect(ECDSASignature.der(fromConcatenated: [UInt8](repeating: 1, count: 65), fieldLength: 32) == nil)
        #expect(ECDSASignature.der(fromConcatenated: [1, 2], fieldLength: 0) == nil)
    }
}
