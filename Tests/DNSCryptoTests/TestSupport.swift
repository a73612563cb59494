import Foundation
import Testing
import DNSSEC
import DNSWire

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so randomized tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// `count` random octets, eight from each draw (debug builds make per-octet draws slow).
    mutating func bytes(_ count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count + 7)
        while result.count < count {
            var word = next()
            for _ in 0..<8 {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        result.removeLast(result.count - count)
        return result
    }
}

/// `bytes` with bit `bit` (counted from the first octet's high bit) inverted.
func flipping(_ bytes: [UInt8], bit: Int) -> [UInt8] {
    var copy = bytes
    copy[bit / 8] ^= 0x80 >> UInt8(bit % 8)
    return copy
}

/// One RRSIG from a fixture with everything needed to check it: the DNSKEY it names and the signed data.
struct SignedRRSet: CustomTestStringConvertible {
    let rrset: RRSet
    let rrsig: RRSIG
    let key: DNSKEY
    let data: [UInt8]

    var testDescription: String { "RRSIG \(rrsig.typeCovered) \(rrsig.algorithm) at \(rrset.name)" }
}

/// Zone-file text parsed into records and regrouped as the validator would see them.
struct SignedZone {
    let records: [Record]

    init(text: String) throws { records = try ZoneFile.parse(text) }

    var keys: [DNSKEY] {
        records.compactMap { if case .dnskey(let key) = $0.rdata { return key } else { return nil } }
    }

    /// Every RRSIG with the RRset it covers, its key (by signer, tag and algorithm) and the RFC 4034 §3.1.8.1
    /// signed data built by `Canonical.signedData`.
    func signedRRSets() throws -> [SignedRRSet] {
        let sets = RRSet.group(records.filter { $0.type != .rrsig })
        var result: [SignedRRSet] = []
        for record in records {
            guard case .rrsig(let rrsig) = record.rdata else { continue }
            let rrset = try #require(sets.first { $0.name == record.name && $0.type == rrsig.typeCovered },
                                     "no \(rrsig.typeCovered) RRset at \(record.name)")
            let key = try #require(
                records.lazy.compactMap { r -> DNSKEY? in
                    guard r.name == rrsig.signerName, case .dnskey(let key) = r.rdata,
                          key.keyTag == rrsig.keyTag, key.algorithm == rrsig.algorithm else { return nil }
                    return key
                }.first, "no DNSKEY \(rrsig.keyTag) for \(record.name)")
            result.append(SignedRRSet(rrset: rrset, rrsig: rrsig, key: key,
                                      data: try Canonical.signedData(rrsig: rrsig, rrset: rrset)))
        }
        return result
    }
}

enum Fixture {
    static func directory() throws -> URL {
        try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
    }

    /// The zone-file text of `Fixtures/<name>.zone`.
    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory().appendingPathComponent("\(name).zone"), encoding: .utf8)
    }

    static func zone(_ name: String) throws -> SignedZone { try SignedZone(text: text(name)) }
}

/// A name from presentation text, for test data known to be valid.
func name(_ text: String) throws -> Name { try Name(text) }
