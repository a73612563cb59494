extension Message {
    /// A readable dump in the layout of `dig`: header with opcode, status and ID, the flags and section counts,
    /// the OPT pseudosection (EDNS version, flags, payload size, options including Extended DNS Errors),
    /// then each non-empty section. For logs and test failures; not meant to be parsed back.
    public var text: String {
        var lines: [String] = []
        lines.append(";; ->>HEADER<<- opcode: \(header.opcode), status: \(rcode), id: \(header.id)")
        // dig counts the OPT record in ADDITIONAL, since it is one on the wire.
        let additionalCount = additional.count + (edns == nil ? 0 : 1)
        lines.append(";; flags: \(flagNames.joined(separator: " ")); QUERY: \(questions.count), ANSWER: \(answers.count), "
                     + "AUTHORITY: \(authority.count), ADDITIONAL: \(additionalCount)")
        if let edns {
            lines.append("")
            lines.append(";; OPT PSEUDOSECTION:")
            lines.append(contentsOf: edns.textLines)
        }
        if !questions.isEmpty {
            lines.append("")
            lines.append(";; QUESTION SECTION:")
            for question in questions {
                lines.append(";\(question.name.text)\t\t\(question.rrClass)\t\(question.type)")
            }
        }
        for (title, records) in [("ANSWER", answers), ("AUTHORITY", authority), ("ADDITIONAL", additional)] where !records.isEmpty {
            lines.append("")
            lines.append(";; \(title) SECTION:")
            lines.append(contentsOf: records.map(\.text))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Header flags by their dig names, in wire order (RFC 1035 §4.1.1, RFC 4035 §3.2).
    private var flagNames: [String] {
        let flags: [(Bool, String)] = [
            (header.isResponse, "qr"), (header.isAuthoritative, "aa"), (header.isTruncated, "tc"),
            (header.recursionDesired, "rd"), (header.recursionAvailable, "ra"), (header.zero, "z"),
            (header.authenticData, "ad"), (header.checkingDisabled, "cd"),
        ]
        return flags.filter(\.0).map(\.1)
    }
}

extension Message: CustomStringConvertible {
    public var description: String { text }
}

extension EDNS {
    /// The OPT pseudosection lines of a `dig`-style dump.
    var textLines: [String] {
        var flags = dnssecOK ? "do" : ""
        if otherFlags != 0 { flags += (flags.isEmpty ? "" : " ") + "MBZ: 0x\(Hex.encode([UInt8(otherFlags >> 8), UInt8(otherFlags & 0xFF)]))" }
        var lines = ["; EDNS: version: \(version), flags: \(flags); udp: \(udpPayloadSize)"]
        for option in options { lines.append(option.text) }
        return lines
    }
}

extension EDNSOption {
    /// One option as a `dig`-style line.
    var text: String {
        switch self {
        case let .nsid(data):
            let printable = data.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            return "; NSID: \(Hex.encode(data))" + (printable && !data.isEmpty ? " (\"\(String(decoding: data, as: UTF8.self))\")" : "")
        case let .cookie(client, server):
            return "; COOKIE: \(Hex.encode(client))\(Hex.encode(server))"
        case let .tcpKeepalive(timeout):
            guard let timeout else { return "; TCP-KEEPALIVE" }
            return "; TCP-KEEPALIVE: \(timeout / 10).\(timeout % 10) secs"
        case let .padding(count):
            return "; PADDING: \(count) octets"
        case let .extendedError(error):
            // RFC 8914 §2: INFO-CODE, its registered meaning, and the optional EXTRA-TEXT.
            let extra = error.text.isEmpty ? "" : ": (\(error.text))"
            return "; EDE: \(error.code.rawValue) (\(error.code))\(extra)"
        case let .unknown(code, data):
            return "; OPT=\(code.rawValue): \(Hex.encode(data))"
        }
    }
}
