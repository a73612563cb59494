import DNSCache
import DNSCrypto
import DNSSEC
import DNSWire
import Foundation
import Testing
import TrustAnchors
@testable import ResolverCore

/// The core's time vocabulary and RFC 5011 driving, with no socket and no clock: a wake-up starts a refresh
/// (a DNSKEY query for the managed anchor's zone that no client waits for, plus its RFC 8145 signal), the
/// scripted server's reply goes through the RFC 5011 tracker, and the core answers with the state to save, the
/// lines to log and the next wake-up. The DNSKEY RRsets are the TrustAnchorsTests fixtures (BIND-signed).
@Suite struct AnchorRefreshTests {
    static let zone = (try? Name("anchor.test.")) ?? .root
    static let server = ServerAddress(.v4(IPv4Address(192, 0, 2, 53)))
    /// 2030-01-01, inside the fixtures' signature validity (2020–2040).
    static let t0: Int64 = 1_893_456_000

    /// The signed DNSKEY RRset of `Tests/TrustAnchorsTests/Fixtures/<name>.zone`.
    static func fixture(_ name: String) throws -> [Record] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TrustAnchorsTests/Fixtures")
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).zone"), encoding: .utf8)
        return try ZoneFile.parse(text, fileName: name)
    }

    static func key(_ flags: UInt16, in name: String) throws -> DNSKEY {
        let keys = try fixture(name).compactMap { record -> DNSKEY? in
            if case let .dnskey(key) = record.rdata, key.flags == flags { return key } else { return nil }
        }
        return try #require(keys.first)
    }

    /// A resolver whose root hint is the one scripted server, managing anchor.test. from key A.
    final class Harness {
        let resolver: Resolver
        let board: AnchorBoard
        var now = Moment(wall: AnchorRefreshTests.t0, monotonic: 5_000_000_000_000)
        var saved: [ManagedAnchor] = []
        var logged: [LogEntry] = []
        var wakeUps: [Int64] = []
        var sent: [UpstreamQuery] = []

        init(timers: HoldDowns = HoldDowns(addHoldDown: 600, delHoldDown: 600, keepMissing: 0), signaling: Bool = true) throws {
            var configuration = ResolverConfiguration()
            configuration.qnameMinimisation = false
            configuration.prime = false
            let hints = RootHints(servers: [.init(name: (try? Name("ns.root.")) ?? .root, addresses: [AnchorRefreshTests.server.ip])])
            let a = try AnchorRefreshTests.key(257, in: "a")
            let initial = ManagedAnchor(initial: TrustAnchor(zone: AnchorRefreshTests.zone, keys: [AnchorKey(dnskey: a)]),
                                        now: AnchorRefreshTests.t0)
            let board = AnchorBoard(store: TrustAnchorStore(), managed: [initial], timers: timers)
            self.board = board
            resolver = Resolver(configuration: configuration, rootHints: hints, cache: ResolverCache(),
                                validator: Validator(crypto: OpenSSLCrypto()) { board.keys(for: $0) },
                                random: .seeded(5011))
            resolver.anchorBoard = board
            resolver.anchorManager = AnchorManager(anchors: [initial], timers: timers, signaling: signaling, board: board,
                                                   now: AnchorRefreshTests.t0)
        }

        func take(_ actions: [ResolverAction]) {
            for action in actions {
                switch action {
                case let .send(query): sent.append(query)
                case let .saveAnchor(anchor): saved.append(anchor)
                case let .log(entry): logged.append(entry)
                case let .wakeUp(at): wakeUps.append(at)
                case .answer, .wakeAfter, .cancel: break
                }
            }
        }

        /// Wake the core at `wall` (monotonic time moves on as much).
        func wake(at wall: Int64) {
            now = Moment(wall: wall, monotonic: now.monotonic + UInt64(max(0, wall - now.wall)) * 1_000_000_000)
            take(resolver.handle(.wake, at: now))
        }

        /// Answer every DNSKEY query sent so far with `records` (authoritative); drop the key-tag signals.
        func answerDNSKEY(with records: [Record]) {
            let queries = sent
            sent = []
            for query in queries {
                guard let question = query.message.question else { continue }
                var reply = Message(header: Header(id: query.message.header.id, isResponse: true, isAuthoritative: true),
                                    questions: [question])
                if question.type == .dnskey { reply.answers = records } else { reply.rcode = .nxDomain }
                take(resolver.handle(.reply(query.token, from: query.server, reply), at: now))
            }
        }

        /// Let every query sent so far time out, again and again until the resolver gives up.
        func timeOutEverything() {
            var rounds = 0
            while !sent.isEmpty, rounds < 100 {
                rounds += 1
                let queries = sent
                sent = []
                for query in queries {
                    now = now.adding(milliseconds: query.timeout)
                    take(resolver.handle(.timeout(query.token), at: now))
                }
            }
        }

        var state: ManagedAnchor? { board.snapshot.managed[AnchorRefreshTests.zone] }
        func stateOf(_ tag: UInt16) -> ManagedKeyState? { state?.keys.first { $0.keyTag == tag }?.state }
    }

    // RFC 5011 §2.3: "A resolver that has been configured for an automatic update of keys from a particular
    // trust point MUST query that trust point (e.g., do a lookup for the DNSKEY RRSet and related RRSIG records)
    // no less often than the lesser of 15 days, half the original TTL for the DNSKEY RRSet, or half the RRSIG
    // expiration interval and no more often than once per hour."
    @Test func aWakeUpRefreshesAndAsksForTheNextOne() throws {
        let harness = try Harness()
        harness.wake(at: Self.t0)
        let refresh = try #require(harness.sent.first { $0.message.question?.type == .dnskey })
        #expect(refresh.message.question?.name == Self.zone)
        #expect(refresh.server == Self.server)
        #expect(refresh.message.edns?.dnssecOK == true, "the refresh needs the RRSIGs")

        harness.answerDNSKEY(with: try Self.fixture("a"))
        let saved = try #require(harness.saved.last)
        #expect(saved.lastSuccess == Self.t0)
        #expect(saved.failures == 0)
        // The fixtures' DNSKEY TTL is 3600 s: half of it, above the 60 s floor of 600 s hold-downs.
        #expect(harness.wakeUps.last == Self.t0 + 1800)
        #expect(harness.logged.allSatisfy { $0.level != .error })
        // Nothing is asked again before the timer.
        harness.wake(at: Self.t0 + 100)
        #expect(harness.sent.isEmpty)
        harness.wake(at: Self.t0 + 1800)
        #expect(harness.sent.contains { $0.message.question?.type == .dnskey })
    }

    // RFC 5011 §2.3: the refresh must see the zone's current DNSKEY RRset, so a cached copy is not an answer.
    @Test func aRefreshAsksTheServersEvenWithTheRRsetCached() throws {
        let harness = try Harness()
        harness.wake(at: Self.t0)
        harness.answerDNSKEY(with: try Self.fixture("a"))
        harness.wake(at: Self.t0 + 1800)
        #expect(harness.sent.contains { $0.message.question?.type == .dnskey && $0.message.question?.name == Self.zone })
    }

    // RFC 8145 §5.1: "the QNAME is "_ta-" followed by ... key tags ... in four hexadecimal digits, ... sorted in
    // ascending order ... separated by hyphens", QTYPE NULL, under the trust anchor's zone.
    @Test func eachRefreshSendsAKeyTagSignal() throws {
        let harness = try Harness()
        let a = try Self.key(257, in: "a")
        harness.wake(at: Self.t0)
        let signal = try #require(harness.sent.first { $0.message.question?.type == .null })
        let hex = String(a.keyTag, radix: 16)
        let expected = try Name("_ta-" + String(repeating: "0", count: 4 - hex.count) + hex + ".anchor.test.")
        #expect(signal.message.question?.name.isIdentical(to: expected) == true)

        let quiet = try Harness(signaling: false)
        quiet.wake(at: Self.t0)
        #expect(!quiet.sent.contains { $0.message.question?.type == .null })
    }

    // RFC 5011 §2.4.1 through the core: a new key is trusted only after the add hold-down, and from then on by
    // every validator reading the board.
    @Test func aNewKeyBecomesTrustedForTheValidatorAfterTheHoldDown() throws {
        let harness = try Harness()
        let b = try Self.key(257, in: "b")
        harness.wake(at: Self.t0)
        harness.answerDNSKEY(with: try Self.fixture("ab"))
        #expect(harness.stateOf(b.keyTag) == .addPend)
        #expect(harness.board.keys(for: Self.zone)?.dnskeys.contains(b) == false)
        #expect(harness.logged.contains { $0.level == .notice && $0.message.contains("\(b.keyTag)") })

        var wall = Self.t0
        for _ in 0..<20 where harness.stateOf(b.keyTag) != .valid {
            wall = try #require(harness.wakeUps.last)
            harness.wake(at: wall)
            harness.answerDNSKEY(with: try Self.fixture("ab"))
        }
        #expect(harness.stateOf(b.keyTag) == .valid)
        #expect(wall >= Self.t0 + 600, "not before the add hold-down")
        #expect(wall <= Self.t0 + 600 + 60, "the core wakes when the hold-down ends, not a refresh interval later")
        #expect(harness.board.keys(for: Self.zone)?.dnskeys.contains(b) == true)
        #expect(harness.saved.last?.keys.first { $0.keyTag == b.keyTag }?.state == .valid)
    }

    // RFC 5011 §2.3: "If the query fails, the resolver MUST repeat the query until satisfied no more often than
    // once an hour and no less often than the lesser of 1 day, 10% of the original TTL, or 10% of the original
    // expiration interval."  The operator is told, once, at warning level.
    @Test func aFailedRefreshIsRetriedAndLoggedOnce() throws {
        let harness = try Harness()
        harness.wake(at: Self.t0)
        harness.timeOutEverything()
        let saved = try #require(harness.saved.last)
        #expect(saved.failures == 1)
        #expect(saved.lastSuccess == nil)
        let retry = try #require(harness.wakeUps.last)
        #expect(retry > harness.now.wall && retry <= harness.now.wall + 60)
        #expect(harness.logged.filter { $0.level == .warning }.count == 1, "\(harness.logged)")
        // The anchor is still usable: a failed refresh is no reason to distrust the keys.
        #expect(harness.board.keys(for: Self.zone)?.problem == nil)

        harness.wake(at: retry)
        harness.timeOutEverything()
        #expect(harness.saved.last?.failures == 2)
        #expect(harness.logged.filter { $0.level == .warning }.count == 1, "the same failure is not logged again at once: \(harness.logged)")
    }

    // RFC 5011 §2.1 / the managed-anchor issue: a DNSKEY RRset no trusted key signs is not acted on, and names
    // below the anchor become bogus with a reason that names the signing and the trusted keys — never unvalidated.
    @Test func aSetSignedOnlyByAnUntrustedKeyBreaksTheAnchorLoudly() throws {
        let harness = try Harness()
        let a = try Self.key(257, in: "a")
        let b = try Self.key(257, in: "b")
        harness.wake(at: Self.t0)
        harness.answerDNSKEY(with: try Self.fixture("b"))
        #expect(harness.stateOf(b.keyTag) == nil, "a key from an unvalidated set is not even pending")
        #expect(harness.stateOf(a.keyTag) == .valid)
        let problem = try #require(harness.board.keys(for: Self.zone)?.problem)
        #expect(problem.text.contains("\(b.keyTag)") && problem.text.contains("\(a.keyTag)"))
        let errors = harness.logged.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("anchor.test.") == true)

        // A set signed by A again clears it, and says so.
        let retry = try #require(harness.wakeUps.last)
        harness.wake(at: retry)
        harness.answerDNSKEY(with: try Self.fixture("a"))
        #expect(harness.board.keys(for: Self.zone)?.problem == nil)
        #expect(harness.logged.contains { $0.level == .notice && $0.message.contains("usable again") })
    }

    // Unbound's trustanchor.unbound, here trustanchor. CH TXT: the keys and their states.
    @Test func trustAnchorCHTXTReportsTheKeys() throws {
        let harness = try Harness()
        let a = try Self.key(257, in: "a")
        let question = Question(name: try Name("trustanchor."), type: .txt, rrClass: .ch)
        let actions = harness.resolver.handle(.query(ClientQueryID(1), question), at: harness.now)
        guard case let .answer(_, answer)? = actions.first else {
            Issue.record("no answer")
            return
        }
        #expect(answer.rcode == .noError)
        let texts = answer.answer.flatMap(\.rrset.rdatas).compactMap { rdata -> String? in
            if case let .txt(strings) = rdata { return strings.map { String(decoding: $0, as: UTF8.self) }.joined() } else { return nil }
        }
        #expect(texts.contains { $0.hasPrefix("anchor.test. \(a.keyTag) ECDSAP256SHA256 VALID since 2030-01-01T00:00:00Z") })
        #expect(answer.answer.first?.rrset.rrClass == .ch)

        let other = harness.resolver.handle(.query(ClientQueryID(2), Question(name: try Name("version.bind."), type: .txt, rrClass: .ch)),
                                            at: harness.now)
        guard case let .answer(_, refused)? = other.first else {
            Issue.record("no answer")
            return
        }
        #expect(refused.rcode == .refused)
    }

    // RFC 8509 §2: "root-key-sentinel-is-ta-<key-tag>" and "root-key-sentinel-not-ta-<key-tag>", key tag as
    // five decimal digits, label compared case-insensitively.
    @Test func sentinelLabels() throws {
        #expect(RootKeySentinel(try Name("root-key-sentinel-is-ta-20326.example.")) == RootKeySentinel(isTA: true, keyTag: 20326))
        #expect(RootKeySentinel(try Name("ROOT-KEY-SENTINEL-NOT-TA-38696.example.")) == RootKeySentinel(isTA: false, keyTag: 38696))
        #expect(RootKeySentinel(try Name("root-key-sentinel-is-ta-02032.example."))?.keyTag == 2032)
        #expect(RootKeySentinel(try Name("root-key-sentinel-is-ta-2032.example.")) == nil, "four digits")
        #expect(RootKeySentinel(try Name("root-key-sentinel-is-ta-70000.example.")) == nil, "above 65535")
        #expect(RootKeySentinel(try Name("root-key-sentinel-is-ta-2032x.example.")) == nil)
        #expect(RootKeySentinel(try Name("www.root-key-sentinel-is-ta-20326.example.")) == nil, "only the first label")
        #expect(RootKeySentinel(try Name("www.example.")) == nil)
    }
}
