import DNSWire
import Testing
@testable import ResolverCore

/// The transport policy for one query to one server, without sockets.
@Suite struct ExchangeTests {
    let fresh = InfrastructureCache.ServerState(timeout: 376, expires: 1_000)

    func reply(truncated: Bool = false, rcode: RCode = .noError, edns: Bool = true) -> Message {
        Message(header: Header(id: 1, isResponse: true, isTruncated: truncated), rcode: rcode,
                edns: edns ? EDNS() : nil)
    }

    @Test func firstAttemptIsUDPWithTheConfiguredEDNSSize() {
        let exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.firstAttempt == Exchange.Attempt(transport: .udp, ednsSize: 4096, timeout: 376))
    }

    @Test func truncatedUDPReplyIsRetriedOverTCP() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.handle(.reply(reply(truncated: true))) == .send(.init(transport: .tcp, ednsSize: 4096, timeout: 3000)))
        let final = reply()
        #expect(exchange.handle(.reply(final)) == .done(final))
        #expect(exchange.learned == nil)
    }

    @Test func udpTimeoutAboveTheFallbackSizeIsRetriedAtOnceAtTheFallbackSize() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.handle(.timeout) == .send(.init(transport: .udp, ednsSize: 1232, timeout: 376)))
        #expect(exchange.handle(.reply(reply(truncated: true))) == .send(.init(transport: .tcp, ednsSize: 1232, timeout: 3000)))
        _ = exchange.handle(.reply(reply()))
        #expect(exchange.learned == Exchange.Learned(ednsSize: 1232, tcpOnly: false, noEDNS: false))
    }

    @Test func secondUDPTimeoutFailsTheExchange() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        _ = exchange.handle(.timeout)
        #expect(exchange.handle(.timeout) == .failed(.timeout))
    }

    @Test func timeoutAtTheFallbackSizeAlreadyFailsAtOnce() {
        var known = fresh
        known.workingEDNSSize = 1232
        var exchange = Exchange(server: known, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.firstAttempt.ednsSize == 1232)
        #expect(exchange.handle(.timeout) == .failed(.timeout))
    }

    @Test func formErrWithoutOPTIsRetriedWithoutEDNSAndRemembered() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.handle(.reply(reply(rcode: .formErr, edns: false))) == .send(.init(transport: .udp, ednsSize: nil, timeout: 376)))
        _ = exchange.handle(.reply(reply(edns: false)))
        #expect(exchange.learned?.noEDNS == true)
    }

    @Test func tcpOnlyServerStartsOverTCPWithTheLongerTCPTimeout() {
        var known = fresh
        known.tcpOnly = true
        let attempt = Exchange(server: known, ednsSize: 4096, fallbackSize: 1232).firstAttempt
        #expect(attempt.transport == .tcp)
        #expect(attempt.timeout == Exchange.minimumTCPTimeout)
    }

    @Test func networkErrorFailsTheExchange() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.handle(.networkError) == .failed(.networkError))
    }

    @Test func aLostLargeAnswerThatArrivesAtTheFallbackSizeIsObserved() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        _ = exchange.handle(.timeout)
        _ = exchange.handle(.reply(reply(truncated: true)))
        #expect(exchange.takeObservations() == [.udpLostAbove(1232), .truncated])
        #expect(exchange.takeObservations().isEmpty)
    }

    @Test func aTCPConnectThatTimesOutFailsTheExchangeAndSaysHow() {
        var exchange = Exchange(server: fresh, ednsSize: 4096, fallbackSize: 1232)
        _ = exchange.handle(.reply(reply(truncated: true)))
        #expect(exchange.handle(.connectFailed(.connectTimedOut)) == .failed(.tcp(.connectTimedOut)))
        #expect(exchange.takeObservations() == [.truncated, .tcpFailed(.connectTimedOut)])
    }

    @Test func aTruncatedReplyFromAServerWhoseTCPFailedFailsAtOnce() {
        var known = fresh
        known.tcpFailure = .connectRefused
        var exchange = Exchange(server: known, ednsSize: 4096, fallbackSize: 1232)
        #expect(exchange.handle(.reply(reply(truncated: true))) == .failed(.truncatedWithoutTCP))
        #expect(exchange.takeObservations() == [.truncated, .truncatedWithoutTCP(.connectRefused)])
    }

    @Test func aTCPConnectIsGivenAtMostOneAndAHalfSeconds() {
        #expect(Exchange.connectTimeout(udpTimeout: 50) == 750)
        #expect(Exchange.connectTimeout(udpTimeout: 300) == 1_200)
        #expect(Exchange.connectTimeout(udpTimeout: 1_500) == 1_500)
    }
}

/// Round-trip times, backoff and lameness per server address.
@Suite struct InfrastructureCacheTests {
    let server = ServerAddress(.v4(IPv4Address(192, 0, 2, 1)))
    let other = ServerAddress(.v4(IPv4Address(192, 0, 2, 2)))

    @Test func unknownServerStartsWellUnderOneSecond() {
        let cache = InfrastructureCache()
        #expect(cache.state(of: server, at: 0).timeout == 376)
    }

    @Test func measuredRTTSetsTheTimeoutBySmoothedRTTAndVariance() {
        var cache = InfrastructureCache()
        cache.recordRTT(100, for: server, at: 0)
        // RFC 6298: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR.
        #expect(cache.state(of: server, at: 0).timeout == 300)
        cache.recordRTT(100, for: server, at: 1)
        #expect(cache.state(of: server, at: 1).timeout == 250)
    }

    @Test func aMonotonicClockSteppingBackNeitherTrapsNorPoisonsTheEstimate() {
        var cache = InfrastructureCache()
        cache.recordRTT(100, for: server, at: 0)
        cache.recordTimeout(for: server, at: 0)
        // Sent at 10 ms, "received" at 5 ms: the sample wraps to 2^64 − 5.
        cache.recordRTT(5 &- 10, for: server, at: 5)
        let state = cache.state(of: server, at: 5)
        #expect(state.smoothedRTT == 100, "a wrapped sample is left out")
        #expect(state.consecutiveTimeouts == 0, "the reply still ends the run of timeouts")
        cache.recordRTT(UInt64(Int64.max), for: other, at: 5)
        #expect(cache.state(of: other, at: 5).timeout == cache.configuration.maximumTimeout)
    }

    @Test func timeoutsDoubleTheTimeoutUpToTheMaximum() {
        var cache = InfrastructureCache()
        cache.recordTimeout(for: server, at: 0)
        #expect(cache.state(of: server, at: 0).timeout == 752)
        for _ in 0..<20 { cache.recordTimeout(for: server, at: 0) }
        #expect(cache.state(of: server, at: 0).timeout == cache.configuration.maximumTimeout)
    }

    @Test func aTCPFailureIsRememberedUntilItsTTLAndForgottenWhenTCPWorks() {
        var cache = InfrastructureCache()
        cache.recordTCP(.connectTimedOut, for: server, at: 0)
        #expect(cache.state(of: server, at: 1).tcpFailure == .connectTimedOut)
        #expect(cache.state(of: server, at: cache.configuration.failureTTL).tcpFailure == nil)
        cache.recordTCP(.connectRefused, for: server, at: 10)
        cache.recordTCP(nil, for: server, at: 20)
        #expect(cache.state(of: server, at: 21).tcpFailure == nil)
    }

    @Test func aLostSizeLowersTheWorkingSize() {
        var cache = InfrastructureCache()
        cache.recordLostAbove(1232, for: server, at: 0)
        #expect(cache.state(of: server, at: 1).workingEDNSSize == 1232)
    }

    @Test func aServerSilentThreeTimesInARowIsUnreachableUntilItsHoldDownPasses() {
        var cache = InfrastructureCache()
        cache.recordTimeout(for: server, at: 0)
        cache.recordTimeout(for: server, at: 0)
        #expect(!cache.isUnreachable(server, at: 1))
        cache.recordTimeout(for: server, at: 100)
        #expect(cache.isUnreachable(server, at: 101))
        #expect(!cache.isUnreachable(server, at: 100 + cache.configuration.silentHoldDown))
        // One reply and it is a server like any other again.
        cache.recordRTT(20, for: server, at: 200)
        #expect(!cache.isUnreachable(server, at: 201))
    }

    @Test func learnedStateExpires() {
        var cache = InfrastructureCache()
        cache.recordWorkingPath(for: server, ednsSize: 1232, tcpOnly: false, at: 0)
        #expect(cache.state(of: server, at: 10).workingEDNSSize == 1232)
        #expect(cache.state(of: server, at: cache.configuration.hostTTL + 1).workingEDNSSize == nil)
    }

    @Test func lameIsPerZoneAndExpires() throws {
        var cache = InfrastructureCache()
        let zone = try Name("example.")
        cache.markLame(server, for: zone, at: 0)
        #expect(cache.isLame(server, for: zone, at: 1))
        #expect(!cache.isLame(server, for: .root, at: 1))
        #expect(!cache.isLame(server, for: zone, at: cache.configuration.lameTTL + 1))
    }

    @Test func selectionPrefersTheFasterServerOutsideTheBand() {
        var cache = InfrastructureCache()
        cache.recordRTT(10, for: server, at: 0)
        cache.recordRTT(2000, for: other, at: 0)
        var random = ResolverRandom.seeded(1)
        for _ in 0..<50 {
            #expect(cache.select(from: [other, server], at: 0, using: &random) == server)
        }
    }

    @Test func selectionSpreadsOverServersWithinTheBand() {
        let cache = InfrastructureCache()
        var random = ResolverRandom.seeded(2)
        let picks = Set((0..<50).compactMap { _ in cache.select(from: [server, other], at: 0, using: &random) })
        #expect(picks == [server, other])
    }
}
