import DNSWire
import Testing
import TrustAnchors

/// Reads `text` as a trust-anchor file named `test.anchor` and returns the error, or nil when it loaded.
func loadError(_ text: String) -> PresentationError? {
    do {
        _ = try TrustAnchorFile.parse(text: text, fileName: "test.anchor")
        return nil
    } catch let error as PresentationError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Suite("Trust-anchor files: DS and DNSKEY records in zone-file text")
struct TrustAnchorFileTests {
    /// scripts/lab.d/generate.sh writes `lab/run/root.anchor` like this: a comment, the KSK's DS from
    /// `dnssec-dsfromkey -2`, then the `.key` file with comments removed — no TTLs, base64 split by spaces.
    static let labRootAnchor = """
        ; Trust anchor for the anchord lab root: its KSK as DS and as DNSKEY (trust-anchor-file:).
        . IN DS 29369 8 2 A7F9E1327FC4DF8B743E5710714AADCE182B7B055DA0ADBAFF97DC8BFF448F47
        . IN DNSKEY 257 3 8 AwEAAb+oVJG8Bk66G8ErMncgUOh6Frrlf/ZFhpNT5Uzc9YZJ2HslznZr xdJrBZqC9HOJ9/V/i1UzXittLGPC5Rey81kQvjHLYMB5tve52sTUNjcD 97zD7V9UtikSPn8izp6+vvlx5W9WV3oNJ/qwsnDMXm+wVe/yp/JFQSZx x6I94hCNC+WAXdMt4jW2X+qFwBzBV029bkEO2sBrYbPdHqtLmmnh3b2g tmCKHrfIQOqQque6t+OCYTuU/Ruo8bRnhYXJ3w7e5W9Zmpla9m9aAPTs ntIDwO03T2m2lcdZ/XAlW1xNLwlLogxCr5ucNSbpjxjb5+dv3l+3fHHP OdGdAwzVnjs=

        """

    /// RFC 8080 §6.1's Ed25519 key and DS, written as an operator might: `$ORIGIN`, `$TTL`, an algorithm
    /// mnemonic, parentheses over several lines and comments inside them.
    static let rfc8080Anchor = """
        ; RFC 8080 §6.1
        $ORIGIN com.
        $TTL 1h
        example  IN DNSKEY 257 3 ED25519 (   ; KSK
                     l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= ; the public key
                 )
        @  IN DS 20326 RSASHA256 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
        example.com. 3600 IN DS 3613 15 2 (
                     3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79
                     a304b )
        """

    @Test func theLabRootAnchorFileGivesTheRootKSKAsDSAndAsDNSKEY() throws {
        let anchors = try TrustAnchorFile.parse(text: Self.labRootAnchor, fileName: "root.anchor")
        #expect(anchors.map(\.zone) == [.root])
        let root = try #require(anchors.first)
        #expect(root.dsRecords.map(\.keyTag) == [29369])
        #expect(root.dsRecords.first?.digestType == .sha256)
        let key = try #require(root.dnskeyRecords.first)
        #expect(root.dnskeyRecords.count == 1)
        #expect(key.flags == 257 && key.algorithm == .rsaSHA256)
        // The DNSKEY is the key the DS names: the base64 split by spaces was joined back whole.
        #expect(key.keyTag == 29369)
    }

    @Test func aDNSKEYAnchorWithParenthesesCommentsAndMnemonicsParses() throws {
        let anchors = try TrustAnchorFile.parse(text: Self.rfc8080Anchor, fileName: "rfc8080.anchor")
        #expect(anchors.map(\.zone) == [try Name("example.com."), try Name("com.")])
        let example = try #require(anchors.first)
        #expect(example.dnskeyRecords.map(\.keyTag) == [3613])
        #expect(example.dnskeyRecords.first?.algorithm == .ed25519)
        #expect(example.dsRecords.map(\.keyTag) == [3613])
        #expect(example.keys.map(\.keyTag) == [3613, 3613])
        #expect(anchors.last?.dsRecords.first?.algorithm == .rsaSHA256)
    }

    @Test func aDSDigestWhoseLengthDoesNotFitItsDigestTypeIsAnError() throws {
        // 31 octets under digest type 2 (SHA-256, 32 octets).
        let error = try #require(loadError("""
            ; one short
            . IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC
            """))
        #expect(error.fileName == "test.anchor")
        #expect(error.line == 2)
        #expect(error.message.contains("31-octet") && error.message.contains("needs 32"))
    }

    @Test func aSHA384DigestOfSHA256LengthIsAnError() {
        let error = loadError(". IN DS 20326 8 4 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
        #expect(error?.message.contains("needs 48") == true)
    }

    @Test func anARecordIsAnErrorNamingTheFileAndItsLine() throws {
        let error = try #require(loadError("""
            ; anchors
            . IN DNSKEY 257 3 15 (
                 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )

            ; a stray address
            ns.example. 3600 IN A 192.0.2.1
            """))
        #expect(error.fileName == "test.anchor")
        #expect(error.line == 6)
        #expect(error.message.contains("ns.example. A is not a trust anchor"))
        #expect(error.description.hasPrefix("test.anchor, line 6: "))
    }

    @Test func aRejectedMultiLineRecordIsNamedByTheLineItStartsOn() throws {
        let error = try #require(loadError("""
            . IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
            ; the next key has flags 0
            example. IN DNSKEY 0 3 15 (
                 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
            """))
        #expect(error.line == 3)
    }

    @Test func aDNSKEYWithoutTheZoneKeyBitIsAnErrorNamingItsKeyTag() throws {
        let key = DNSKEY(flags: 1, algorithm: .ed25519, publicKey: try Base64.decode("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="))
        let error = try #require(loadError("example. IN DNSKEY 1 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="))
        #expect(error.line == 1 && error.fileName == "test.anchor")
        #expect(error.message.contains("key tag \(key.keyTag)"))
        #expect(error.message.contains("Zone Key"))
    }

    @Test func aRevokedDNSKEYIsAnError() throws {
        // Flags 385 = 257 with the RFC 5011 REVOKE bit.
        let error = try #require(loadError("example. IN DNSKEY 385 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="))
        #expect(error.message.contains("REVOKE"))
        #expect(error.message.contains("key tag"))
    }

    @Test func aDNSKEYWithAProtocolOtherThanThreeIsAnError() throws {
        let error = try #require(loadError("example. IN DNSKEY 257 4 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4="))
        #expect(error.message.contains("protocol 4"))
    }

    @Test func aRecordOfAnotherClassIsAnError() {
        let error = loadError(". CH DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D")
        #expect(error?.message.contains("class IN") == true)
    }

    @Test func aFileWithNoRecordsIsAnError() throws {
        let error = try #require(loadError("; nothing here yet\n$TTL 3600\n"))
        #expect(error.fileName == "test.anchor")
        #expect(error.message.contains("no DS or DNSKEY"))
    }

    @Test func aBINDTrustAnchorsBlockIsAnErrorThatSaysZoneFileLinesAreExpected() throws {
        let error = try #require(loadError("""
            trust-anchors {
                . initial-ds 20326 8 2 "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
            };
            """))
        #expect(error.fileName == "test.anchor")
        #expect(error.line != nil)
        #expect(error.message.contains("zone-file form"))
    }

    @Test func aSyntaxErrorNamesTheFileAndLine() throws {
        let error = try #require(loadError(". IN DS 20326 8 2 E06D\n. IN DS 20326 8 2 NOTHEX\n"))
        #expect(error.fileName == "test.anchor")
        #expect(error.line == 2)
    }

    /// Found by Fuzz/ (FuzzTrustAnchorFile, then a long file by hand): the line of a rejected record was
    /// found by parsing every prefix of the file again, so the time grew with the square of its length —
    /// 2,000 DS records and a stray A record took about two minutes to report (sanitizer build). The parser
    /// now gives each record's line as it reads it.
    @Test func theLineOfARejectedRecordLateInALongFileIsFoundWithoutReparsing() throws {
        let ds = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
        let text = "; many anchors\n" + String(repeating: ds, count: 2_000) + "\nns.example. 3600 IN (\n A 192.0.2.1 )\n"
        let clock = ContinuousClock()
        var error: PresentationError?
        let took = clock.measure { error = loadError(text) }
        let found = try #require(error)
        #expect(found.line == 2_003)
        #expect(found.message.contains("ns.example. A is not a trust anchor"))
        #expect(took < .seconds(10), "took \(took)")
    }
}
