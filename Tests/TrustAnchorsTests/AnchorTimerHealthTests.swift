import DNSWire
import Testing
import TrustAnchors

@Suite("RFC 5011 §2.3 timers and anchor health")
struct AnchorTimerHealthTests {
    let keys: Vectors

    init() throws { keys = try Vectors() }

    func anchor(ttl: UInt32?, expiresIn: Int64?, now: Int64 = Vectors.t0) -> ManagedAnchor {
        var anchor = ManagedAnchor(initial: TrustAnchor(zone: Vectors.zone, keys: [AnchorKey(dnskey: keys.a)]), now: now)
        anchor.originalTTL = ttl
        anchor.signatureExpiration = expiresIn.map { now + $0 }
        return anchor
    }

    @Test func theActiveRefreshIsHalfTheSmallestOfTTLAndSignatureValidityCappedAtFifteenDays() {
        // RFC 5011 §2.3: "activeRefresh = MAX(1 hr, MIN(15 days, 1/2*OrigTTL, 1/2*MinimumSigExpiration))".
        let rfc = HoldDowns()
        #expect(anchor(ttl: 172_800, expiresIn: 10 * Vectors.day).activeRefreshInterval(timers: rfc, now: Vectors.t0) == 86_400)
        #expect(anchor(ttl: 604_800, expiresIn: 40 * Vectors.day).activeRefreshInterval(timers: rfc, now: Vectors.t0) == 302_400)
        #expect(anchor(ttl: 86_400 * 60, expiresIn: 90 * Vectors.day).activeRefreshInterval(timers: rfc, now: Vectors.t0) == 15 * 86_400)
        #expect(anchor(ttl: 100, expiresIn: 90 * Vectors.day).activeRefreshInterval(timers: rfc, now: Vectors.t0) == 3600)
        #expect(anchor(ttl: nil, expiresIn: nil).activeRefreshInterval(timers: rfc, now: Vectors.t0) == 3600)
    }

    @Test func theRetryIsATenthOfTheSmallestOfTTLAndSignatureValidityCappedAtOneDay() {
        // RFC 5011 §2.3: "retryTime = MAX (1 hour, MIN (1 day, .1 * OrigTTL, .1 * expireInterval))".
        let rfc = HoldDowns()
        #expect(anchor(ttl: 172_800, expiresIn: 10 * Vectors.day).retryInterval(timers: rfc, now: Vectors.t0) == 17_280)
        #expect(anchor(ttl: 172_800, expiresIn: 2 * Vectors.day).retryInterval(timers: rfc, now: Vectors.t0) == 17_280)
        #expect(anchor(ttl: 86_400 * 30, expiresIn: 30 * Vectors.day).retryInterval(timers: rfc, now: Vectors.t0) == 86_400)
        #expect(anchor(ttl: 3600, expiresIn: nil).retryInterval(timers: rfc, now: Vectors.t0) == 3600)
        #expect(anchor(ttl: nil, expiresIn: nil).retryInterval(timers: rfc, now: Vectors.t0) == 3600)
    }

    @Test func aLabWithShortHoldDownsGetsAFloorOfATenthOfTheShorterHoldDown() {
        // RFC 5011 §2.3: "... never more frequently than once per hour" — relaxed only for lab hold-downs.
        #expect(HoldDowns().timerFloor == 3600 && !HoldDowns().belowRFC)
        let lab = HoldDowns(addHoldDown: 60, delHoldDown: 120, keepMissing: 300)
        #expect(lab.timerFloor == 6 && lab.belowRFC && lab.maxRefreshAge == 60)
        #expect(HoldDowns(addHoldDown: 5, delHoldDown: 5).timerFloor == 1)
        #expect(HoldDowns(addHoldDown: 20 * 86_400, delHoldDown: 40 * 86_400).timerFloor == 3600)
        #expect(HoldDowns(keepMissing: 0).belowRFC == false)
        #expect(HoldDowns(keepMissing: 86_400).belowRFC)
        #expect(anchor(ttl: 100, expiresIn: nil).activeRefreshInterval(timers: lab, now: Vectors.t0) == 50)
        #expect(anchor(ttl: 3600, expiresIn: nil).retryInterval(timers: lab, now: Vectors.t0) == 360)
        #expect(anchor(ttl: 30, expiresIn: nil).retryInterval(timers: lab, now: Vectors.t0) == 6)
    }

    @Test func theNextRefreshComesAtTheRefreshTimerOrWhenAHoldDownEnds() throws {
        // RFC 5011 §2.3: "A resolver that has been configured for an automatic update of keys ... MUST query
        // that trust point ... at the active refresh time"; the lab hold-down of 60 s ends sooner.
        var rfc = Tracker(trusting: [AnchorKey(dnskey: keys.a)])
        try rfc.fetch("ab", atDay: 0)
        #expect(rfc.anchor.originalTTL == 3600)
        #expect(rfc.anchor.nextRefresh == Vectors.t0 + 3600, "½ of the 3600 s TTL, raised to the 1 h floor")
        _ = rfc.anchor.refreshFailed("no reply from any server", timers: rfc.timers, now: Vectors.t0 + 3600)
        #expect(rfc.anchor.nextRefresh == Vectors.t0 + 7200 && rfc.anchor.failures == 1)
        #expect(rfc.anchor.lastError == "no reply from any server" && rfc.anchor.lastAttempt == Vectors.t0 + 3600)

        var lab = Tracker(trusting: [AnchorKey(dnskey: keys.a)], timers: HoldDowns(addHoldDown: 60, delHoldDown: 60))
        let start = Vectors.t0
        _ = lab.fetch(try Vectors.set("ab"), at: start)
        #expect(lab.anchor.nextRefresh == start + 60, "the add hold-down ends before the 1800 s refresh")
        _ = lab.fetch(try Vectors.set("ab"), at: start + 30)
        #expect(lab.anchor.nextRefresh == start + 60)
        let outcome = lab.fetch(try Vectors.set("ab"), at: start + 60)
        #expect(outcome.changes.map(\.to) == [.valid])
        #expect(lab.anchor.nextRefresh == start + 60 + 1800)
        // A failure with the hold-down of a pending key already over never schedules a refresh in the past.
        var stuck = Tracker(trusting: [AnchorKey(dnskey: keys.a)], timers: HoldDowns(addHoldDown: 60, delHoldDown: 60))
        _ = stuck.fetch(try Vectors.set("ab"), at: start)
        _ = stuck.anchor.refreshFailed("timeout", timers: stuck.timers, now: start + 500)
        #expect(stuck.anchor.nextRefresh == start + 500 + 360)
    }

    @Test func healthIsOkForAFreshAnchorStaleAfterAnAddHoldDownWithoutSuccessAndBrokenWithAProblem() throws {
        // RFC 5011 §2.4.1: the add hold-down assumes the resolver looks at least that often; one that has not
        // cannot tell whether it missed a roll.
        let timers = HoldDowns()
        var fresh = anchor(ttl: nil, expiresIn: nil)
        #expect(fresh.health(timers: timers, now: Vectors.t0) == .ok)
        #expect(fresh.health(timers: timers, now: Vectors.t0 + 29 * Vectors.day).isUsable)
        #expect(fresh.health(timers: timers, now: Vectors.t0 + 31 * Vectors.day) == .stale(lastSuccess: nil))
        fresh.lastSuccess = Vectors.t0 + 10 * Vectors.day
        #expect(fresh.health(timers: timers, now: Vectors.t0 + 31 * Vectors.day) == .ok)
        let old = fresh.health(timers: timers, now: Vectors.t0 + 41 * Vectors.day)
        #expect(old == .stale(lastSuccess: Vectors.t0 + 10 * Vectors.day))
        #expect(old.text.contains("2030-01-11T00:00:00Z") && !old.isUsable)

        // A state file that sat unused: decoded, its last success long ago.
        let decoded = try AnchorStateFile.decode(AnchorStateFile.encode(fresh, now: Vectors.t0), fileName: "x.state")
        #expect(decoded.health(timers: timers, now: Vectors.t0 + 365 * Vectors.day) == .stale(lastSuccess: fresh.lastSuccess))

        var broken = fresh
        let problem = AnchorProblem.noTrustedSigner(signing: [4242], trusted: [keys.a.keyTag])
        broken.problem = problem
        #expect(broken.health(timers: timers, now: Vectors.t0 + 11 * Vectors.day) == .broken(problem))
        let text = broken.health(timers: timers, now: Vectors.t0).text
        #expect(text.contains("key 4242") && text.contains("key \(keys.a.keyTag)"))

        var empty = fresh
        empty.keys[0].state = .revoked
        #expect(empty.health(timers: timers, now: Vectors.t0 + 11 * Vectors.day) == .broken(.noTrustedKey))
    }
}
