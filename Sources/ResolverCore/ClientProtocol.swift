import DNSCache
import DNSWire

/// A client's question, accepted for resolution, with what is needed to answer it.
public struct ClientRequest: Sendable, Equatable {
    /// The question exactly as the client sent it (its case is echoed back).
    public var question: Question
    public var id: UInt16
    public var recursionDesired: Bool
    public var checkingDisabled: Bool
    /// The client sent an OPT record (RFC 6891): the response carries one too.
    public var usesEDNS: Bool
    /// DO: the client wants RRSIGs and proofs (RFC 3225).
    public var dnssecOK: Bool
    /// AD in the query: the client understands the AD bit (RFC 6840 §5.7).
    public var authenticData: Bool = false
    /// The largest response that may be sent back over UDP.
    public var udpLimit: Int
    /// The client asked for the TCP idle timeout (RFC 7828 §3.2.1).
    public var wantsKeepalive: Bool
}

/// How client messages are judged before resolution and how answers are put into responses.
///
/// - RFC 1035 §4.1.1 / RFC 9619: only QUERY with exactly one question is resolved; other opcodes get NOTIMP,
///   other question counts FORMERR. Messages with QR=1 are never answered (no loops between resolvers).
/// - RFC 6891 §6.1.3: an unknown EDNS version gets BADVERS with our version 0 in the OPT record.
/// - RFC 6891 §6.2.5 / RFC 1035 §4.2.1: a UDP response fits the client's advertised payload size (512 without
///   EDNS) and never more than `maxUDPSize`; a larger one is truncated (TC=1) so the client asks over TCP.
/// - RFC 4035 §3.2.1: RRSIG records go to clients that set DO.
/// - RFC 8914: an Extended DNS Error goes to clients that use EDNS.
public struct ClientProtocol: Sendable {
    /// `max-udp-size`: the most octets sent in one UDP response, whatever the client advertises.
    public var maxUDPSize: UInt16
    /// `minimal-responses`: positive answers carry only the answer section.
    public var minimalResponses: Bool
    /// The TCP idle timeout, told to clients that ask (RFC 7828), in milliseconds.
    public var tcpIdleTimeout: UInt64

    public init(maxUDPSize: UInt16 = 4096, minimalResponses: Bool = true, tcpIdleTimeout: UInt64 = 30_000) {
        self.maxUDPSize = maxUDPSize
        self.minimalResponses = minimalResponses
        self.tcpIdleTimeout = tcpIdleTimeout
    }

    /// `trustanchor.`, asked in class CH for the trust-anchor report (as Unbound's `trustanchor.unbound`).
    static let trustAnchorName = (try? Name("trustanchor.")) ?? .root

    public enum Decision: Sendable, Equatable {
        case resolve(ClientRequest)
        /// Answer at once with these octets (an error response).
        case reply([UInt8])
        /// Say nothing: not even a header could be read, or the message is itself a response.
        case drop
    }

    /// Judge a client's message.
    public func decide(_ bytes: [UInt8], overTCP: Bool) -> Decision {
        guard let header = Message.peekHeader(bytes), !header.isResponse else { return .drop }
        let message: Message
        do {
            message = try Message(wire: bytes)
        } catch {
            return errorReply(header: header, question: nil, rcode: .formErr, edns: nil)
        }
        guard message.header.opcode == .query else {
            return errorReply(header: header, question: message.question, rcode: .notImp, edns: message.edns)
        }
        guard let question = message.question else {
            return errorReply(header: header, question: nil, rcode: .formErr, edns: message.edns)
        }
        if let edns = message.edns, edns.version != 0 {
            return errorReply(header: header, question: question, rcode: .badVers, edns: edns)
        }
        // Class CH is answered for one name only: `trustanchor.` TXT, the resolver's own trust-anchor report.
        let anchorReport = question.rrClass == .ch && question.type == .txt && question.name == ClientProtocol.trustAnchorName
        if question.type == .axfr || question.type == .ixfr || (question.rrClass != .in && !anchorReport) {
            return errorReply(header: header, question: question, rcode: .refused, edns: message.edns)
        }
        if question.type.isMetaType, question.type != .any {
            return errorReply(header: header, question: question, rcode: .formErr, edns: message.edns)
        }
        let keepalive = message.edns?.options.contains { $0.code == .tcpKeepalive } ?? false
        let limit = overTCP ? 65535 : min(Int(maxUDPSize), message.edns?.effectivePayloadSize ?? 512)
        return .resolve(ClientRequest(question: question, id: header.id, recursionDesired: header.recursionDesired,
                                      checkingDisabled: header.checkingDisabled, usesEDNS: message.edns != nil,
                                      dnssecOK: message.edns?.dnssecOK ?? false, authenticData: header.authenticData,
                                      udpLimit: limit, wantsKeepalive: keepalive && overTCP))
    }

    /// REFUSED for a client that access control turns away (it still learns why, RFC 8914 Prohibited).
    public func refusal(_ bytes: [UInt8]) -> [UInt8]? {
        guard let header = Message.peekHeader(bytes), !header.isResponse else { return nil }
        let message = try? Message(wire: bytes)
        guard case let .reply(octets) = errorReply(header: header, question: message?.question, rcode: .refused,
                                                  edns: message?.edns, ede: ExtendedDNSError(code: .prohibited)) else { return nil }
        return octets
    }

    /// The response to `request` carrying `answer`, encoded within the size the transport allows.
    public func response(to request: ClientRequest, answer: Answer, overTCP: Bool) -> [UInt8] {
        var answer = answer
        var authentic = false
        switch answer.security {
        case let .bogus(error) where !request.checkingDisabled:
            // RFC 4035 §5.5: bogus data is never given out; RFC 8914 says why.
            answer = Answer(question: answer.question, rcode: .servFail,
                            extendedError: error ?? ExtendedDNSError(code: .dnssecBogus))
        case .secure:
            // RFC 6840 §5.7: AD only for clients that show they understand it (AD or DO in the query).
            authentic = request.authenticData || request.dnssecOK
        default:
            break
        }
        var message = Message(header: Header(id: request.id, isResponse: true, opcode: .query,
                                             recursionDesired: request.recursionDesired, recursionAvailable: true,
                                             authenticData: authentic, checkingDisabled: request.checkingDisabled),
                              rcode: answer.rcode, questions: [request.question])
        func records(_ sets: [SignedRRSet]) -> [Record] {
            sets.flatMap { request.dnssecOK ? $0.records : $0.rrset.records }
        }
        message.answers = records(answer.answer)
        if !(minimalResponses && answer.rcode == .noError && !answer.answer.isEmpty) {
            message.authority = records(answer.authority)
        } else if request.dnssecOK {
            // RFC 4035 §3.1.3.3: a wildcard answer carries the proof that no closer name exists.
            message.authority = records(answer.authority.filter { $0.rrset.type == .nsec || $0.rrset.type == .nsec3 })
        }
        if request.usesEDNS {
            var edns = EDNS(udpPayloadSize: maxUDPSize, dnssecOK: request.dnssecOK)
            if let error = answer.extendedError { edns.options.append(.extendedError(error)) }
            if request.wantsKeepalive { edns.options.append(.tcpKeepalive(timeout: UInt16(clamping: tcpIdleTimeout / 100))) }
            message.edns = edns
        }
        return encode(message, limit: overTCP ? 65535 : request.udpLimit)
    }

    private func errorReply(header: Header, question: Question?, rcode: RCode, edns: EDNS?, ede: ExtendedDNSError? = nil) -> Decision {
        var reply = Message(header: Header(id: header.id, isResponse: true, opcode: header.opcode,
                                           recursionDesired: header.recursionDesired, recursionAvailable: true,
                                           checkingDisabled: header.checkingDisabled),
                            rcode: rcode, questions: question.map { [$0] } ?? [])
        if let edns {
            var ours = EDNS(udpPayloadSize: maxUDPSize, dnssecOK: edns.dnssecOK)
            if let ede { ours.options.append(.extendedError(ede)) }
            reply.edns = ours
        }
        let limit = min(Int(maxUDPSize), edns?.effectivePayloadSize ?? 512)
        return .reply(encode(reply, limit: limit))
    }

    /// Encode within `limit`; if even that fails (it cannot for valid data), a bare SERVFAIL header.
    private func encode(_ message: Message, limit: Int) -> [UInt8] {
        if let (bytes, _) = try? message.encode(maxSize: limit) { return bytes }
        var fallback = Message(header: message.header, rcode: .servFail, questions: message.questions)
        fallback.header.isTruncated = false
        return (try? fallback.encode()) ?? []
    }
}
