import DNSWire

/// What happened on the way to each server one client question asked (its sub-lookups included), so that
/// a SERVFAIL can say it in its Extended DNS Error (RFC 8914): which zone, how many servers were tried, and
/// what each path did — "198.18.0.2: UDP answers above 1232 octets lost, TCP connect timed out".
struct PathReport {
    struct Entry {
        var server: ServerAddress
        var notes: [String] = []
    }

    private(set) var entries: [Entry] = []
    /// The zone whose servers were asked last.
    var zone: Name?
    /// Attempts that ended in a timeout, and in a network error (refused, unreachable).
    private(set) var silences = 0
    private(set) var networkErrors = 0

    /// Add `note` for `server` (once), asked for `zone`.
    mutating func note(_ note: String, server: ServerAddress, zone: Name) {
        self.zone = zone
        if let index = entries.firstIndex(where: { $0.server == server }) {
            if !entries[index].notes.contains(note) { entries[index].notes.append(note) }
        } else {
            entries.append(Entry(server: server, notes: [note]))
        }
    }

    mutating func note(_ observation: Exchange.Observation, server: ServerAddress, zone: Name) {
        switch observation {
        case let .udpLostAbove(size): note("UDP answers above \(size) octets lost", server: server, zone: zone)
        case .truncated: note("UDP answer truncated", server: server, zone: zone)
        case .udpSilent:
            silences += 1
            note("no reply over UDP", server: server, zone: zone)
        case let .tcpFailed(failure):
            if failure == .connectRefused { networkErrors += 1 } else { silences += 1 }
            note("\(failure)", server: server, zone: zone)
        case .tcpWorked: break
        case let .truncatedWithoutTCP(failure):
            if failure == .connectRefused { networkErrors += 1 } else { silences += 1 }
            note("TCP not tried again (\(failure) before)", server: server, zone: zone)
        }
    }

    mutating func noteNetworkError(server: ServerAddress, zone: Name) {
        networkErrors += 1
        note("network error (unreachable or refused)", server: server, zone: zone)
    }

    /// RFC 8914 §4.23 Network Error when every failure was an error reported by the network (refused,
    /// unreachable); §4.22 No Reachable Authority when servers stayed silent or were not asked at all.
    var code: ExtendedDNSErrorCode {
        networkErrors > 0 && silences == 0 ? .networkError : .noReachableAuthority
    }

    /// "zone example.: 2 servers tried: 198.18.0.2: …; 198.18.0.3: …", at most `maxServers` named.
    func summary(maxServers: Int = 4) -> String {
        let tried = entries.count
        var text = zone.map { "zone \($0): " } ?? ""
        text += tried == 1 ? "1 server tried" : "\(tried) servers tried"
        let shown = entries.prefix(maxServers).map { "\($0.server.ip): \($0.notes.joined(separator: ", "))" }
        if !shown.isEmpty { text += ": " + shown.joined(separator: "; ") }
        if tried > maxServers { text += "; and \(tried - maxServers) more" }
        return text
    }
}
