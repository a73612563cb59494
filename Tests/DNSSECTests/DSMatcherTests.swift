import DNSSEC
import DNSWire
import Testing

@Suite("RFC 4035 §5.2, RFC 4509 §3: which DNSKEYs a DS RRset vouches for")
struct DSMatcherTests {
    let crypto = FakeCrypto()
    let ksk = Fixture.key(10, flags: 257)
    let zsk = Fixture.key(20)

    func ds(for key: DNSKEY, zone: String = "child.example.", digest type: DigestType = .sha256) throws -> DS {
        let input = Canonical.dsDigestInput(owner: try Name(zone), key: key)
        return DS(keyTag: key.keyTag, algorithm: key.algorithm, digestType: type, digest: crypto.digest(type, of: input) ?? [])
    }

    func match(_ records: [DS], keys: [DNSKEY]? = nil, crypto: FakeCrypto? = nil) throws -> DSMatch {
        DSMatcher(crypto: crypto ?? self.crypto).match(zone: try Name("child.example."), dsRecords: records, keys: keys ?? [ksk, zsk])
    }

    @Test func aDSMatchesTheKeyItsDigestWasMadeFrom() throws {
        let result = try match([try ds(for: ksk)])
        #expect(result.verdict == .secure)
        #expect(result.keys == [ksk])
    }

    @Test func theOwnerNameIsPartOfTheDigest() throws {
        let result = try match([try ds(for: ksk, zone: "other.example.")])
        #expect(result.verdict.extendedError?.code == .dnskeyMissing)
        #expect(result.keys.isEmpty)
        #expect(result.verdict.reason?.text.contains("child.example.") == true)
    }

    @Test func aDSThatMatchesNoKeyIsBogusWithDNSKEYMissing() throws {
        var record = try ds(for: ksk)
        record.digest[0] ^= 1
        #expect(try match([record]).verdict.extendedError?.code == .dnskeyMissing)
    }

    @Test func aSHA1DSIsIgnoredWhenASHA256DSIsPresent() throws {
        // RFC 4509 §3: the SHA-1 DS matches, but the SHA-256 one for the same key does not: bogus.
        var strong = try ds(for: ksk, digest: .sha256)
        strong.digest[0] ^= 1
        let weak = try ds(for: ksk, digest: .sha1)
        #expect(try match([weak]).verdict == .secure)
        #expect(try match([weak, strong]).verdict.isBogus)
    }

    @Test func sha384OutranksSHA256() throws {
        var strongest = try ds(for: zsk, digest: .sha384)
        strongest.digest[0] ^= 1
        #expect(try match([try ds(for: ksk, digest: .sha256), strongest]).verdict.isBogus)
        #expect(try match([try ds(for: ksk, digest: .sha256), try ds(for: ksk, digest: .sha384)]).keys == [ksk])
    }

    @Test func aStrongDigestForAnUnsupportedAlgorithmDoesNotHideAWeakerUsableOne() throws {
        let exotic = Fixture.key(30, algorithm: .ed448, flags: 257)
        let result = try match([try ds(for: exotic, digest: .sha384), try ds(for: ksk, digest: .sha256)],
                               keys: [exotic, ksk, zsk])
        #expect(result.keys == [ksk])
    }

    @Test func onlyUnsupportedDigestTypesMakeTheZoneInsecureWithEDE2() throws {
        var onlySHA1 = crypto
        onlySHA1.digests = [.sha1]
        let result = try match([try ds(for: ksk, digest: .sha256)], crypto: onlySHA1)
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.extendedError?.code == .unsupportedDSDigestType)
    }

    @Test func onlyUnsupportedAlgorithmsMakeTheZoneInsecureWithEDE1() throws {
        let exotic = Fixture.key(30, algorithm: .ed448, flags: 257)
        let result = try match([try ds(for: exotic)], keys: [exotic])
        #expect(result.verdict.isInsecure)
        #expect(result.verdict.extendedError?.code == .unsupportedDNSKEYAlgorithm)
    }

    @Test func aDigestOfTheWrongLengthMatchesNothing() throws {
        var record = try ds(for: ksk)
        record.digest.append(0)
        #expect(try match([record]).verdict.isBogus)
    }

    @Test func aMatchingKeyWithoutTheZoneKeyFlagIsBogusWithEDE11() throws {
        let notZone = Fixture.key(40, flags: 1)
        let result = try match([try ds(for: notZone)], keys: [notZone])
        #expect(result.verdict.extendedError?.code == .noZoneKeyBitSet)
    }

    @Test func aRevokedKeyIsNeverVouchedFor() throws {
        let revoked = Fixture.key(50, flags: 257 | 0x80)
        #expect(try match([try ds(for: revoked)], keys: [revoked]).verdict.isBogus)
    }

    @Test func everyKeyWithAMatchingDSIsReturned() throws {
        let result = try match([try ds(for: ksk), try ds(for: zsk)])
        #expect(Set(result.keys) == [ksk, zsk])
    }

    @Test func noDSRecordsAtAllIsNotReadAsUnsigned() throws {
        #expect(try match([]).verdict.isBogus)
    }
}
