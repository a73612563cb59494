import DNSCache
import DNSWire
import Testing
@testable import ResolverCore

/// `num-queries-per-thread` with jostling (the hardening issue, item 2; Unbound's rule): a worker resolves at
/// most so many client questions at once; when full, a question older than `jostle-timeout` gives its place
/// to the new one, otherwise the new one is turned away — both answered SERVFAIL at once, never left hanging.
@Suite struct JostleTests {
    static let root = ServerAddress(.v4(IPv4Address(192, 0, 2, 1)))

    /// A resolver whose one root server never answers, so that every question stays in flight.
    func resolver(limit: Int, jostle: UInt64) throws -> Resolver {
        var configuration = ResolverConfiguration()
        configuration.prime = false
        configuration.qnameMinimisation = false
        configuration.limits.maxClientResolutions = limit
        configuration.limits.jostleTimeout = jostle
        let hints = RootHints(servers: [.init(name: try Name("ns.root."), addresses: [Self.root.ip])])
        return Resolver(configuration: configuration, rootHints: hints, cache: ResolverCache(), random: .seeded(3))
    }

    func answers(_ actions: [ResolverAction]) -> [(ClientQueryID, Answer)] {
        actions.compactMap { if case let .answer(client, answer) = $0 { (client, answer) } else { nil } }
    }

    @Test func aFullWorkerTurnsAwayNewQuestionsWhileTheOldOnesAreYoung() throws {
        let resolver = try resolver(limit: 3, jostle: 200)
        var now = Moment(wall: 1_893_456_000, monotonic: 1_000_000_000_000)
        for index in 1...3 {
            let actions = resolver.handle(.query(ClientQueryID(UInt64(index)), Question(name: try Name("n\(index).test."), type: .a)), at: now)
            #expect(answers(actions).isEmpty, "question \(index) is resolved, not answered at once")
        }
        now = now.adding(milliseconds: 50)
        let full = resolver.handle(.query(ClientQueryID(4), Question(name: try Name("n4.test."), type: .a)), at: now)
        let turnedAway = try #require(answers(full).first)
        #expect(turnedAway.0 == ClientQueryID(4))
        #expect(turnedAway.1.rcode == .servFail)
        #expect(turnedAway.1.extendedError?.text.contains("num-queries-per-thread (3) full") == true)
        #expect(resolver.statistics.turnedAwayFull == 1)
        #expect(full.contains { if case let .log(entry) = $0 { entry.level == .warning } else { false } })
        // A duplicate of a question in flight joins it and costs no place.
        let joined = resolver.handle(.query(ClientQueryID(5), Question(name: try Name("N1.test."), type: .a)), at: now)
        #expect(answers(joined).isEmpty)
    }

    @Test func anOldQuestionGivesItsPlaceToANewOne() throws {
        let resolver = try resolver(limit: 2, jostle: 200)
        var now = Moment(wall: 1_893_456_000, monotonic: 1_000_000_000_000)
        _ = resolver.handle(.query(ClientQueryID(1), Question(name: try Name("old.test."), type: .a)), at: now)
        now = now.adding(milliseconds: 100)
        _ = resolver.handle(.query(ClientQueryID(2), Question(name: try Name("younger.test."), type: .a)), at: now)
        now = now.adding(milliseconds: 150)
        let actions = resolver.handle(.query(ClientQueryID(3), Question(name: try Name("new.test."), type: .a)), at: now)
        let answered = answers(actions)
        #expect(answered.count == 1)
        #expect(answered.first?.0 == ClientQueryID(1), "the oldest (250 ms) is jostled out, not the 150 ms one")
        #expect(answered.first?.1.rcode == .servFail)
        #expect(answered.first?.1.extendedError?.text.contains("gave its place") == true)
        #expect(resolver.statistics.jostledOut == 1)
        // Its upstream queries are cancelled, and the new question is being resolved.
        #expect(actions.contains { if case .cancel = $0 { true } else { false } })
        #expect(actions.contains { if case let .send(query) = $0 { query.message.question?.name == (try? Name("new.test.")) } else { false } })
        #expect(resolver.activeResolutions == 2)
    }
}
