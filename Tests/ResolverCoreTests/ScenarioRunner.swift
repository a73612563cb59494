@testable import DNSWire
import DNSCache
@testable import ResolverCore

/// Drives a `Resolver` through a scenario with scripted servers and a manual clock: every upstream query is
/// answered by its server's script at once, or times out after the query's timeout when nothing comes back.
struct ScenarioRunner {
    let scenario: Scenario
    let resolver: Resolver
    var now = Moment(wall: 1_780_000_000, monotonic: 1_000_000_000_000)
    /// Upstream queries sent since the last client query, in order.
    var sent: [UpstreamQuery] = []
    var answers: [Answer] = []
    private var outstanding: [UpstreamQuery] = []
    private var nextClient: UInt64 = 1
    /// Queries each lossy server still drops.
    private var lossesLeft: [IPAddress: Int] = [:]
    /// The last query was held: the next one adds to the same log.
    private var holding = false
    /// When the resolver asked to be woken (`wakeAfter`), monotonic milliseconds.
    private var wakeAt: UInt64?
    /// When the last client query was asked, and when each answer came (monotonic milliseconds).
    private var askedAt: UInt64 = 0
    private var answeredAt: [UInt64] = []
    /// Queries the resolver cancelled.
    private var cancelled: Set<QueryToken> = []

    init(_ scenario: Scenario) throws {
        self.scenario = scenario
        var cacheConfiguration = CacheConfiguration()
        for (key, value) in scenario.cacheConfigurationLines {
            guard let number = UInt32(value) else { throw ScenarioError(file: scenario.name, line: 0, message: "\(key) needs a number") }
            switch key {
            case "cache-min-ttl": cacheConfiguration.minTTL = number
            case "cache-max-ttl": cacheConfiguration.maxTTL = number
            case "cache-max-negative-ttl": cacheConfiguration.maxNegativeTTL = number
            default: cacheConfiguration.maxBytes = Int(number)
            }
        }
        let hints = scenario.hints.isEmpty ? RootHints.iana : try RootHints(records: scenario.hints)
        resolver = Resolver(configuration: scenario.configuration, rootHints: hints,
                            cache: ResolverCache(configuration: cacheConfiguration), random: .seeded(20326))
        for (server, rtt) in scenario.knownRTTs {
            resolver.infrastructure.recordRTT(rtt, for: server, at: now.milliseconds)
        }
    }

    private func failure(_ line: Int, _ message: String) -> ScenarioError {
        ScenarioError(file: scenario.name, line: line, message: message)
    }

    mutating func run() throws {
        for step in scenario.steps {
            switch step {
            case let .query(question, hold, _):
                if !holding {
                    sent = []
                    answers = []
                    answeredAt = []
                    askedAt = now.milliseconds
                }
                holding = hold
                take(resolver.handle(.query(ClientQueryID(nextClient), question), at: now))
                nextClient += 1
                if !hold { try deliver() }
            case let .time(seconds, _):
                now = now.adding(milliseconds: UInt64(seconds) * 1000)
            case let .expectRCode(rcode, line):
                guard let answer = answers.last else { throw failure(line, "no answer yet") }
                guard answer.rcode == rcode else { throw failure(line, "rcode \(answer.rcode), expected \(rcode); \(describe(answer))") }
            case let .expectAnswer(records, line):
                guard let answer = answers.last else { throw failure(line, "no answer yet") }
                try compare(answer.answer, records, "answer", line, answer)
            case let .expectAuthority(records, line):
                guard let answer = answers.last else { throw failure(line, "no answer yet") }
                try compare(answer.authority, records, "authority", line, answer)
            case let .expectSent(server, question, transport, edns, line):
                guard !sent.isEmpty else { throw failure(line, "expected a query \(question) to \(server.map(\.description) ?? "*"), none was sent") }
                let query = sent.removeFirst()
                let asked = query.message.question
                if let server, query.server != server || asked?.name != question.name || asked?.type != question.type {
                    throw failure(line, "sent \(asked.map(\.description) ?? "?") to \(query.server), expected \(question) to \(server)")
                }
                if server == nil, asked?.name != question.name || asked?.type != question.type {
                    throw failure(line, "sent \(asked.map(\.description) ?? "?"), expected \(question)")
                }
                if let transport, query.transport != transport {
                    throw failure(line, "sent over \(query.transport), expected \(transport)")
                }
                if let edns, query.message.edns?.udpPayloadSize != edns {
                    throw failure(line, "EDNS size \(query.message.edns.map { String($0.udpPayloadSize) } ?? "none"), expected \(edns.map(String.init) ?? "none")")
                }
            case let .expectSentCount(count, line):
                guard sent.count == count else {
                    throw failure(line, "\(sent.count) more queries were sent, expected \(count): \(sent.map { "\($0.message.question.map(\.description) ?? "?") → \($0.server)" })")
                }
            case let .expectEDE(code, line):
                guard let answer = answers.last else { throw failure(line, "no answer yet") }
                guard answer.extendedError?.code.rawValue == code else {
                    throw failure(line, "EDE \(answer.extendedError.map { "\($0.code.rawValue) \($0.text)" } ?? "none"), expected \(code)")
                }
            case let .expectEDEText(words, line):
                guard let answer = answers.last else { throw failure(line, "no answer yet") }
                guard let text = answer.extendedError?.text, text.contains(words) else {
                    throw failure(line, "EDE text '\(answer.extendedError?.text ?? "none")' lacks '\(words)'")
                }
            case let .expectWithin(limit, line):
                guard let at = answeredAt.last else { throw failure(line, "no answer yet") }
                guard at - askedAt <= limit else { throw failure(line, "answered after \(at - askedAt) ms, expected at most \(limit)") }
            case let .expectAnswers(count, line):
                guard answers.count == count else { throw failure(line, "\(answers.count) client answers, expected \(count)") }
                if let first = answers.first, answers.contains(where: { $0 != first }) { throw failure(line, "client answers differ") }
            case let .expectUnmatched(count, line):
                guard resolver.statistics.unmatchedReplies == count else {
                    throw failure(line, "\(resolver.statistics.unmatchedReplies) unmatched replies, expected \(count)")
                }
            }
        }
    }

    private mutating func take(_ actions: [ResolverAction]) {
        for action in actions {
            switch action {
            case let .send(query):
                sent.append(query)
                outstanding.append(query)
            case let .answer(_, answer):
                answers.append(answer)
                answeredAt.append(now.milliseconds)
            case let .wakeAfter(milliseconds):
                wakeAt = now.milliseconds + milliseconds
            case let .cancel(token):
                cancelled.insert(token)
            case .wakeUp, .saveAnchor, .log:
                // Scenarios run without managed anchors; AnchorRefreshTests drive these.
                break
            }
        }
    }

    /// Answer every outstanding query from the scripts until the resolver is quiet.
    private mutating func deliver() throws {
        var deliveries = 0
        while !outstanding.isEmpty {
            deliveries += 1
            guard deliveries < 10_000 else { throw failure(0, "resolver did not become quiet") }
            let query = outstanding.removeFirst()
            if cancelled.contains(query.token) { continue }
            var lost = false
            if let remaining = lossesLeft[query.server.ip] ?? scenario.servers[query.server.ip]?.lose, remaining > 0 {
                lossesLeft[query.server.ip] = remaining - 1
                lost = true
            }
            let server = scenario.servers[query.server.ip]
            if query.transport == .tcp, let server, server.tcpTimeout || server.tcpRefused {
                if server.tcpRefused {
                    now = now.adding(milliseconds: 1)
                    take(resolver.handle(.connectFailed(query.token, .connectRefused), at: now))
                } else if wait(query.connectTimeout, for: query) {
                    take(resolver.handle(.connectFailed(query.token, .connectTimedOut), at: now))
                }
                continue
            }
            guard !lost, let server, let reply = server.reply(to: query.message, over: query.transport) else {
                if wait(query.timeout, for: query) { take(resolver.handle(.timeout(query.token), at: now)) }
                continue
            }
            now = now.adding(milliseconds: 10)
            if server.spoofID {
                var forged = reply
                forged.header.id ^= 0x5A5A
                take(resolver.handle(.reply(query.token, from: query.server, forged), at: now))
            }
            if server.spoofQuestion, let asked = reply.question, let other = try? asked.name.prepending(Array("forged".utf8)) {
                var forged = reply
                forged.questions = [Question(name: other, type: asked.type, rrClass: asked.rrClass)]
                forged.answers = forged.answers.map { var record = $0; record.name = other; return record }
                take(resolver.handle(.reply(query.token, from: query.server, forged), at: now))
            }
            take(resolver.handle(.reply(query.token, from: query.server, reply), at: now))
            // A reply the resolver did not accept leaves the query waiting: its timer still fires.
            if resolver.pending[query.token] != nil, wait(query.timeout, for: query) {
                take(resolver.handle(.timeout(query.token), at: now))
            }
        }
    }

    /// Let `milliseconds` pass while `query` waits, waking the resolver on the way if it asked to be; true
    /// when the query is still waiting at the end (its timer fires), false when the resolver dropped it.
    private mutating func wait(_ milliseconds: UInt64, for query: UpstreamQuery) -> Bool {
        let end = now.milliseconds + milliseconds
        while let wake = wakeAt, wake <= end {
            wakeAt = nil
            now = now.adding(milliseconds: wake > now.milliseconds ? wake - now.milliseconds : 0)
            take(resolver.handle(.wake, at: now))
            if resolver.pending[query.token] == nil { return false }
        }
        now = now.adding(milliseconds: end - now.milliseconds)
        return true
    }

    private func compare(_ got: [SignedRRSet], _ expected: [Record], _ section: String, _ line: Int, _ answer: Answer) throws {
        let have = Set(got.flatMap(\.records))
        let want = Set(expected)
        guard have == want else {
            throw failure(line, "\(section) section differs;\n got: \(got.flatMap(\.records).map(\.text))\n expected: \(expected.map(\.text))")
        }
    }

    private func describe(_ answer: Answer) -> String {
        "answer \(answer.answer.flatMap(\.records).map(\.text)) authority \(answer.authority.flatMap(\.records).map(\.text)) ede \(answer.extendedError.map { "\($0.code.rawValue) \($0.text)" } ?? "none")"
    }
}
