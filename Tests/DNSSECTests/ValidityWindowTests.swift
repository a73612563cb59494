import DNSCache
import DNSSEC
import DNSWire
import Testing

@Suite("RFC 4034 §3.1.5, RFC 4035 §5.3.1: the validity window in serial arithmetic, with skew")
struct ValidityWindowTests {
    let inception: UInt32 = 1_700_000_000
    let expiration: UInt32 = 1_700_000_000 + 30 * 86_400

    var window: ValidityWindow { ValidityWindow(inception: inception, expiration: expiration) }

    @Test func bothEndsOfTheWindowAreInside() {
        #expect(window.position(at: Int64(inception), skew: .none) == .valid)
        #expect(window.position(at: Int64(expiration), skew: .none) == .valid)
    }

    @Test func aSecondBeforeInceptionIsNotYetValidAndASecondAfterExpirationIsExpired() {
        #expect(window.position(at: Int64(inception) - 1, skew: .none) == .notYetValid)
        #expect(window.position(at: Int64(expiration) + 1, skew: .none) == .expired)
    }

    @Test func skewIsATenthOfThePeriodBoundedByMaximum() {
        // 30 days / 10 = 3 days, above the default maximum of one day.
        let skew = SignatureSkew()
        #expect(skew.seconds(forPeriod: 30 * 86_400) == 86_400)
        #expect(window.position(at: Int64(expiration) + 86_400, skew: skew) == .valid)
        #expect(window.position(at: Int64(expiration) + 86_401, skew: skew) == .expired)
        #expect(window.position(at: Int64(inception) - 86_400, skew: skew) == .valid)
        #expect(window.position(at: Int64(inception) - 86_401, skew: skew) == .notYetValid)
    }

    @Test func aShortPeriodGetsAtLeastTheMinimumSkew() {
        let skew = SignatureSkew(divisor: 10, minimum: 3600, maximum: 86_400)
        #expect(skew.seconds(forPeriod: 10_000) == 3600)
        #expect(skew.seconds(forPeriod: 100_000) == 10_000)
        let short = ValidityWindow(inception: inception, expiration: inception + 10_000)
        #expect(short.position(at: Int64(inception) + 10_000 + 3600, skew: skew) == .valid)
        #expect(short.position(at: Int64(inception) + 10_000 + 3601, skew: skew) == .expired)
    }

    @Test func aWindowAcrossThe2106WrapIsReadInSerialArithmetic() {
        let wrapping = ValidityWindow(inception: 0xFFFF_FF00, expiration: 0x0000_1000)
        let afterWrap: Int64 = 0x1_0000_0010
        #expect(wrapping.position(at: afterWrap, skew: .none) == .valid)
        #expect(wrapping.position(at: 0xFFFF_FF80, skew: .none) == .valid)
        #expect(wrapping.position(at: 0xFFFF_FE00, skew: .none) == .notYetValid)
        #expect(wrapping.position(at: 0x1_0000_2000, skew: .none) == .expired)
        #expect(wrapping.secondsRemaining(at: afterWrap) == 0x1000 - 0x10)
    }

    @Test func anExpirationBeforeTheInceptionIsNeverValid() {
        let backwards = ValidityWindow(inception: expiration, expiration: inception)
        #expect(backwards.position(at: Int64(inception) + 10, skew: SignatureSkew()) == .expiredBeforeValid)
    }

    @Test func serialDistanceIsSignedAndWraps() {
        #expect(ValidityWindow.serialDistance(from: 10, to: 20) == 10)
        #expect(ValidityWindow.serialDistance(from: 20, to: 10) == -10)
        #expect(ValidityWindow.serialDistance(from: 0xFFFF_FFF0, to: 0x10) == 0x20)
        #expect(ValidityWindow.serialDistance(from: 0, to: 0x8000_0000) < 0)
    }

    @Test func noSecondsRemainOnceExpired() {
        #expect(window.secondsRemaining(at: Int64(expiration) + 5) == 0)
        #expect(window.secondsRemaining(at: Int64(expiration) - 5) == 5)
    }
}

@Suite("RFC 4035 §5.3.1 through the validator: expired and not-yet-valid RRSIGs, and their EDE codes")
struct SignatureTimeTests {
    let key = Fixture.key(1)

    func outcome(inception: UInt32, expiration: UInt32, now: Int64, skew: SignatureSkew = .none) throws -> RRSetValidation {
        let rrset = try Fixture.rrset("www 3600 IN A 192.0.2.1")
        let rrsig = try Fixture.sign(rrset, with: key, signer: Name("example."), inception: inception, expiration: expiration)
        let validator = RRSIGValidator(crypto: FakeCrypto(), limits: ValidationLimits(skew: skew))
        var budget = ValidationBudget()
        return validator.validate(SignedRRSet(rrset, signatures: [rrsig]), zone: try Name("example."), keys: [key],
                                  now: now, budget: &budget)
    }

    @Test func justInsideTheWindowIsSecure() throws {
        #expect(try outcome(inception: 1000, expiration: 2000, now: 1000).verdict == .secure)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 2000).verdict == .secure)
    }

    @Test func justAfterExpirationIsSignatureExpired() throws {
        let result = try outcome(inception: 1000, expiration: 2000, now: 2001)
        #expect(result.verdict.extendedError?.code == .signatureExpired)
        #expect(result.verdict.reason?.text.contains("www.example.") == true)
    }

    @Test func justBeforeInceptionIsSignatureNotYetValid() throws {
        #expect(try outcome(inception: 1000, expiration: 2000, now: 999).verdict.extendedError?.code == .signatureNotYetValid)
    }

    @Test func skewAcceptsASignatureThatExpiredMomentsAgo() throws {
        // A tenth of the 1000-second period: 100 seconds, within 60…600.
        let skew = SignatureSkew(divisor: 10, minimum: 60, maximum: 600)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 2100, skew: skew).verdict == .secure)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 2101, skew: skew).verdict.isBogus)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 900, skew: skew).verdict == .secure)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 899, skew: skew).verdict.isBogus)
    }

    @Test func aSecureRRsetWithinTheSkewAfterExpirationGetsTTLZero() throws {
        let skew = SignatureSkew(divisor: 10, minimum: 60, maximum: 600)
        #expect(try outcome(inception: 1000, expiration: 2000, now: 2030, skew: skew).rrset.rrset.ttl == 0)
    }

    @Test func aSignatureAcrossThe2106WrapValidatesAfterTheWrap() throws {
        #expect(try outcome(inception: 0xFFFF_0000, expiration: 0x0001_0000, now: 0x1_0000_0100).verdict == .secure)
        #expect(try outcome(inception: 0xFFFF_0000, expiration: 0x0001_0000, now: 0x1_0002_0000).verdict.isBogus)
    }
}
