import DNSWire
import Testing
import TrustAnchors

/// The error `AnchorStateFile.decode` throws for `text` in `test.state`, or nil when it loaded.
func stateError(_ text: String) -> PresentationError? {
    do {
        _ = try AnchorStateFile.decode(text, fileName: "test.state")
        return nil
    } catch let error as PresentationError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// SplitMix64: a seeded generator, so every run checks the same cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("The anchor state file: round trips and errors that name the line")
struct AnchorStateFileTests {
    let keys: Vectors

    init() throws { keys = try Vectors() }

    static let header = "; anchord trust-anchor state v1\nzone anchor.test.\nnext-refresh 1893456000 2030-01-01T00:00:00Z\n"

    /// A state after a whole roll: REMOVED, VALID and ADDPEND keys, a DS, a problem.
    func rolledAnchor() throws -> ManagedAnchor {
        var tracker = Tracker(trusting: [AnchorKey(ds: keys.aDS)])
        try tracker.fetch("ab", atDay: 0)
        try tracker.fetch("ab", atDay: 31)
        try tracker.fetch("arevb-both", atDay: 32)
        _ = tracker.anchor.refreshFailed("SERVFAIL from 192.0.2.53;\n twice", timers: tracker.timers, now: tracker.now + 10)
        var anchor = tracker.anchor
        anchor.problem = .noTrustedSigner(signing: [1, 2], trusted: [])
        return anchor
    }

    @Test func aTrackedAnchorRoundTripsExactly() throws {
        // RFC 5011 §2.4.1: hold-downs span restarts, so the state must survive them unchanged.
        let anchor = try rolledAnchor()
        let text = AnchorStateFile.encode(anchor, now: Vectors.t0)
        #expect(text.hasPrefix("; anchord trust-anchor state v1\n"))
        #expect(text.contains("\nlast-success 1896220800 2030-02-02T00:00:00Z\n"))
        #expect(text.contains("anchor.test. IN DNSKEY 385 3 13 "))
        #expect(text.contains("anchor.test. IN DS \(keys.aDS.keyTag) 13 2 "))
        #expect(text.contains("\nlast-error SERVFAIL from 192.0.2.53; twice\n"))
        #expect(text.contains("\nproblem no-trusted-signer signing 1,2 trusted -\n"))
        #expect(text.contains("key \(keys.aRevoked.keyTag) ECDSAP256SHA256 REVOKED since 1896220800 2030-02-02T00:00:00Z"))
        let decoded = try AnchorStateFile.decode(text, fileName: "anchor.test.state")
        #expect(decoded == anchor)
        #expect(AnchorStateFile.encode(decoded, now: Vectors.t0) == text)
        // What an operator reads is ordinary zone-file text: the records load as a trust-anchor file.
        let records = text.split(separator: "\n").filter { $0.hasPrefix("anchor.test. IN") && !$0.contains(" 385 ") }
        #expect(throws: Never.self) { _ = try TrustAnchorFile.parse(text: records.joined(separator: "\n"), fileName: "copy") }
    }

    @Test func randomAnchorsRoundTripExactly() throws {
        // Property: decode(encode(x)) == x for anchors with every state, optional field and algorithm.
        var random = SeededGenerator(state: 5011)
        func time() -> Int64? { Bool.random(using: &random) ? nil : Int64.random(in: 0...4_000_000_000, using: &random) }
        for _ in 0..<200 {
            var managed: [ManagedKey] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let algorithm = DNSSECAlgorithm([8, 13, 15, 200, 253].randomElement(using: &random) ?? 8)
                let bytes = (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let dnskey = DNSKEY(flags: [257, 385, 256].randomElement(using: &random) ?? 257, algorithm: algorithm, publicKey: bytes)
                let ds = DS(keyTag: dnskey.keyTag, algorithm: algorithm, digestType: .sha256,
                            digest: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
                let form = Int.random(in: 0...2, using: &random)
                var key = form == 1
                    ? ManagedKey(keyTag: ds.keyTag, algorithm: algorithm, ds: ds, state: .valid, since: 0)
                    : ManagedKey(dnskey: dnskey, state: .valid, since: 0)
                if form == 2 { key.ds = ds }
                key.state = ManagedKeyState.allCases.filter { $0 != .start }.randomElement(using: &random) ?? .valid
                key.since = Int64.random(in: 0...4_000_000_000, using: &random)
                key.firstSeen = time()
                key.lastSeen = time()
                key.seenCount = Int.random(in: 0...1000, using: &random)
                managed.append(key)
            }
            let zone = try Name(["anchor.test.", ".", "Example.COM.", "a-b_c.example."].randomElement(using: &random) ?? ".")
            let problems: [AnchorProblem?] = [nil, .noTrustedKey, .noTrustedSigner(signing: [], trusted: [7]),
                                              .noTrustedSigner(signing: [1, 65535], trusted: [20326, 38696])]
            let anchor = ManagedAnchor(
                zone: zone, keys: managed, lastSuccess: time(), lastAttempt: time(),
                nextRefresh: Int64.random(in: 0...4_000_000_000, using: &random),
                failures: Int.random(in: 0...50, using: &random),
                lastError: ["no reply", "DNSKEY of . : bogus — signature expired ; retry", nil].randomElement(using: &random) ?? nil,
                problem: problems.randomElement(using: &random) ?? nil,
                originalTTL: Bool.random(using: &random) ? UInt32.random(in: 0...UInt32.max, using: &random) : nil,
                signatureExpiration: time())
            let text = AnchorStateFile.encode(anchor, now: 0)
            let decoded = try AnchorStateFile.decode(text, fileName: "random.state")
            #expect(decoded == anchor, "\(text)")
            #expect(decoded.zone.text == anchor.zone.text)
        }
    }

    @Test func theFileNameIsTheLowercasedZoneWithSafeCharactersOnly() throws {
        #expect(AnchorStateFile.fileName(for: .root) == "root.state")
        #expect(AnchorStateFile.fileName(for: try Name("Example.COM.")) == "example.com.state")
        #expect(AnchorStateFile.fileName(for: try Name("a_b-c.test.")) == "a_b-c.test.state")
        let odd = AnchorStateFile.fileName(for: try Name(labels: [Array("x/../y".utf8), Array("test".utf8)]))
        #expect(odd == "x%2F%2E%2E%2Fy.test.state", "\(odd)")
    }

    @Test func anEmptyFileIsAnErrorOnLineOne() throws {
        for text in ["", "\n\n", "   \n"] {
            let error = try #require(stateError(text))
            #expect(error.fileName == "test.state" && error.line == 1)
            #expect(error.message.contains("empty"))
        }
    }

    @Test func aFileWithoutTheMagicIsAnError() throws {
        var error = try #require(stateError("zone anchor.test.\nnext-refresh 1 1970-01-01T00:00:01Z\n"))
        #expect(error.line == 1 && error.message.contains("; anchord trust-anchor state v1"))
        error = try #require(stateError("; anchord trust-anchor state v2\nzone .\n"))
        #expect(error.line == 1 && error.message.contains("version 2"))
    }

    @Test func anUnknownDirectiveIsAnErrorNamingItsLineAndTheValidOnes() throws {
        let error = try #require(stateError(Self.header + "; a comment\n\nrefresh-now yes\n"))
        #expect(error.line == 6 && error.fileName == "test.state")
        #expect(error.message.contains("unknown directive 'refresh-now'") && error.message.contains("next-refresh"))
    }

    @Test func aKeyLineWithoutARecordIsAnErrorOnTheKeyLine() throws {
        let key = "key 5900 ECDSAP256SHA256 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n"
        var error = try #require(stateError(Self.header + key))
        #expect(error.line == 4 && error.message.contains("no DNSKEY or DS record"))
        error = try #require(stateError(Self.header + key + key))
        #expect(error.line == 4)
    }

    @Test func aRecordOfAnotherZoneIsAnError() throws {
        let text = Self.header
            + "key \(keys.a.keyTag) 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n"
            + "other.test. IN DNSKEY \(RData.dnskey(keys.a).text)\n"
        let error = try #require(stateError(text))
        #expect(error.line == 5 && error.message.contains("other.test."))
    }

    @Test func aRecordBeforeAnyKeyLineIsAnError() throws {
        let error = try #require(stateError(Self.header + "anchor.test. IN DNSKEY \(RData.dnskey(keys.a).text)\n"))
        #expect(error.line == 4 && error.message.contains("no key line"))
    }

    @Test func badNumbersAndTimesAreErrorsNamingTheLine() throws {
        let cases: [(String, String)] = [
            ("failures many\n", "'many' is not"),
            ("failures -3\n", "'-3' is not"),
            ("original-ttl 4294967296\n", "is not a TTL"),
            ("last-success 99999999999999999999 x\n", "is not a time"),
            ("last-success 1893456000 2030-01-02T00:00:00Z\n", "is not the UTC time of 1893456000, which is 2030-01-01T00:00:00Z"),
            ("last-success 1893456000\n", "missing"),
            ("problem no-trusted-signer signing 1,x trusted -\n", "'x' is not a key tag"),
            ("key 70000 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n", "'70000' is not a key tag"),
            ("key 5900 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0 extra\n", "unexpected 'extra'"),
            ("key 5900 13 PENDING since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n", "ADDPEND, VALID"),
            ("key 5900 BOGUS VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n", "not a DNSSEC algorithm"),
        ]
        for (line, message) in cases {
            let error = try #require(stateError(Self.header + line), "\(line)")
            #expect(error.line == 4, "\(line)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test func aDuplicateKeyOrDirectiveIsAnError() throws {
        let key = "key \(keys.a.keyTag) 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n"
            + "anchor.test. IN DNSKEY \(RData.dnskey(keys.a).text)\n"
        var error = try #require(stateError(Self.header + key + "; again\n" + key))
        #expect(error.line == 7 && error.message.contains("appears twice (also on line 4)"))
        error = try #require(stateError(Self.header + "failures 1\nfailures 2\n"))
        #expect(error.line == 5 && error.message.contains("first on line 4"))
        error = try #require(stateError(Self.header + key + "anchor.test. IN DNSKEY \(RData.dnskey(keys.b).text)\n"))
        #expect(error.line == 6 && error.message.contains("second DNSKEY"))
    }

    @Test func aKeyLineThatDisagreesWithItsRecordIsAnError() throws {
        let text = Self.header + "key 1 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n"
            + "anchor.test. IN DNSKEY \(RData.dnskey(keys.a).text)\n"
        let error = try #require(stateError(text))
        #expect(error.line == 4 && error.message.contains("does not match its record"))
    }

    @Test func aFileWithoutZoneOrNextRefreshIsAnError() throws {
        var error = try #require(stateError("; anchord trust-anchor state v1\nnext-refresh 0 1970-01-01T00:00:00Z\n"))
        #expect(error.message.contains("no zone line"))
        error = try #require(stateError("; anchord trust-anchor state v1\nzone .\n"))
        #expect(error.message.contains("no next-refresh"))
    }

    @Test func arbitraryBytesNeverTrap() {
        // Untrusted bytes: a reader throws, it never traps.
        var random = SeededGenerator(state: 42)
        let valid = Self.header + "key 5900 13 VALID since 0 1970-01-01T00:00:00Z first-seen - last-seen - seen 0\n"
        let alphabet = Array("; \n\t-0123456789:TZkeyzonIDNSKEY.abc\u{0}\u{FFFD}é")
        for _ in 0..<500 {
            var characters = Array(valid)
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<characters.count, using: &random)
                characters[index] = alphabet.randomElement(using: &random) ?? " "
            }
            _ = stateError(String(characters)) as PresentationError?
        }
    }
}
