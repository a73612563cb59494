import DNSWire
import Testing
@testable import Diagnostics

/// The reply-size responder's answers: padded CNAME steps at the querier's EDNS size, then the TXT report.
struct ReplySizeResponderTests {
    let responder = ReplySizeResponder(zone: try! Name("rs.lab."), nameServerAddress: IPv4Address(127, 53, 2, 9))

    func ask(_ name: String, _ type: RRType = .txt, edns: EDNS? = EDNS(), over transport: ReplySizeResponder.Transport = .udp)
        throws -> (wire: [UInt8], message: Message) {
        let query = Message.query(id: 4711, question: Question(name: try Name(name), type: type), edns: edns)
        let wire = try #require(responder.answer(try query.encode(), from: "127.0.0.1", over: transport))
        return (wire, try Message(wire: wire))
    }

    func cnameTarget(_ message: Message) -> String? {
        message.answers.first.flatMap { $0.rdata.targetName?.text }
    }

    @Test func theTestNameIsAnsweredWithACNAMEPaddedToTheAdvertisedSize() throws {
        let (wire, message) = try ask("rs.rs.lab.", edns: EDNS(udpPayloadSize: 4096))
        #expect(wire.count == 4096)
        #expect(message.header.isAuthoritative)
        #expect(message.header.id == 4711)
        #expect(cnameTarget(message) == "rst-4096.rs.lab.")
    }

    @Test func anAnswerIsNeverLargerThanTheQueryAllows() throws {
        let (wire, message) = try ask("rst-4096.rs.lab.", edns: EDNS(udpPayloadSize: 1232))
        #expect(wire.count == 1232)
        #expect(cnameTarget(message) == "rst-4096-1232.rs.lab.")
        #expect(!message.header.isTruncated)
    }

    @Test func withoutEDNSTheLimitIs512() throws {
        let (wire, message) = try ask("rs.rs.lab.", edns: nil)
        #expect(wire.count == 512)
        #expect(message.edns == nil)
        #expect(cnameTarget(message) == "rst-512.rs.lab.")
    }

    @Test func paddingStopsAtMaxSize() throws {
        let (wire, _) = try ask("rs.rs.lab.", edns: EDNS(udpPayloadSize: 65000))
        #expect(wire.count == 4096)
    }

    @Test func everySizeFrom512To4096IsHitExactly() throws {
        for size in stride(from: 512, through: 4096, by: 37) {
            let (wire, _) = try ask("rst-1300.rs.lab.", edns: EDNS(udpPayloadSize: UInt16(size)))
            #expect(wire.count == size, "advertised \(size)")
        }
    }

    @Test func theLastStepReportsTheAdvertisedSizeAndTheLargestReceived() throws {
        let (_, message) = try ask("rst-4096-1232-1232.rs.lab.", edns: EDNS(udpPayloadSize: 1232))
        let strings = message.answers.flatMap { record -> [String] in
            guard case let .txt(strings) = record.rdata else { return [] }
            return strings.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(strings == ["127.0.0.1 sent EDNS buffer size 1232", "127.0.0.1 DNS reply size limit is at least 4096 bytes"])
        #expect(Checklist.replySizeLimit(message) == 4096)
        #expect(Checklist.replySizeAdvertised(message) == 1232)
    }

    @Test func aStepAskedOverTCPIsNotPaddedAndCountsForNothing() throws {
        let (wire, message) = try ask("rs.rs.lab.", over: .tcp)
        #expect(wire.count < 200)
        #expect(cnameTarget(message) == "rst-t.rs.lab.")
        let (_, last) = try ask("rst-t-t-t.rs.lab.", over: .tcp)
        #expect(Checklist.replySizeLimit(last) == nil)
        #expect(last.answers.count == 1)
    }

    @Test func namesOutsideTheChainAreNXDomainAndOtherZonesRefused() throws {
        #expect(try ask("rst-99.rs.lab.").message.rcode == .nxDomain)
        #expect(try ask("rst-4096-4096-4096-4096.rs.lab.").message.rcode == .nxDomain)
        #expect(try ask("www.rs.lab.").message.rcode == .nxDomain)
        #expect(try ask("example.lab.").message.rcode == .refused)
        let chaos = Message.query(id: 2, question: Question(name: try Name("rs.rs.lab."), type: .txt, rrClass: .ch))
        let reply = try Message(wire: try #require(responder.answer(try chaos.encode(), from: "x", over: .udp)))
        #expect(reply.rcode == .refused)
    }

    @Test func theApexAndTheNameServerAnswer() throws {
        let soa = try ask("rs.lab.", .soa).message
        #expect(soa.answers.first?.type == .soa)
        let ns = try ask("rs.lab.", .ns).message
        #expect(ns.answers.first?.rdata == .ns(try Name("ns.rs.lab.")))
        let address = try ask("ns.rs.lab.", .a).message
        #expect(address.answers.first?.rdata == .a(IPv4Address(127, 53, 2, 9)))
    }

    @Test func withAnAlternateZoneEveryStepLeavesTheZoneItCameFrom() throws {
        let alternating = ReplySizeResponder(zone: try Name("rs.lab."), alternate: try Name("rs2.lab."))
        func target(_ name: String) throws -> Name? {
            let query = Message.query(id: 1, question: Question(name: try Name(name), type: .txt), edns: EDNS())
            let wire = try #require(alternating.answer(try query.encode(), from: "127.0.0.1", over: .udp))
            #expect(wire.count == 4096)
            return try Message(wire: wire).answers.first?.rdata.targetName
        }
        #expect(try target("rs.rs.lab.") == (try Name("rst-4096.rs2.lab.")))
        #expect(try target("rst-4096.rs2.lab.") == (try Name("rst-4096-4096.rs.lab.")))
        #expect(try target("rst-4096-4096.rs.lab.") == (try Name("rst-4096-4096-4096.rs2.lab.")))
        let last = Message.query(id: 1, question: Question(name: try Name("rst-4096-4096-4096.rs2.lab."), type: .txt))
        let reply = try Message(wire: try #require(alternating.answer(try last.encode(), from: "127.0.0.1", over: .udp)))
        #expect(Checklist.replySizeLimit(reply) == 4096)
        #expect(reply.header.isAuthoritative)
        let soa = Message.query(id: 1, question: Question(name: try Name("rs2.lab."), type: .soa))
        let apex = try Message(wire: try #require(alternating.answer(try soa.encode(), from: "x", over: .udp)))
        #expect(apex.answers.first?.name == (try Name("rs2.lab.")))
    }

    @Test func namesMatchCaseInsensitively() throws {
        let (_, message) = try ask("RS.Rs.LAB.", edns: EDNS(udpPayloadSize: 1500))
        // The target's zone suffix is compressed onto the question's spelling (0x20 case and all): same name.
        #expect(message.answers.first?.rdata.targetName == (try Name("rst-1500.rs.lab.")))
        #expect(message.questions.first?.name.isIdentical(to: try Name("RS.Rs.LAB.")) == true)
    }

    @Test func garbageIsDroppedOrAnsweredWithFormErr() throws {
        #expect(responder.answer([1, 2, 3], from: "x", over: .udp) == nil)
        var bytes = try Message.query(id: 9, question: Question(name: try Name("rs.rs.lab."), type: .txt)).encode()
        bytes.append(0xFF)
        let reply = try Message(wire: try #require(responder.answer(bytes, from: "x", over: .udp)))
        #expect(reply.rcode == .formErr)
        #expect(reply.header.id == 9)
    }
}
