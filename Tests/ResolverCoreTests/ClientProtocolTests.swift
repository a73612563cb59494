import DNSCache
import DNSWire
import Testing
@testable import ResolverCore

/// What the front end answers before and after resolution, checked on the wire bytes.
@Suite struct ClientProtocolTests {
    let protocolHandler = ClientProtocol(maxUDPSize: 1232)
    let question = Question(name: (try? Name("www.Example.test.")) ?? .root, type: .txt)

    func query(id: UInt16 = 0x1234, opcode: Opcode = .query, questions: [Question]? = nil, edns: EDNS? = nil,
               cd: Bool = false) throws -> [UInt8] {
        try Message(header: Header(id: id, opcode: opcode, recursionDesired: true, checkingDisabled: cd),
                    questions: questions ?? [question], edns: edns).encode()
    }

    func decoded(_ decision: ClientProtocol.Decision) throws -> Message {
        guard case let .reply(bytes) = decision else {
            Issue.record("expected an immediate reply, got \(decision)")
            throw CancellationError()
        }
        return try Message(wire: bytes)
    }

    @Test func aPlainQueryIsAcceptedWithTheClassicUDPLimit() throws {
        guard case let .resolve(request) = protocolHandler.decide(try query(), overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        #expect(request.id == 0x1234)
        #expect(request.question.name.isIdentical(to: question.name))
        #expect(request.udpLimit == 512)
        #expect(!request.usesEDNS)
    }

    @Test func ednsPayloadSizeIsCappedByMaxUDPSize() throws {
        guard case let .resolve(request) = protocolHandler.decide(try query(edns: EDNS(udpPayloadSize: 4096, dnssecOK: true)), overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        #expect(request.udpLimit == 1232)
        #expect(request.dnssecOK)
    }

    @Test func garbageAfterAHeaderGetsFORMERR() throws {
        var bytes = try query()
        bytes.append(contentsOf: [0xFF, 0xFF, 0xFF])
        let reply = try decoded(protocolHandler.decide(bytes, overTCP: false))
        #expect(reply.rcode == .formErr)
        #expect(reply.header.id == 0x1234)
        #expect(reply.header.isResponse)
    }

    @Test func fewerThanTwelveOctetsAreDropped() {
        #expect(protocolHandler.decide([0x12, 0x34, 0x01], overTCP: false) == .drop)
    }

    @Test func responsesAreNeverAnswered() throws {
        var bytes = try query()
        bytes[2] |= 0x80
        #expect(protocolHandler.decide(bytes, overTCP: false) == .drop)
    }

    @Test func otherOpcodesGetNOTIMP() throws {
        let reply = try decoded(protocolHandler.decide(try query(opcode: .notify), overTCP: false))
        #expect(reply.rcode == .notImp)
    }

    @Test func twoQuestionsGetFORMERR() throws {
        let reply = try decoded(protocolHandler.decide(try query(questions: [question, question]), overTCP: false))
        #expect(reply.rcode == .formErr)
    }

    @Test func unknownEDNSVersionGetsBADVERSWithVersionZero() throws {
        let reply = try decoded(protocolHandler.decide(try query(edns: EDNS(version: 1)), overTCP: false))
        #expect(reply.rcode == .badVers)
        #expect(reply.edns?.version == 0)
    }

    @Test func zoneTransfersAreRefused() throws {
        let axfr = Question(name: question.name, type: .axfr)
        let reply = try decoded(protocolHandler.decide(try query(questions: [axfr]), overTCP: true))
        #expect(reply.rcode == .refused)
    }

    @Test func refusalCarriesTheProhibitedExtendedError() throws {
        let bytes = try #require(protocolHandler.refusal(try query(edns: EDNS())))
        let reply = try Message(wire: bytes)
        #expect(reply.rcode == .refused)
        #expect(reply.edns?.extendedErrors.first?.code == .prohibited)
    }

    func bigAnswer() throws -> Answer {
        let strings = (0..<10).map { index in [UInt8](repeating: UInt8(ascii: "a") + UInt8(index), count: 200) }
        let rrset = RRSet(name: question.name, type: .txt, ttl: 60, rdatas: strings.map { .txt([$0]) })
        return Answer(question: question, rcode: .noError, answer: [SignedRRSet(rrset)])
    }

    @Test func answerLargerThanTheClientLimitIsTruncatedOverUDPAndWholeOverTCP() throws {
        guard case let .resolve(request) = protocolHandler.decide(try query(edns: EDNS(udpPayloadSize: 4096)), overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        let udp = try Message(wire: protocolHandler.response(to: request, answer: try bigAnswer(), overTCP: false))
        #expect(udp.header.isTruncated)
        #expect(udp.answers.isEmpty)
        #expect(udp.edns != nil)
        let tcp = try Message(wire: protocolHandler.response(to: request, answer: try bigAnswer(), overTCP: true))
        #expect(!tcp.header.isTruncated)
        #expect(tcp.answers.count == 10)
    }

    @Test func responseEchoesIDQuestionCaseRDAndCDAndSetsRA() throws {
        guard case let .resolve(request) = protocolHandler.decide(try query(cd: true), overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        let rrset = RRSet(name: question.name, type: .txt, ttl: 60, rdatas: [.txt([[0x61]])])
        let reply = try Message(wire: protocolHandler.response(to: request, answer: Answer(question: question, rcode: .noError, answer: [SignedRRSet(rrset)]), overTCP: false))
        #expect(reply.header.id == 0x1234)
        #expect(reply.header.recursionDesired && reply.header.recursionAvailable && reply.header.checkingDisabled)
        #expect(!reply.header.isAuthoritative)
        #expect(reply.question?.name.isIdentical(to: question.name) == true)
        #expect(reply.edns == nil)
    }

    @Test func signaturesGoOnlyToClientsThatSetDO() throws {
        let rrset = RRSet(name: question.name, type: .txt, ttl: 60, rdatas: [.txt([[0x61]])])
        let signature = RRSIG(typeCovered: .txt, algorithm: .ecdsaP256SHA256, labels: 3, originalTTL: 60, expiration: 2,
                              inception: 1, keyTag: 7, signerName: try Name("example.test."), signature: [1, 2, 3])
        let answer = Answer(question: question, rcode: .noError, answer: [SignedRRSet(rrset, signatures: [signature])])
        for dnssecOK in [false, true] {
            guard case let .resolve(request) = protocolHandler.decide(try query(edns: EDNS(dnssecOK: dnssecOK)), overTCP: false) else {
                Issue.record("not accepted")
                return
            }
            let reply = try Message(wire: protocolHandler.response(to: request, answer: answer, overTCP: false))
            #expect(reply.answers.contains { $0.type == .rrsig } == dnssecOK)
        }
    }

    @Test func servfailCarriesTheExtendedErrorToEDNSClients() throws {
        guard case let .resolve(request) = protocolHandler.decide(try query(edns: EDNS()), overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        let answer = Answer.servFail(question, .noReachableAuthority, "no reachable authority for zone test.")
        let reply = try Message(wire: protocolHandler.response(to: request, answer: answer, overTCP: false))
        #expect(reply.rcode == .servFail)
        #expect(reply.edns?.extendedErrors == [ExtendedDNSError(code: .noReachableAuthority, text: "no reachable authority for zone test.")])
    }

    @Test func keepaliveIsAnsweredOverTCPOnly() throws {
        let asking = try query(edns: EDNS(options: [.tcpKeepalive(timeout: nil)]))
        guard case let .resolve(tcp) = protocolHandler.decide(asking, overTCP: true),
              case let .resolve(udp) = protocolHandler.decide(asking, overTCP: false) else {
            Issue.record("not accepted")
            return
        }
        let answer = Answer(question: question, rcode: .nxDomain)
        let overTCP = try Message(wire: protocolHandler.response(to: tcp, answer: answer, overTCP: true))
        #expect(overTCP.edns?.options.contains(.tcpKeepalive(timeout: 300)) == true)
        let overUDP = try Message(wire: protocolHandler.response(to: udp, answer: answer, overTCP: false))
        #expect(overUDP.edns?.options.contains { $0.code == .tcpKeepalive } == false)
    }

    func decided(_ bytes: [UInt8]) throws -> ClientRequest {
        guard case let .resolve(request) = protocolHandler.decide(bytes, overTCP: false) else { throw CancellationError() }
        return request
    }

    func securedAnswer(_ security: AnswerSecurity) -> Answer {
        let rrset = RRSet(name: question.name, type: .txt, ttl: 60, rdatas: [.txt([[0x61]])])
        return Answer(question: question, rcode: .noError, answer: [SignedRRSet(rrset)], security: security)
    }

    @Test func secureAnswersCarryADOnlyForClientsThatAskWithADOrDO() throws {
        var withAD = try query()
        withAD[3] |= 0x20
        let plain = try Message(wire: protocolHandler.response(to: try decided(try query()), answer: securedAnswer(.secure), overTCP: false))
        let asked = try Message(wire: protocolHandler.response(to: try decided(withAD), answer: securedAnswer(.secure), overTCP: false))
        let dnssec = try Message(wire: protocolHandler.response(to: try decided(try query(edns: EDNS(dnssecOK: true))),
                                                                 answer: securedAnswer(.secure), overTCP: false))
        #expect(!plain.header.authenticData)
        #expect(asked.header.authenticData)
        #expect(dnssec.header.authenticData)
    }

    @Test func insecureAnswersNeverCarryAD() throws {
        var withAD = try query()
        withAD[3] |= 0x20
        let reply = try Message(wire: protocolHandler.response(to: try decided(withAD), answer: securedAnswer(.insecure), overTCP: false))
        #expect(!reply.header.authenticData)
        #expect(reply.answers.count == 1)
    }

    @Test func bogusAnswersAreServfailWithTheirErrorUnlessCheckingIsDisabled() throws {
        let error = ExtendedDNSError(code: .signatureExpired, text: "expired")
        let refused = try Message(wire: protocolHandler.response(to: try decided(try query(edns: EDNS())),
                                                                  answer: securedAnswer(.bogus(error)), overTCP: false))
        #expect(refused.rcode == .servFail)
        #expect(refused.answers.isEmpty)
        #expect(refused.edns?.extendedErrors == [error])
        let unchecked = try Message(wire: protocolHandler.response(to: try decided(try query(edns: EDNS(), cd: true)),
                                                                    answer: securedAnswer(.bogus(error)), overTCP: false))
        #expect(unchecked.rcode == .noError)
        #expect(unchecked.answers.count == 1)
        #expect(!unchecked.header.authenticData)
    }
}
