@testable import DNSWire
@testable import ResolverCore

/// A scenario file's line that could not be understood, or an expectation that failed.
struct ScenarioError: Error, CustomStringConvertible {
    var file: String
    var line: Int
    var message: String
    var description: String { "\(file):\(line): \(message)" }
}

extension Scenario {
    /// Parse a scenario text (format in `Scenario`'s documentation).
    static func parse(_ text: String, name: String) throws -> Scenario {
        var scenario = Scenario(name: name)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0

        func fail(_ message: String, _ line: Int) -> ScenarioError { ScenarioError(file: name, line: line, message: message) }
        func words(_ line: String) -> [String] {
            let code = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return code.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        }
        func record(_ line: String, _ number: Int) throws -> Record {
            do { return try Record(text: line, origin: .root, defaultTTL: 3600) } catch { throw fail("bad record: \(error)", number) }
        }
        /// Records up to the `end` line.
        func recordBlock() throws -> [Record] {
            var records: [Record] = []
            while index < lines.count {
                let number = index + 1
                let line = lines[index]
                index += 1
                let w = words(line)
                if w.isEmpty { continue }
                if w == ["end"] { return records }
                records.append(try record(line, number))
            }
            throw fail("missing end", lines.count)
        }
        func question(_ w: [String], from start: Int, _ number: Int) throws -> Question {
            guard w.count > start + 1, let type = RRType(mnemonic: w[start + 1]) else { throw fail("expected NAME TYPE", number) }
            do { return Question(name: try Name(w[start]), type: type) } catch { throw fail("bad name \(w[start])", number) }
        }

        while index < lines.count {
            let number = index + 1
            let w = words(lines[index])
            index += 1
            guard let keyword = w.first else { continue }
            switch keyword {
            case "config":
                guard w.count == 3 else { throw fail("config KEY VALUE", number) }
                do { try scenario.apply(key: w[1], value: w[2]) } catch { throw fail("\(error)", number) }
            case "hints":
                scenario.hints = try recordBlock()
            case "rtt":
                guard w.count == 3, let ip = IPAddress(w[1]), let ms = UInt64(w[2]) else { throw fail("rtt ADDRESS MILLISECONDS", number) }
                scenario.knownRTTs.append((ServerAddress(ip), ms))
            case "server":
                guard w.count >= 2, let ip = IPAddress(w[1]) else { throw fail("server ADDRESS [options]", number) }
                var server = ScriptedServer(address: ip)
                var options = w.dropFirst(2).makeIterator()
                while let option = options.next() {
                    switch option {
                    case "silent": server.silent = true
                    case "spoof-id": server.spoofID = true
                    case "spoof-question": server.spoofQuestion = true
                    case "lowercase-question": server.lowercaseQuestion = true
                    case "tcp-timeout": server.tcpTimeout = true
                    case "tcp-refused": server.tcpRefused = true
                    case "udp-drop-above":
                        guard let value = options.next().flatMap(Int.init) else { throw fail("udp-drop-above N", number) }
                        server.udpDropAbove = value
                    case "lose":
                        guard let value = options.next().flatMap(Int.init) else { throw fail("lose N", number) }
                        server.lose = value
                    case "udp-max":
                        guard let value = options.next().flatMap(Int.init) else { throw fail("udp-max N", number) }
                        server.udpMax = value
                    default: throw fail("unknown server option \(option)", number)
                    }
                }
                server.entries = try serverEntries()
                scenario.servers[ip] = server
            case "query":
                scenario.steps.append(.query(try question(w, from: 1, number), hold: w.contains("hold"), line: number))
            case "time":
                guard w.count == 2, w[1].hasPrefix("+"), let seconds = Int64(w[1].dropFirst()) else { throw fail("time +SECONDS", number) }
                scenario.steps.append(.time(seconds, line: number))
            case "expect":
                scenario.steps.append(try expectation(w, number))
            default:
                throw fail("unknown keyword \(keyword)", number)
            }
        }
        return scenario

        func serverEntries() throws -> [ScriptedServer.Entry] {
            var entries: [ScriptedServer.Entry] = []
            var section = "answer"
            while index < lines.count {
                let number = index + 1
                let line = lines[index]
                index += 1
                let w = words(line)
                guard let first = w.first else { continue }
                switch first {
                case "end":
                    return entries
                case "on":
                    guard w.count >= 2 else { throw fail("on NAME [TYPE] [subdomain]", number) }
                    let name: Name
                    do { name = try Name(w[1]) } catch { throw fail("bad name \(w[1])", number) }
                    let type = w.count >= 3 && w[2] != "subdomain" ? RRType(mnemonic: w[2]) : nil
                    if w.count >= 3, w[2] != "subdomain", type == nil { throw fail("bad type \(w[2])", number) }
                    entries.append(ScriptedServer.Entry(name: name, type: type, subdomain: w.contains("subdomain")))
                    section = "answer"
                case "reply":
                    guard !entries.isEmpty else { throw fail("reply before on", number) }
                    for flag in w.dropFirst() {
                        switch flag {
                        case "AA": entries[entries.count - 1].authoritative = true
                        case "TC": entries[entries.count - 1].truncated = true
                        case "RA": entries[entries.count - 1].recursionAvailable = true
                        default:
                            guard let rcode = RCode.names.first(where: { $0.value == flag }).map({ RCode($0.key) }) else {
                                throw fail("unknown reply flag or rcode \(flag)", number)
                            }
                            entries[entries.count - 1].rcode = rcode
                        }
                    }
                case "answer", "authority", "additional":
                    section = first
                default:
                    guard !entries.isEmpty else { throw fail("record before on", number) }
                    let rr = try record(line, number)
                    switch section {
                    case "answer": entries[entries.count - 1].answer.append(rr)
                    case "authority": entries[entries.count - 1].authority.append(rr)
                    default: entries[entries.count - 1].additional.append(rr)
                    }
                }
            }
            throw fail("server without end", lines.count)
        }

        func expectation(_ w: [String], _ number: Int) throws -> Step {
            guard w.count >= 2 else { throw fail("expect WHAT", number) }
            switch w[1] {
            case "rcode":
                guard w.count == 3, let code = RCode.names.first(where: { $0.value == w[2] }) else { throw fail("expect rcode NAME", number) }
                return .expectRCode(RCode(code.key), line: number)
            case "answer": return .expectAnswer(try recordBlock(), line: number)
            case "authority": return .expectAuthority(try recordBlock(), line: number)
            case "sent":
                guard w.count >= 5 else { throw fail("expect sent ADDRESS NAME TYPE [tcp|udp] [edns N|noedns]", number) }
                let server = w[2] == "*" ? nil : IPAddress(w[2]).map { ServerAddress($0, port: 53) }
                if w[2] != "*", server == nil { throw fail("bad address \(w[2])", number) }
                var transport: Exchange.Transport? = nil
                var edns: UInt16?? = nil
                var rest = w.dropFirst(5).makeIterator()
                while let option = rest.next() {
                    switch option {
                    case "tcp": transport = .tcp
                    case "udp": transport = .udp
                    case "noedns": edns = .some(nil)
                    case "edns":
                        guard let size = rest.next().flatMap(UInt16.init) else { throw fail("edns N", number) }
                        edns = .some(size)
                    default: throw fail("unknown sent option \(option)", number)
                    }
                }
                return .expectSent(server, try question(w, from: 3, number), transport: transport, edns: edns, line: number)
            case "ede-text":
                guard w.count >= 3 else { throw fail("expect ede-text WORDS", number) }
                return .expectEDEText(w.dropFirst(2).joined(separator: " "), line: number)
            case "within":
                guard w.count == 3, let value = UInt64(w[2]) else { throw fail("expect within MILLISECONDS", number) }
                return .expectWithin(value, line: number)
            case "sent-count", "ede", "answers", "unmatched":
                guard w.count == 3, let value = Int(w[2]) else { throw fail("expect \(w[1]) N", number) }
                switch w[1] {
                case "sent-count": return .expectSentCount(value, line: number)
                case "ede": return .expectEDE(UInt16(clamping: value), line: number)
                case "answers": return .expectAnswers(value, line: number)
                default: return .expectUnmatched(value, line: number)
                }
            default:
                throw fail("unknown expectation \(w[1])", number)
            }
        }
    }

    /// Resolver and cache options by their configuration-file names.
    mutating func apply(key: String, value: String) throws {
        func flag() throws -> Bool {
            switch value {
            case "yes": return true
            case "no": return false
            default: throw ScenarioError(file: name, line: 0, message: "\(key) takes yes or no")
            }
        }
        switch key {
        case "qname-minimisation": configuration.qnameMinimisation = try flag()
        case "use-caps-for-id": configuration.useCapsForID = try flag()
        case "do-ip4": configuration.doIPv4 = try flag()
        case "do-ip6": configuration.doIPv6 = try flag()
        case "harden-glue": configuration.hardenGlue = try flag()
        case "prime": configuration.prime = try flag()
        case "max-referrals": configuration.limits.maxReferrals = Int(value) ?? configuration.limits.maxReferrals
        case "max-upstream-queries": configuration.limits.maxUpstreamQueries = Int(value) ?? configuration.limits.maxUpstreamQueries
        case "client-timeout-ms": configuration.limits.clientTimeout = UInt64(value) ?? configuration.limits.clientTimeout
        case "cache-min-ttl", "cache-max-ttl", "cache-max-negative-ttl", "cache-size":
            cacheConfigurationLines.append((key, value))
        default:
            throw ScenarioError(file: name, line: 0, message: "unknown config key \(key)")
        }
    }
}
