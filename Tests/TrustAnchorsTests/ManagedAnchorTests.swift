import DNSCache
import DNSSEC
import DNSWire
import Testing
import TrustAnchors

@Suite("RFC 5011 key states through rolls, with real signatures and a manual clock")
struct ManagedAnchorTests {
    let keys: Vectors

    init() throws { keys = try Vectors() }

    @Test func aNormalRollTakesBThroughTheAddHoldDownAndRetiresARevokedA() throws {
        // RFC 5011 §2.4.1: "the resolver MUST NOT accept the new key as a trust anchor until the add hold-down
        // time has passed"; §2.1: "revocation is immediate and permanent upon receipt of a valid revocation";
        // §4.2 Revoked: "after the remove hold-down time, the resolver ... can remove the key".
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        var outcome = try tracker.fetch("a", atDay: 0)
        #expect(outcome.accepted && outcome.changes.isEmpty)
        #expect(tracker.state(keys.a) == .valid)

        outcome = try tracker.fetch("ab", atDay: 1)
        #expect(outcome.accepted)
        #expect(outcome.changes.map(\.to) == [.addPend])
        #expect(outcome.changes.first?.text == "key \(keys.b.keyTag) (ECDSAP256SHA256) of anchor.test. : START → ADDPEND new key seen; its add hold-down starts")
        #expect(tracker.state(keys.b) == .addPend)
        #expect(tracker.entry(keys.z) == nil, "a key without the SEP bit never becomes a trust anchor")
        #expect(tracker.trustedTags == [keys.a.keyTag])

        try tracker.fetch("ab", atDay: 15)
        #expect(tracker.state(keys.b) == .addPend)
        #expect(tracker.entry(keys.b)?.seenCount == 2)

        outcome = try tracker.fetch("ab", atDay: 31)
        #expect(outcome.changes.map(\.to) == [.valid])
        #expect(outcome.changes.first?.text.contains("ADDPEND → VALID after the add hold-down") == true)
        #expect(tracker.trustedTags == [keys.a.keyTag, keys.b.keyTag].sorted())

        outcome = try tracker.fetch("arevb-both", atDay: 32)
        #expect(outcome.accepted)
        #expect(outcome.changes.map(\.to) == [.revoked])
        let revoked = try #require(tracker.entry(keys.a))
        #expect(revoked.state == .revoked)
        #expect(revoked.keyTag == keys.aRevoked.keyTag && revoked.unrevokedKeyTag == keys.a.keyTag)
        #expect(revoked.keyTag != keys.a.keyTag, "RFC 5011 §6: the REVOKE bit changes the key tag")
        #expect(tracker.trustedTags == [keys.b.keyTag])

        outcome = try tracker.fetch("b", atDay: 33)
        #expect(outcome.accepted && outcome.changes.isEmpty)
        #expect(tracker.state(keys.a) == .revoked)

        outcome = try tracker.fetch("b", atDay: 62)
        #expect(outcome.changes.map(\.to) == [.removed])
        #expect(tracker.state(keys.a) == .removed)
        #expect(tracker.anchor.trustedAnchor.dnskeyRecords == [keys.b])
        #expect(tracker.anchor.health(timers: tracker.timers, now: tracker.now) == .ok)
    }

    @Test func aValidKeyThatDisappearsIsMissingButTrustedAndValidWhenItReturns() throws {
        // RFC 5011 §4.2: "Missing: This is an abnormal state. The key remains a valid trust point until
        // removed or revoked."
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a), AnchorKey(dnskey: keys.b)],
                              timers: HoldDowns(keepMissing: 10 * Vectors.day))
        try tracker.fetch("ab", atDay: 0)
        var outcome = try tracker.fetch("a", atDay: 1)
        #expect(outcome.changes.map(\.to) == [.missing])
        #expect(tracker.state(keys.b) == .missing)
        #expect(tracker.trustedTags == [keys.a.keyTag, keys.b.keyTag].sorted())
        outcome = try tracker.fetch("ab", atDay: 2)
        #expect(outcome.changes.map(\.from) == [.missing] && outcome.changes.map(\.to) == [.valid])

        // Missing for longer than keep-missing: removed (Unbound's keep-missing).
        try tracker.fetch("a", atDay: 3)
        outcome = try tracker.fetch("a", atDay: 13)
        #expect(outcome.changes.map(\.to) == [.removed])
        #expect(tracker.trustedTags == [keys.a.keyTag])
        // A removed key seen again is not added again.
        outcome = try tracker.fetch("ab", atDay: 14)
        #expect(outcome.changes.isEmpty && tracker.state(keys.b) == .removed)
    }

    @Test func aPendingKeyThatDisappearsIsForgottenAndStartsAgainWhenItReturns() throws {
        // RFC 5011 §4.2 AddPend: "KeyRem: The key has been removed from the DNSKEY RRSet... Go to Start."
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        try tracker.fetch("ab", atDay: 0)
        var outcome = try tracker.fetch("a", atDay: 20)
        #expect(outcome.changes.map(\.from) == [.addPend] && outcome.changes.map(\.to) == [.start])
        #expect(tracker.entry(keys.b) == nil)
        outcome = try tracker.fetch("ab", atDay: 31)
        #expect(outcome.changes.map(\.to) == [.addPend])
        #expect(tracker.entry(keys.b)?.firstSeen == tracker.now, "the add hold-down starts again")
        try tracker.fetch("ab", atDay: 40)
        #expect(tracker.state(keys.b) == .addPend)
    }

    @Test func aPendingKeyRevokedBeforeItsHoldDownEndsIsRevokedAndNeverTrusted() throws {
        // RFC 5011 §4.2 AddPend: "RevBit: The key has been seen with the REVOKE bit set... Go to Revoked."
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        try tracker.fetch("ab", atDay: 0)
        let outcome = try tracker.fetch("abrev", atDay: 10)
        #expect(outcome.accepted)
        #expect(outcome.changes.map(\.from) == [.addPend] && outcome.changes.map(\.to) == [.revoked])
        try tracker.fetch("ab", atDay: 35)
        #expect(tracker.state(keys.b) == .revoked, "a revoked key published again unrevoked stays revoked")
        #expect(tracker.trustedTags == [keys.a.keyTag])
    }

    @Test func aRevokedKeyThatDoesNotSignItselfIsIgnored() throws {
        // RFC 5011 §2.1: "a resolver ... sees a validly signed ... self-signed RRSet" — here A's revoked form is
        // published but signed only by B, so it proves nothing and A is merely missing.
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a), AnchorKey(dnskey: keys.b)])
        let outcome = try tracker.fetch("arevb-b", atDay: 0)
        #expect(outcome.accepted)
        #expect(outcome.changes.map(\.to) == [.missing])
        #expect(tracker.state(keys.a) == .missing)
        #expect(tracker.entry(keys.a)?.dnskey == keys.a)
        #expect(tracker.trustedTags == [keys.a.keyTag, keys.b.keyTag].sorted())
    }

    @Test func aForgedKeyInASetThatDoesNotValidateChangesNothing() throws {
        // RFC 5011 §2.2: a new key is added only when seen "in a validly signed DNSKEY RRSet" (signed by a
        // current trust anchor).
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        try tracker.fetch("a", atDay: 0)
        let before = tracker.anchor.keys
        var forged = try Vectors.set("a")
        forged.rrset.rdatas.append(.dnskey(keys.b))
        var outcome = tracker.fetch(forged, at: Vectors.t0 + Vectors.day)
        #expect(!outcome.accepted && outcome.changes.isEmpty)
        #expect(outcome.message?.contains("does not validate") == true)
        #expect(tracker.anchor.keys == before)
        #expect(tracker.anchor.problem == .noTrustedSigner(signing: [keys.a.keyTag], trusted: [keys.a.keyTag]))
        #expect(tracker.anchor.failures == 1)
        #expect(tracker.anchor.lastSuccess == Vectors.t0)

        // A set signed by an untrusted key only: the operator is told which key signs and which is trusted.
        outcome = try tracker.fetch("b", atDay: 2)
        #expect(!outcome.accepted)
        #expect(tracker.anchor.problem == .noTrustedSigner(signing: [keys.b.keyTag], trusted: [keys.a.keyTag]))
        #expect(tracker.anchor.failures == 2)
        let health = tracker.anchor.health(timers: tracker.timers, now: tracker.now)
        #expect(!health.isUsable)
        #expect(health.text.contains("\(keys.b.keyTag)") && health.text.contains("\(keys.a.keyTag)"))

        // A validating set clears the problem.
        outcome = try tracker.fetch("a", atDay: 3)
        #expect(outcome.accepted && tracker.anchor.problem == nil && tracker.anchor.failures == 0)
    }

    @Test func anInitialDSAnchorBecomesTheDNSKEYItMatches() throws {
        // RFC 5011 §2 works on DNSKEYs; an initial DS anchor (RFC 4035 §4.4) is matched to its key first.
        var tracker = Tracker(trusting: [AnchorKey(ds: keys.aDS)])
        #expect(tracker.anchor.keys.first?.dnskey == nil)
        #expect(tracker.anchor.trustedAnchor.dsRecords == [keys.aDS])
        let outcome = try tracker.fetch("ab", atDay: 0)
        #expect(outcome.accepted)
        let entry = try #require(tracker.entry(keys.a))
        #expect(entry.state == .valid && entry.ds == keys.aDS && entry.dnskey == keys.a)
        #expect(tracker.anchor.trustedAnchor.dnskeyRecords == [keys.a])
        #expect(tracker.state(keys.b) == .addPend)

        // A DS and a DNSKEY configured for the same key become one entry.
        var both = Tracker(trusting: [AnchorKey(ds: keys.aDS), AnchorKey(dnskey: keys.a)])
        try both.fetch("a", atDay: 0)
        #expect(both.anchor.keys.count == 1)
        #expect(both.anchor.keys.first?.ds == keys.aDS && both.anchor.keys.first?.dnskey == keys.a)
    }

    @Test func aMisOrderedRollRevokesTheOnlyTrustedKeyAndLeavesNothingToTrust() throws {
        // RFC 5011 §2.1: "revocation is immediate and permanent upon receipt of a valid revocation", and the
        // revoked key may not be used "for any other purpose except to validate the RRSIG it signed over the
        // DNSKEY RRset specifically for the purpose of validating the revocation".
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        try tracker.fetch("ab", atDay: 0)
        var outcome = try tracker.fetch("arevb-arev", atDay: 10)
        #expect(!outcome.accepted)
        #expect(outcome.changes.map(\.from) == [.valid] && outcome.changes.map(\.to) == [.revoked])
        #expect(tracker.anchor.problem == .noTrustedKey)
        #expect(tracker.anchor.health(timers: tracker.timers, now: tracker.now) == .broken(.noTrustedKey))
        #expect(tracker.state(keys.b) == .addPend)

        // Long after B's add hold-down: nothing validates any more, so B never becomes VALID.
        for day: Int64 in [31, 45, 60] {
            outcome = try tracker.fetch("arevb-both", atDay: day)
            #expect(!outcome.accepted)
            outcome = try tracker.fetch("b", atDay: day)
            #expect(!outcome.accepted)
        }
        #expect(tracker.state(keys.b) == .addPend)
        #expect(tracker.anchor.trustedAnchor.keys.isEmpty)
        #expect(tracker.anchor.health(timers: tracker.timers, now: tracker.now).text.contains("no trusted key"))
    }

    @Test func aSetForAnotherZoneIsNotActedOn() throws {
        // RFC 5011 §2.2 concerns "the DNSKEY RRSet" at the trust point itself.
        var tracker = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        var other = try Vectors.set("a")
        other.rrset.name = try Name("other.test.")
        let outcome = tracker.fetch(other, at: Vectors.t0)
        #expect(!outcome.accepted && tracker.anchor.failures == 1)
    }
}
