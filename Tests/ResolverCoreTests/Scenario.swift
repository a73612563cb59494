@testable import DNSWire
@testable import ResolverCore

/// A replay scenario: scripted authoritative servers, client queries, expectations, and time passing.
///
/// The text format is line based, `;` starts a comment, records are zone-file lines:
///
///     config qname-minimisation no          ; a resolver option (see `Scenario.apply`)
///     hints                                 ; root hints, zone-file text, up to `end`
///     . 3600 NS a.root.test.
///     a.root.test. 3600 A 10.0.0.1
///     end
///     server 10.0.0.1 [option …]            ; a scripted server: silent, udp-drop-above N, udp-max N,
///                                           ;   spoof-id, spoof-question, lowercase-question, lose N,
///                                           ;   tcp-timeout (SYNs dropped), tcp-refused (RST)
///     on example. NS [subdomain]            ; an entry: the first whose question matches answers
///     reply AA NXDOMAIN                     ; header flags (AA, TC, RA) and rcode
///     answer | authority | additional       ; the section the following records go to
///     example. 3600 NS ns.example.
///     end                                   ; ends the server
///     query www.example. A [hold]           ; a client question; `hold` queues it without running
///     expect rcode NOERROR
///     expect answer                         ; the records expected in the answer (order-free), to `end`
///     …
///     end
///     expect sent 10.0.0.1 www.example. A [tcp] [edns N] [noedns]
///                                           ; the next upstream query since the last `query`
///     expect sent-count N | expect ede N | expect answers N | expect unmatched N
///     expect ede-text SOME WORDS            ; the last answer's EDE text contains these words
///     expect within N                       ; the last answer came at most N ms after its query
///     time +N                               ; let N seconds pass (both clocks)
///     rtt 192.0.2.1 20                      ; the resolver has measured this server at 20 ms
struct Scenario {
    var name: String
    var configuration = ResolverConfiguration()
    var cacheConfigurationLines: [(String, String)] = []
    var hints: [Record] = []
    var servers: [IPAddress: ScriptedServer] = [:]
    /// Round-trip times the resolver already knows at the start (`rtt ADDRESS MS`), to fix server order.
    var knownRTTs: [(ServerAddress, UInt64)] = []
    var steps: [Step] = []

    enum Step {
        case query(Question, hold: Bool, line: Int)
        case expectRCode(RCode, line: Int)
        case expectAnswer([Record], line: Int)
        case expectAuthority([Record], line: Int)
        case expectSent(ServerAddress?, Question, transport: Exchange.Transport?, edns: UInt16??, line: Int)
        case expectSentCount(Int, line: Int)
        case expectEDE(UInt16, line: Int)
        case expectAnswers(Int, line: Int)
        case expectUnmatched(Int, line: Int)
        case expectEDEText(String, line: Int)
        case expectWithin(UInt64, line: Int)
        case time(Int64, line: Int)
    }
}

/// An authoritative server that answers from a script.
struct ScriptedServer {
    struct Entry {
        var name: Name
        var type: RRType?
        var subdomain: Bool
        var authoritative = false
        var truncated = false
        var recursionAvailable = false
        var rcode = RCode.noError
        var answer: [Record] = []
        var authority: [Record] = []
        var additional: [Record] = []

        func matches(_ question: Question) -> Bool {
            if let type, type != question.type { return false }
            return subdomain ? question.name.isSubdomain(of: name) : question.name == name
        }
    }

    var address: IPAddress
    var entries: [Entry] = []
    /// Never answers.
    var silent = false
    /// UDP replies larger than this are lost on the way (what a path that drops IP fragments does).
    var udpDropAbove: Int?
    /// The server's own UDP limit (truncates larger replies).
    var udpMax: Int = 4096
    /// First reply to each query arrives with a wrong ID (a spoofing attempt), then the real one.
    var spoofID = false
    /// Replies repeat the question in lower case (breaks 0x20).
    var lowercaseQuestion = false
    /// TCP connects get no answer (a filter drops SYNs to port 53), or are refused.
    var tcpTimeout = false
    var tcpRefused = false
    /// The first this many queries get no reply (packet loss).
    var lose = 0
    /// First reply to each query arrives for another question (a spoofing attempt), then the real one.
    var spoofQuestion = false

    /// The reply to `query` over `transport`; nil when nothing comes back.
    func reply(to query: Message, over transport: Exchange.Transport) -> Message? {
        guard !silent, let question = query.question else { return nil }
        var header = Header(id: query.header.id, isResponse: true, opcode: .query)
        var reply = Message(header: header, questions: [question])
        if lowercaseQuestion {
            reply.questions = [Question(name: question.name.lowercased(), type: question.type, rrClass: question.rrClass)]
        }
        if let edns = query.edns { reply.edns = EDNS(udpPayloadSize: 4096, dnssecOK: edns.dnssecOK) }
        if let entry = entries.first(where: { $0.matches(question) }) {
            header.isAuthoritative = entry.authoritative
            header.isTruncated = entry.truncated && transport == .udp
            header.recursionAvailable = entry.recursionAvailable
            reply.header = header
            reply.rcode = entry.rcode
            reply.answers = entry.answer.map { rewritten($0, for: question) }
            reply.authority = entry.authority
            reply.additional = entry.additional
        } else {
            reply.rcode = .refused
        }
        guard transport == .udp else { return reply }
        let limit = min(udpMax, query.edns.map { $0.effectivePayloadSize } ?? 512)
        guard let (bytes, _) = try? reply.encode(maxSize: limit), let decoded = try? Message(wire: bytes) else { return nil }
        if let drop = udpDropAbove, bytes.count > drop { return nil }
        return decoded
    }

    /// Wildcard-style entries answer with the asked name where the record owner is `*`-less and equal to the entry.
    private func rewritten(_ record: Record, for question: Question) -> Record {
        guard record.name.isWildcard, question.name.isSubdomain(of: record.name.parent ?? .root) else { return record }
        var copy = record
        copy.name = question.name
        return copy
    }
}
