import DNSWire

/// The DNS logic of `anchord reply-size-server`: an authoritative server for one zone that measures how large a
/// UDP answer can reach the resolver asking it, in the style of DNS-OARC's retired reply-size test
/// (`dig +short rs.dns-oarc.net TXT`).
///
/// A query for `rs.<zone>` is answered with a CNAME to `rst-<P>.<zone>`, and that answer is padded to exactly P
/// octets, where P is the most the query allows: its EDNS payload size (RFC 6891 §6.2.5; 512 without EDNS,
/// RFC 1035 §4.2.1), capped at `maxSize`. The resolver only asks for `rst-<P>` if the P-octet answer arrived, so
/// each name in the chain lists the sizes that got through. Three padded steps (`rs`, `rst-A`, `rst-A-B`), then
/// `rst-A-B-C` is answered with two TXT strings: the EDNS size the last query advertised, and the largest answer
/// that arrived. A resolver whose large answers are lost retries with a smaller EDNS size (anchord at 1232), so
/// the chain reports that lower limit. A step asked over TCP says `t` instead of a size: it proves nothing about
/// UDP, and its answer is not padded.
///
/// Given a second zone (a sibling delegated to the same server), the steps alternate between the two, so every
/// CNAME leaves the zone it came from and each step is a query of its own even for a resolver that takes a
/// reply's in-zone CNAME chain as complete (RFC 1034 §4.3.2 has the server follow it; this one does not, on
/// purpose). With one zone every step stays in it.
///
/// Sans-I/O: wire bytes and the client's address in, wire bytes out.
public struct ReplySizeResponder: Sendable {
    /// The zone of the test name.
    public var zone: Name { zones[0] }
    /// Every zone served: the test name's, then the one the steps alternate with.
    public let zones: [Name]
    /// The largest padded answer (the 4096 octets a resolver should advertise).
    public var maxSize: Int
    /// TTL of every record: short, so a later test measures again.
    public var ttl: UInt32
    /// The address `ns.<zone>` answers with (the server's own), if known.
    public var nameServerAddress: IPv4Address?
    /// Padded CNAME steps before the TXT answer.
    public static let steps = 3

    public init(zone: Name, alternate: Name? = nil, maxSize: Int = 4096, ttl: UInt32 = 5,
                nameServerAddress: IPv4Address? = nil) {
        self.zones = [zone] + (alternate.map { [$0] } ?? [])
        self.maxSize = max(512, min(maxSize, 65_535))
        self.ttl = ttl
        self.nameServerAddress = nameServerAddress
    }

    /// The name a resolver is asked for to start a test.
    public var testName: Name { (try? zone.prepending(Array("rs".utf8))) ?? zone }

    /// How a query reached the server.
    public enum Transport: Sendable { case udp, tcp }

    /// The answer to `query` from `client` (its address as text, for the TXT), or nil when the bytes are not a
    /// query worth answering (a response, or too short to carry an ID).
    public func answer(_ query: [UInt8], from client: String, over transport: Transport) -> [UInt8]? {
        guard let header = Message.peekHeader(query), !header.isResponse else { return nil }
        let message: Message
        do {
            message = try Message(wire: query)
        } catch {
            return try? reply(to: header, rcode: .formErr).encode()
        }
        guard message.header.opcode == .query else {
            return try? reply(to: message, rcode: .notImp).encode()
        }
        guard let question = message.question else {
            return try? reply(to: message, rcode: .formErr).encode()
        }
        guard question.rrClass == .in, let zone = zones.filter({ question.name.isSubdomain(of: $0) }).max(by: { $0.labelCount < $1.labelCount }) else {
            return try? reply(to: message, rcode: .refused).encode()
        }
        let limit = transport == .udp ? min(maxSize, message.edns?.effectivePayloadSize ?? 512) : nil
        var response = reply(to: message, rcode: .noError)
        response.header.isAuthoritative = true
        switch Step(name: question.name, zone: zone) {
        case .apex:
            response.answers = apexRecords(question.type, zone: zone)
            if response.answers.isEmpty { response.authority = [soaRecord(zone)] }
        case .nameServer:
            if question.type == .a, zone == self.zone, let nameServerAddress {
                response.answers = [Record(name: question.name, ttl: ttl, rdata: .a(nameServerAddress))]
            } else {
                response.authority = [soaRecord(zone)]
            }
        case let .probe(received) where received.count < ReplySizeResponder.steps:
            let size = limit.map { "\($0)" } ?? "t"
            let next = zones[(received.count + 1) % zones.count]
            guard let target = try? next.prepending(Array((["rst"] + received + [size]).joined(separator: "-").utf8))
            else { return try? reply(to: message, rcode: .servFail).encode() }
            response.answers = [Record(name: question.name, ttl: ttl, rdata: .cname(target))]
            if let limit { return try? padded(response, to: limit, zone: zone) }
        case let .probe(received):
            if question.type == .txt || question.type == .any {
                let strings = ReplySizeResponder.report(received: received, client: client, edns: message.edns,
                                                        transport: transport)
                response.answers = [Record(name: question.name, ttl: ttl, rdata: .txt(strings.map { Array($0.utf8) }))]
            } else {
                response.authority = [soaRecord(zone)]
            }
        case .none:
            response.rcode = .nxDomain
            response.authority = [soaRecord(zone)]
        }
        guard let limit else { return try? response.encode() }
        return try? response.encode(maxSize: limit).bytes
    }

    /// The two TXT strings of the last step, as the OARC test worded them.
    static func report(received: [String], client: String, edns: EDNS?, transport: Transport) -> [String] {
        let advertised = edns.map { "sent EDNS buffer size \($0.udpPayloadSize)" } ?? "sent no EDNS (512-octet limit)"
        let sizes = received.compactMap { Int($0) }
        var strings = ["\(client) \(advertised)"]
        if let largest = sizes.max() {
            strings.append("\(client) DNS reply size limit is at least \(largest) bytes")
        } else {
            strings.append("\(client) DNS reply size limit is unknown: every step was asked over TCP")
        }
        let overTCP = received.count(where: { $0 == "t" }) + (transport == .tcp ? 1 : 0)
        if overTCP > 0 { strings.append("\(client) asked \(overTCP) of \(received.count + 1) steps over TCP") }
        return strings
    }

    /// What a query name is in the zone.
    enum Step: Equatable {
        case apex, nameServer
        /// `rs` (nothing received yet) or `rst-A-B…`: the sizes (or `t`) of the steps answered so far.
        case probe([String])

        init?(name: Name, zone: Name) {
            if name == zone { self = .apex; return }
            guard name.labelCount == zone.labelCount + 1 else { return nil }
            let label = String(decoding: name.firstLabel, as: UTF8.self).lowercased()
            if label == "ns" { self = .nameServer; return }
            if label == "rs" { self = .probe([]); return }
            let parts = label.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, parts.count <= ReplySizeResponder.steps + 1, parts[0] == "rst",
                  parts.dropFirst().allSatisfy({ $0 == "t" || (Int($0).map { (512...65_535).contains($0) } ?? false) })
            else { return nil }
            self = .probe(Array(parts.dropFirst()))
        }
    }

    /// `ns.<first zone>`: the one name server of every zone served.
    var nameServer: Name { (try? zone.prepending(Array("ns".utf8))) ?? zone }

    func soaRecord(_ zone: Name) -> Record {
        let host = nameServer
        let admin = (try? zone.prepending(Array("hostmaster".utf8))) ?? zone
        return Record(name: zone, ttl: ttl, rdata: .soa(SOA(mname: host, rname: admin, serial: 1, refresh: 3600,
                                                            retry: 600, expire: 86_400, minimum: ttl)))
    }

    func apexRecords(_ type: RRType, zone: Name) -> [Record] {
        switch type {
        case .soa: return [soaRecord(zone)]
        case .ns: return [Record(name: zone, ttl: ttl, rdata: .ns(nameServer))]
        default: return []
        }
    }

    func reply(to query: Message, rcode: RCode) -> Message {
        var response = reply(to: query.header, rcode: rcode)
        response.questions = query.questions
        response.edns = query.edns.map { _ in EDNS(udpPayloadSize: UInt16(maxSize)) }
        return response
    }

    func reply(to header: Header, rcode: RCode) -> Message {
        Message(header: Header(id: header.id, isResponse: true, opcode: header.opcode,
                               recursionDesired: header.recursionDesired), rcode: rcode)
    }

    /// `response` encoded to exactly `size` octets, padded with a TXT record `pad.<zone>` in the additional
    /// section (a resolver ignores it); unpadded when it is already that large.
    func padded(_ response: Message, to size: Int, zone: Name) throws -> [UInt8] {
        let owner = try zone.prepending(Array("pad".utf8))
        var message = response
        message.additional = [Record(name: owner, ttl: ttl, rdata: .txt([[]]))]
        let smallest = try message.encode()
        guard smallest.count <= size else { return try response.encode() }
        message.additional = [Record(name: owner, ttl: ttl, rdata: .txt(ReplySizeResponder.padding(size - smallest.count)))]
        return try message.encode()
    }

    /// TXT strings whose RDATA is `extra` octets longer than one empty string: the first grows to 255 characters,
    /// then each further string costs its length octet too.
    static func padding(_ extra: Int) -> [[UInt8]] {
        var strings: [[UInt8]] = [[]]
        var left = extra
        let first = min(255, left)
        strings[0] = [UInt8](repeating: UInt8(ascii: "x"), count: first)
        left -= first
        while left > 0 {
            let length = min(255, left - 1)
            strings.append([UInt8](repeating: UInt8(ascii: "x"), count: length))
            left -= 1 + length
        }
        return strings
    }
}
