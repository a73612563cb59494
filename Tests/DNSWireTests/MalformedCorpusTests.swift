import Testing
@testable import DNSWire

/// One malformed packet and the error it must be rejected with.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let wire: [UInt8]
    let expected: WireError
    var testDescription: String { name }

    init(_ name: String, _ wire: [UInt8], _ expected: WireError) {
        self.name = name
        self.wire = wire
        self.expected = expected
    }
}

/// The question "example.com. IN A", seventeen octets at offset 12.
private let question = wireName("example.com") + u16(1) + u16(1)

/// An OPT record with the given options (RFC 6891 §6.1.2).
func opt(payload: UInt16 = 1232, ttl: UInt32 = 0, owner: [UInt8] = [0], options: [UInt8] = []) -> [UInt8] {
    rr(owner, 41, ttl: ttl, rrClass: payload, options)
}

/// One EDNS option: code, length, body.
func option(_ code: UInt16, _ body: [UInt8], length: UInt16? = nil) -> [UInt8] {
    u16(code) + u16(length ?? UInt16(body.count)) + body
}

/// An answer whose RDATA (of `type`) is `rdata`, owned by the root, behind an empty header.
private func answer(_ type: RRType, _ rdata: [UInt8], rdlength: UInt16? = nil) -> [UInt8] {
    header(an: 1) + rr([0], type.rawValue, rdlength: rdlength, rdata)
}

private let a63 = [UInt8](repeating: 0x61, count: 63)

/// A chain of `count` pointers, each to the one before, the first to a root label; then a record owned by the last.
private func pointerChain(_ count: Int) -> [UInt8] {
    // Record 1 (root owner, opaque type) starts at 12; its RDATA starts at 23 with the root label.
    var chain: [UInt8] = [0]
    for index in 0..<count {
        let target = index == 0 ? 23 : 24 + 2 * (index - 1)
        chain += [0xC0 | UInt8(target >> 8), UInt8(target & 0xFF)]
    }
    let last = 24 + 2 * (count - 1)
    return header(an: 2) + rr([0], 65000, chain) + rr([0xC0 | UInt8(last >> 8), UInt8(last & 0xFF)], 1, [127, 0, 0, 1])
}

/// The corpus. Offsets are absolute positions in the packet.
let malformedCorpus: [MalformedCase] = [
    // Header and question.
    MalformedCase("empty packet", [], .truncated(offset: 0, needed: 2)),
    MalformedCase("header of five octets", Array(header().prefix(5)), .truncated(offset: 4, needed: 1)),
    MalformedCase("header of eleven octets", Array(header().prefix(11)), .truncated(offset: 10, needed: 1)),
    MalformedCase("question name cut inside a label", header(qd: 1) + [7] + Array("exa".utf8), .truncated(offset: 12, needed: 4)),
    MalformedCase("question name without its root label", header(qd: 1) + [3] + Array("com".utf8), .truncated(offset: 16, needed: 1)),
    MalformedCase("question without its class", header(qd: 1) + wireName("example.com") + u16(1), .truncated(offset: 27, needed: 2)),
    MalformedCase("question type cut in half", header(qd: 1) + wireName("example.com") + [0], .truncated(offset: 25, needed: 1)),

    // Compression pointers (RFC 1035 §4.1.4): only strictly backwards, never in a loop.
    MalformedCase("pointer to itself", header(qd: 1) + [0xC0, 12] + u16(1) + u16(1), .badPointer(offset: 12)),
    MalformedCase("label then a pointer back to its own start", header(qd: 1) + [1, 0x61, 0xC0, 12] + u16(1) + u16(1), .badPointer(offset: 14)),
    // Record 1's RDATA at 23 holds a pointer to 27; record 2 (at 25) is "b" then a pointer at 27 to 23.
    MalformedCase("two pointers pointing at each other",
                  header(an: 2) + rr([0], 65000, [0xC0, 27]) + rr([1, 0x62, 0xC0, 23], 1, [1, 2, 3, 4]), .badPointer(offset: 23)),
    MalformedCase("forward pointer", header(qd: 1) + [0xC0, 18] + u16(1) + u16(1) + wireName("a"), .badPointer(offset: 12)),
    MalformedCase("pointer past the end of the packet", header(qd: 1) + [0xFF, 0xFF] + u16(1) + u16(1), .badPointer(offset: 12)),
    MalformedCase("pointer cut in half", header(qd: 1) + [0xC0], .truncated(offset: 12, needed: 1)),
    MalformedCase("chain of 128 pointer hops", pointerChain(127), .pointerLoop(offset: 24)),

    // Labels and names (RFC 1035 §2.3.4, RFC 6891 §5).
    MalformedCase("label length 64, which is the reserved 0x40 label type",
                  header(qd: 1) + [64] + a63 + [0x61, 0] + u16(1) + u16(1), .badLabelType(offset: 12)),
    MalformedCase("extended label type 0x41", header(qd: 1) + [0x41, 0x00, 0] + u16(1) + u16(1), .badLabelType(offset: 12)),
    MalformedCase("reserved label type 0x80", header(qd: 1) + [0x80, 0] + u16(1) + u16(1), .badLabelType(offset: 12)),
    MalformedCase("reserved label type inside RDATA", answer(.ns, [0x40, 0]), .badLabelType(offset: 23)),
    MalformedCase("name of 257 octets without pointers", header(qd: 1) + ([63] + a63) + ([63] + a63) + ([63] + a63) + ([63] + a63) + [0]
                      + u16(1) + u16(1), .nameTooLong),
    // Question of 129 octets at 12; answer owner 63+63 octets then a pointer to it: 257 octets.
    MalformedCase("name over 255 octets through a pointer",
                  header(qd: 1, an: 1) + [63] + a63 + [63] + a63 + [0] + u16(1) + u16(1) + rr([63] + a63 + [63] + a63 + [0xC0, 12], 1, [1, 2, 3, 4]),
                  .nameTooLong),

    // Counts promising more than there is.
    MalformedCase("question count larger than the packet", header(qd: 2) + question, .truncated(offset: 29, needed: 1)),
    MalformedCase("answer count larger than the packet", header(qd: 1, an: 1) + question, .truncated(offset: 29, needed: 1)),
    MalformedCase("additional count 65535 with no records", header(ar: 65535), .truncated(offset: 12, needed: 1)),

    // RDATA length against the packet and against the content.
    MalformedCase("RDATA length past the end of the packet", answer(.a, [1, 2, 3, 4], rdlength: 10), .truncated(offset: 23, needed: 6)),
    MalformedCase("RDLENGTH field cut in half", header(an: 1) + [0] + u16(1) + u16(1) + u32(0) + [0], .truncated(offset: 21, needed: 1)),
    MalformedCase("A with three octets", answer(.a, [1, 2, 3]), .rdataLengthMismatch(type: .a, declared: 3, used: 4)),
    MalformedCase("A with three octets before another record", header(an: 2) + rr([0], 1, [1, 2, 3]) + rr([0], 1, [1, 2, 3, 4]),
                  .rdataLengthMismatch(type: .a, declared: 3, used: 4)),
    MalformedCase("A with five octets", answer(.a, [1, 2, 3, 4, 5]), .rdataLengthMismatch(type: .a, declared: 5, used: 4)),
    MalformedCase("AAAA with fifteen octets", answer(.aaaa, [UInt8](repeating: 1, count: 15)), .rdataLengthMismatch(type: .aaaa, declared: 15, used: 16)),
    MalformedCase("SOA without its minimum field", answer(.soa, wireName("ns") + wireName("h") + u32(1) + u32(2) + u32(3) + u32(4)),
                  .rdataLengthMismatch(type: .soa, declared: 23, used: 27)),
    MalformedCase("MX with a trailing octet", answer(.mx, u16(10) + wireName("mail") + [0]), .rdataLengthMismatch(type: .mx, declared: 9, used: 8)),
    MalformedCase("NS name running past its RDATA", header(an: 2) + rr([0], 2, [3, 0x61, 0x62]) + rr([0], 1, [1, 2, 3, 4]),
                  .rdataLengthMismatch(type: .ns, declared: 3, used: 4)),
    MalformedCase("TXT string running past its RDATA", answer(.txt, [5, 0x61, 0x62]), .rdataLengthMismatch(type: .txt, declared: 3, used: 6)),
    MalformedCase("DS without a digest", answer(.ds, [0, 1, 8, 2]), .badRData(type: .ds, reason: "empty digest")),
    MalformedCase("NSEC3 with hash length 0", answer(.nsec3, [1, 0, 0, 0, 0, 0]), .badRData(type: .nsec3, reason: "empty next hashed owner")),
    MalformedCase("NSEC3 salt running past its RDATA", answer(.nsec3, [1, 0, 0, 0, 9, 1, 2]), .rdataLengthMismatch(type: .nsec3, declared: 7, used: 14)),

    // Type bitmaps (RFC 4034 §4.1.2): ascending windows, 1–32 octets each.
    MalformedCase("NSEC bitmap window repeated", answer(.nsec, [0] + hex("0001 40 0001 40")),
                  .badRData(type: .nsec, reason: "type bitmap windows out of order")),
    MalformedCase("NSEC bitmap windows descending", answer(.nsec, [0] + hex("0101 40 0001 40")),
                  .badRData(type: .nsec, reason: "type bitmap windows out of order")),
    MalformedCase("NSEC bitmap window of length 0", answer(.nsec, [0] + hex("0000")), .badRData(type: .nsec, reason: "type bitmap window length 0")),
    MalformedCase("NSEC3 bitmap window of 33 octets", answer(.nsec3, [1, 0, 0, 0, 0, 1, 0xAA] + hex("0021") + [UInt8](repeating: 0, count: 33)),
                  .badRData(type: .nsec3, reason: "type bitmap window length 33")),
    MalformedCase("NSEC bitmap window with a trailing zero octet", answer(.nsec, [0] + hex("0002 4000")),
                  .badRData(type: .nsec, reason: "type bitmap window with trailing zero octets")),
    MalformedCase("NSEC bitmap window header cut in half", answer(.nsec, [0, 0]), .rdataLengthMismatch(type: .nsec, declared: 2, used: 3)),
    MalformedCase("NSEC bitmap shorter than its window length", answer(.nsec, [0] + hex("0003 40")),
                  .rdataLengthMismatch(type: .nsec, declared: 4, used: 6)),

    // Whole-message structure.
    MalformedCase("one trailing octet after an empty message", header() + [0], .trailingData(count: 1)),
    MalformedCase("three trailing octets after the question", header(qd: 1) + question + [1, 2, 3], .trailingData(count: 3)),

    // OPT (RFC 6891 §6.1.1) and its options.
    MalformedCase("two OPT records", header(ar: 2) + opt() + opt(), .badOPT(reason: "more than one OPT record")),
    MalformedCase("OPT with a non-root owner", header(ar: 1) + opt(owner: wireName("example")), .badOPT(reason: "owner name is not the root")),
    MalformedCase("OPT in the answer section", header(an: 1) + opt(), .badOPT(reason: "OPT outside the additional section")),
    MalformedCase("OPT in the authority section", header(ns: 1) + opt(), .badOPT(reason: "OPT outside the additional section")),
    MalformedCase("cookie of 5 octets", header(ar: 1) + opt(options: option(10, [1, 2, 3, 4, 5])), .badOPT(reason: "cookie option of 5 octets")),
    MalformedCase("cookie of 12 octets (server cookie too short)", header(ar: 1) + opt(options: option(10, [UInt8](repeating: 1, count: 12))),
                  .badOPT(reason: "cookie option of 12 octets")),
    MalformedCase("cookie of 41 octets (server cookie too long)", header(ar: 1) + opt(options: option(10, [UInt8](repeating: 1, count: 41))),
                  .badOPT(reason: "cookie option of 41 octets")),
    MalformedCase("option overrunning the OPT record", header(ar: 1) + opt(options: option(3, [1, 2], length: 10)),
                  .badOPT(reason: "option 3 overruns the record")),
    MalformedCase("OPT RDATA ending inside an option header", header(ar: 1) + opt(options: [0, 3, 0]),
                  .badOPT(reason: "option header cut short: 3 of 4 octets")),
    MalformedCase("tcp-keepalive of one octet", header(ar: 1) + opt(options: option(11, [1])), .badOPT(reason: "tcp-keepalive option of 1 octets")),
    MalformedCase("extended DNS error of one octet", header(ar: 1) + opt(options: option(15, [1])),
                  .badOPT(reason: "extended error option of 1 octets")),
]

/// Malformed packets are rejected with the specific error; and no input at all can make decoding trap.
struct MalformedCorpusTests {
    @Test(arguments: malformedCorpus)
    func malformedPacketIsRejectedWithItsSpecificError(_ sample: MalformedCase) {
        #expect(decodeError(sample.wire) == sample.expected)
    }

    @Test func corpusNamesAreUniqueSoFailuresPointAtOneCase() {
        #expect(Set(malformedCorpus.map(\.name)).count == malformedCorpus.count)
    }

    @Test func aChainOf127PointerHopsIsStillAccepted() throws {
        // 126 chained pointers plus the owner's own pointer: the most a 255-octet name could need.
        let message = try Message(wire: pointerChain(126))
        #expect(message.answers.count == 2)
        #expect(message.answers[1].name == Name.root)
    }

    @Test func aNameOfExactly255OctetsThroughAPointerIsAccepted() throws {
        let a61 = [UInt8](repeating: 0x62, count: 61)
        let wire = header(qd: 1, an: 1) + [63] + a63 + [63] + a63 + [0] + u16(1) + u16(1)
            + rr([63] + a63 + [61] + a61 + [0xC0, 12], 1, [1, 2, 3, 4])
        let message = try Message(wire: wire)
        #expect(message.answers.first?.name.wire.count == 255)
    }

    // MARK: Never trap

    /// Valid messages to mutate: the captured fixtures plus a few generated ones with every kind of record.
    static func samples() throws -> [[UInt8]] {
        var generator = MessageGenerator(seed: 77)
        var result = try CapturedFixture.all().map(\.wire)
        for _ in 0..<6 {
            var message = generator.message()
            while message.answers.count + message.authority.count + message.additional.count < 6 { message = generator.message() }
            result.append(try message.encode())
        }
        return result
    }

    enum Outcome: Equatable { case threw(WireError), decoded, failed }

    /// Decoding either throws a `WireError` or gives a message; with `recheck`, that message must also re-encode and
    /// decode to itself (so decoding never produces a value the encoder cannot express).
    static func decodeOrThrow(_ wire: [UInt8], recheck: Bool = true) -> Outcome {
        let message: Message
        do {
            message = try Message(wire: wire)
        } catch let error as WireError {
            return .threw(error)
        } catch {
            Issue.record("unexpected error type \(error)")
            return .failed
        }
        guard recheck else { return .decoded }
        do {
            let again = try Message(wire: try message.encode())
            if again != message {
                let hexText = wire.map { String($0, radix: 16) }.joined(separator: " ")
                Issue.record("decoded message does not survive re-encoding: \(hexText)\nfirst: \(message)\nagain: \(again)")
                return .failed
            }
            return .decoded
        } catch {
            Issue.record("decoded message does not re-encode: \(error)")
            return .failed
        }
    }

    @Test func everyStrictPrefixOfAValidMessageIsRejectedAsTruncated() throws {
        var checked = 0
        for wire in try Self.samples() {
            for length in 0..<wire.count {
                let error = decodeError(Array(wire.prefix(length)))
                guard case .truncated = error else {
                    Issue.record("prefix of \(length)/\(wire.count) octets gave \(String(describing: error))")
                    return
                }
                checked += 1
            }
            #expect(decodeError(wire) == nil)
        }
        #expect(checked > 1_000)
    }

    @Test func singleOctetChangesNeverTrap() throws {
        var random = SplitMix64(seed: 0x5EED)
        var outcomes: [Outcome] = []
        for wire in try Self.samples() {
            // Every octet of the header, question and first record; a third of the rest, from a random start.
            let positions = Array(wire.indices.prefix(64)) + Array(stride(from: 64 + Int.random(in: 0...2, using: &random), to: wire.count, by: 3))
            for position in positions {
                // Every bit of the header and the first label; one random change elsewhere.
                let masks: [UInt8] = position < 14 ? [1, 2, 4, 8, 16, 32, 64, 128] : [UInt8.random(in: 1...255, using: &random)]
                for mask in masks {
                    var mutated = wire
                    mutated[position] ^= mask
                    // Re-encoding is the slow part in debug builds: check it for one mutation in eight.
                    let outcome = Self.decodeOrThrow(mutated, recheck: random.chance(12))
                    guard outcome != .failed else { return }
                    outcomes.append(outcome)
                }
            }
        }
        // Many changes land in TTLs, IDs and RDATA and still decode; many break structure and throw. Both must happen.
        let decoded = outcomes.filter { $0 == .decoded }.count
        #expect(outcomes.count > 5_000)
        #expect(decoded > outcomes.count / 10)
        #expect(decoded < outcomes.count)
    }

    static func kind(of error: WireError) -> String {
        switch error {
        case .truncated: return "truncated"
        case .labelTooLong: return "labelTooLong"
        case .nameTooLong: return "nameTooLong"
        case .emptyLabel: return "emptyLabel"
        case .badPointer: return "badPointer"
        case .pointerLoop: return "pointerLoop"
        case .badLabelType: return "badLabelType"
        case .badRData: return "badRData"
        case .rdataLengthMismatch: return "rdataLengthMismatch"
        case .trailingData: return "trailingData"
        case .badOPT: return "badOPT"
        case .unencodable: return "unencodable"
        }
    }

    @Test func randomByteStringsNeverTrap() {
        var random = SplitMix64(seed: 0xBAD_5EED)
        var kinds = Set<String>()
        for _ in 0..<20_000 {
            var wire = random.bytes(Int.random(in: 0...300, using: &random))
            if wire.count >= 12, random.chance(70) {
                // Small counts, so the decoder gets past the header and into names and RDATA.
                for index in 4..<12 { wire[index] = index % 2 == 0 ? 0 : UInt8.random(in: 0...3, using: &random) }
            }
            let outcome = Self.decodeOrThrow(wire)
            switch outcome {
            case .failed: return
            case .decoded: kinds.insert("decoded")
            case let .threw(error): kinds.insert(Self.kind(of: error))
            }
        }
        // The inputs reach past the header: names, pointers and RDATA each get rejected for their own reasons.
        #expect(kinds.isSuperset(of: ["truncated", "badPointer", "badLabelType", "trailingData"]), "\(kinds)")
    }

    @Test func splicedAndShuffledValidMessagesNeverTrap() throws {
        var random = SplitMix64(seed: 0x5_911CE)
        let samples = try Self.samples()
        for _ in 0..<5_000 {
            var wire = samples[Int.random(in: 0..<samples.count, using: &random)]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let cut = Int.random(in: 0...wire.count, using: &random)
                switch Int.random(in: 0...3, using: &random) {
                case 0: wire.insert(contentsOf: random.bytes(Int.random(in: 1...8, using: &random)), at: cut)
                case 1: wire.removeSubrange(cut..<min(wire.count, cut + Int.random(in: 1...8, using: &random)))
                case 2:
                    // Copy an earlier stretch over a later one: plausible names and pointers in odd places.
                    let from = Int.random(in: 0...cut, using: &random)
                    let length = min(Int.random(in: 1...16, using: &random), wire.count - cut, cut - from)
                    if length > 0 { wire.replaceSubrange(cut..<(cut + length), with: wire[from..<(from + length)]) }
                default:
                    if cut + 1 < wire.count { wire[cut] = [0xC0, 0x3F, 0x40, 0x80, 0x00, 0xFF][Int.random(in: 0...5, using: &random)] }
                }
            }
            guard Self.decodeOrThrow(wire) != .failed else { return }
        }
    }
}
