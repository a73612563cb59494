import Testing
@testable import DNSWire

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

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }
}

/// A name from presentation text, for test data that is known to be valid.
func name(_ text: String) -> Name {
    do { return try Name(text) } catch { fatalError("bad test name \(text): \(error)") }
}

/// Octets from hex text; whitespace is ignored. For test data only.
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8).filter { !($0 == 32 || $0 == 10 || $0 == 9 || $0 == 13) }
    precondition(digits.count % 2 == 0, "odd number of hex digits")
    func value(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: preconditionFailure("not a hex digit: \(c)")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
}

/// The twelve-octet header: id, flags and the four counts.
func header(id: UInt16 = 0x1234, flags: UInt16 = 0x8180, qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
    [id, flags, qd, an, ns, ar].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
}

/// `name` in uncompressed wire form from dotted text (no escapes), for building packets by hand.
func wireName(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    for label in text.split(separator: ".") {
        out.append(UInt8(label.utf8.count))
        out.append(contentsOf: label.utf8)
    }
    out.append(0)
    return out
}

func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
func u32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }

/// Owner, type, class IN, TTL and the RDATA with its length (computed unless `rdlength` overrides it).
func rr(_ owner: [UInt8], _ type: UInt16, ttl: UInt32 = 300, rrClass: UInt16 = 1, rdlength: UInt16? = nil, _ rdata: [UInt8]) -> [UInt8] {
    owner + u16(type) + u16(rrClass) + u32(ttl) + u16(rdlength ?? UInt16(rdata.count)) + rdata
}

/// The expected error of a decode, or nil when it decoded.
func decodeError(_ wire: [UInt8]) -> WireError? {
    do {
        _ = try Message(wire: wire)
        return nil
    } catch let error as WireError {
        return error
    } catch {
        Issue.record("decode threw something other than a WireError: \(error)")
        return nil
    }
}
