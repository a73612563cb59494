import DNSCache
import DNSWire
import Foundation
import TrustAnchors

/// Writes the seed corpus of every target from the repository's own fixtures (so no corpus is committed):
/// the lab's captured replies (Tests/DNSWireTests/Fixtures/*.hex), queries made from their questions, signed
/// zones turned into replies for the validator, zone and trust-anchor files, and state files for managed
/// anchors built from the RFC 5011 vectors.
///
/// Usage: FuzzSeeds REPOSITORY OUTPUT — OUTPUT/<target>/ gets one file per seed.
@main
struct FuzzSeeds {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: FuzzSeeds REPOSITORY OUTPUT\n".utf8))
            exit(2)
        }
        let seeds = Seeds(repository: URL(fileURLWithPath: arguments[1]), output: URL(fileURLWithPath: arguments[2]))
        try seeds.writeAll()
    }
}

struct Seeds {
    var repository: URL
    var output: URL

    func files(in folder: String, ending suffix: String) -> [URL] {
        let url = repository.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return [] }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { url.appendingPathComponent($0) }
    }

    func write(_ bytes: [UInt8], target: String, name: String) throws {
        let folder = output.appendingPathComponent(target)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }

    func writeAll() throws {
        let captured = try files(in: "Tests/DNSWireTests/Fixtures", ending: ".hex").map { url in
            (url.deletingPathExtension().lastPathComponent, try Hex.decode(String(contentsOf: url, encoding: .utf8)
                .filter { !$0.isWhitespace }))
        }
        let zoneFiles = ["Tests/DNSCryptoTests/Fixtures", "Tests/DNSSECTests/Fixtures/chain", "Tests/TrustAnchorsTests/Fixtures",
                         "scripts/lab.d/zones"].flatMap { files(in: $0, ending: ".zone") }
        var counts: [String: Int] = [:]
        func add(_ bytes: [UInt8], _ target: String, _ name: String) throws {
            try write(bytes, target: target, name: name)
            counts[target, default: 0] += 1
        }

        // Replies as captured, for decoding, the validator and the front end (which must drop them).
        for (name, wire) in captured {
            for target in ["FuzzMessage", "FuzzValidator", "FuzzClient"] { try add(wire, target, name) }
        }
        // Queries for the captured questions, with and without EDNS, DO, CD, cookies and keepalive.
        for (name, wire) in captured {
            guard let reply = try? Message(wire: wire), let question = reply.question else { continue }
            for (index, query) in queries(for: question, id: reply.header.id).enumerated() {
                let bytes = try query.encode()
                try add(bytes, "FuzzClient", "\(name)-query-\(index)")
                try add(bytes, "FuzzMessage", "\(name)-query-\(index)")
            }
        }

        // Zone text, and each zone's signed RRsets as replies carrying the keys that sign them.
        for url in zoneFiles {
            let text = try String(contentsOf: url, encoding: .utf8)
            let name = url.deletingPathExtension().lastPathComponent
            let folder = url.deletingLastPathComponent().lastPathComponent
            try add(Array(text.utf8), "FuzzZoneFile", "\(folder)-\(name)")
            guard let records = try? ZoneFile.parse(text, origin: .root, defaultTTL: 3600) else { continue }
            for (index, reply) in replies(from: records).enumerated() {
                guard let bytes = try? reply.encode(), bytes.count <= 4096 else { continue }
                try add(bytes, "FuzzValidator", "\(folder)-\(name)-\(index)")
            }
            // Trust-anchor files: the DNSKEY and DS records of the zone, as a file of their own.
            let anchors = records.filter { $0.type == .dnskey || $0.type == .ds }
            if !anchors.isEmpty {
                let anchorText = anchors.map(\.text).joined(separator: "\n") + "\n"
                try add(Array(anchorText.utf8), "FuzzTrustAnchorFile", "\(folder)-\(name)")
                if let parsed = try? TrustAnchorFile.parse(text: anchorText, fileName: name) {
                    for (index, state) in states(for: parsed).enumerated() {
                        try add(Array(state.utf8), "FuzzStateFile", "\(folder)-\(name)-\(index)")
                    }
                }
            }
        }
        // The built-in root anchors, as an operator would write them.
        let root = ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
            + ". 172800 IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n"
        try add(Array(root.utf8), "FuzzTrustAnchorFile", "root-ds")
        if let parsed = try? TrustAnchorFile.parse(text: root, fileName: "root") {
            for (index, state) in states(for: parsed).enumerated() { try add(Array(state.utf8), "FuzzStateFile", "root-\(index)") }
        }
        for (target, count) in counts.sorted(by: { $0.key < $1.key }) { print("\(target): \(count) seeds") }
    }

    func queries(for question: Question, id: UInt16) -> [Message] {
        var cookie = EDNS()
        cookie.options.append(.cookie(client: [1, 2, 3, 4, 5, 6, 7, 8], server: []))
        var keepalive = EDNS(udpPayloadSize: 1232, dnssecOK: true)
        keepalive.options.append(.tcpKeepalive(timeout: nil))
        var future = EDNS()
        future.version = 1
        return [
            Message.query(id: id, question: question, recursionDesired: true, edns: nil),
            Message.query(id: id, question: question, recursionDesired: true, edns: EDNS(udpPayloadSize: 512)),
            Message.query(id: id, question: question, recursionDesired: true, checkingDisabled: true,
                          edns: EDNS(udpPayloadSize: 4096, dnssecOK: true)),
            Message.query(id: id, question: question, recursionDesired: true, edns: cookie),
            Message.query(id: id, question: question, edns: keepalive),
            Message.query(id: id, question: question, edns: future),
        ]
    }

    /// One reply per signed RRset: the RRset and its RRSIGs as the answer, the signer's DNSKEY RRset (with
    /// RRSIGs) and DS RRset as additional data.
    func replies(from records: [Record]) -> [Message] {
        let sets = SignedRRSet.group(records)
        return sets.compactMap { signed in
            guard let signer = signed.signatures.first?.signerName else { return nil }
            let keys = sets.filter { ($0.rrset.type == .dnskey || $0.rrset.type == .ds) && $0.rrset.name == signer && $0 != signed }
            var header = Header(id: UInt16(truncatingIfNeeded: signed.rrset.name.wire.count), isResponse: true)
            header.isAuthoritative = true
            let question = Question(name: signed.rrset.name, type: signed.rrset.type)
            let denial = signed.rrset.type == .nsec || signed.rrset.type == .nsec3
            return Message(header: header, questions: [question], answers: denial ? [] : signed.records,
                           authority: denial ? signed.records : [], additional: keys.flatMap(\.records),
                           edns: EDNS(dnssecOK: true))
        }
    }

    /// State files for each anchor: as first loaded, and with its keys moved through the RFC 5011 states,
    /// timers, an error and a problem set.
    func states(for anchors: [TrustAnchor]) -> [String] {
        let now: Int64 = 1_796_000_000
        return anchors.flatMap { anchor -> [String] in
            let initial = ManagedAnchor(initial: anchor, now: now)
            var rolled = initial
            let states: [ManagedKeyState] = [.addPend, .missing, .revoked, .removed, .valid]
            for index in rolled.keys.indices {
                rolled.keys[index].state = states[index % states.count]
                rolled.keys[index].firstSeen = now - 86_400
                rolled.keys[index].lastSeen = now
                rolled.keys[index].seenCount = index + 3
            }
            rolled.lastSuccess = now
            rolled.lastAttempt = now + 60
            rolled.failures = 2
            rolled.originalTTL = 172_800
            rolled.signatureExpiration = now + 1_209_600
            rolled.lastError = "SERVFAIL from 192.0.2.53"
            rolled.problem = .noTrustedSigner(signing: rolled.keys.map(\.keyTag), trusted: [])
            var lost = initial
            lost.problem = .noTrustedKey
            return [initial, rolled, lost].map { AnchorStateFile.encode($0, now: now) }
        }
    }
}
