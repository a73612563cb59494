import DNSCache
import DNSWire
import FuzzSupport
import ResolverCore

/// A client's datagram or TCP frame through the front end's judgement, in three configurations. Whatever comes
/// back is a response (QR=1) with the query's ID that decodes, within the size the transport allows; a question
/// accepted for resolution and answered with the records the input carries (as the resolver would give them,
/// in every security state) also gives such a response.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClient(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = fuzzInput(start, count)
    let header = Message.peekHeader(bytes)
    let carried = try? Message(wire: bytes)
    for front in configurations {
        if let refusal = front.refusal(bytes) {
            checkReply(refusal, to: header, limit: Int(front.maxUDPSize), what: "refusal")
        }
        for overTCP in [false, true] {
            switch front.decide(bytes, overTCP: overTCP) {
            case .drop:
                require(header == nil || header?.isResponse == true, "a query was dropped")
            case let .reply(octets):
                checkReply(octets, to: header, limit: Int(front.maxUDPSize), what: "error reply")
            case let .resolve(request):
                require(carried?.question == request.question, "resolving another question than the one asked")
                require(overTCP || request.udpLimit <= Int(front.maxUDPSize), "UDP limit above max-udp-size")
                respond(front, request, carried, overTCP: overTCP)
            }
        }
    }
    return 0
}

let configurations = [
    ClientProtocol(),
    ClientProtocol(maxUDPSize: 512, minimalResponses: false, tcpIdleTimeout: 120_000),
    ClientProtocol(maxUDPSize: 1232, minimalResponses: true, tcpIdleTimeout: 0),
]

func checkReply(_ octets: [UInt8], to header: Header?, limit: Int, what: String) {
    require(octets.count <= max(limit, 512), "\(what) of \(octets.count) octets over the limit \(limit)")
    guard let reply = try? Message(wire: octets) else {
        require(false, "\(what) does not decode")
        return
    }
    require(reply.header.isResponse, "\(what) without QR")
    require(reply.header.id == header?.id, "\(what) with another ID")
}

func respond(_ front: ClientProtocol, _ request: ClientRequest, _ carried: Message?, overTCP: Bool) {
    let records = (carried?.answers ?? []) + (carried?.authority ?? [])
    let answerSets = SignedRRSet.group(carried?.answers ?? [])
    let authoritySets = SignedRRSet.group(carried?.authority ?? [])
    let error = ExtendedDNSError(code: .dnssecBogus, text: "fuzz")
    let states: [AnswerSecurity] = [.unvalidated, .indeterminate, .insecure, .secure, .bogus(nil), .bogus(error)]
    for (index, security) in states.enumerated() {
        let rcode = index % 2 == 0 ? (carried?.rcode ?? .noError) : .noError
        let answer = Answer(question: request.question, rcode: rcode, answer: answerSets, authority: authoritySets,
                            extendedError: index == 2 ? error : nil, security: security)
        let octets = front.response(to: request, answer: answer, overTCP: overTCP)
        let limit = overTCP ? 65535 : request.udpLimit
        require(octets.count <= limit, "response of \(octets.count) octets over the limit \(limit)")
        guard let reply = try? Message(wire: octets) else {
            require(false, "response does not decode (\(security), \(records.count) records)")
            return
        }
        require(reply.header.isResponse && reply.header.id == request.id, "response without QR or with another ID")
        require(reply.questions == [request.question], "response does not echo the question")
        require(request.usesEDNS == (reply.edns != nil), "EDNS in the response does not follow the query")
        if case .bogus = security, !request.checkingDisabled {
            require(reply.rcode == .servFail && reply.answers.isEmpty, "bogus data given out")
        }
        if reply.header.authenticData {
            require(security == .secure, "AD on an answer that is not secure")
        }
        if !request.dnssecOK {
            require(!(reply.answers + reply.authority).contains { $0.type == .rrsig }, "RRSIGs to a client without DO")
        }
    }
}

@_cdecl("FuzzClient_main")
public func fuzzClientMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzClient)
}
