import DNSWire

/// The names and addresses of the root servers, where iteration starts (RFC 8109).
public struct RootHints: Sendable, Equatable {
    public var servers: [Server]

    public struct Server: Sendable, Equatable {
        public var name: Name
        public var addresses: [IPAddress]
        public init(name: Name, addresses: [IPAddress]) {
            self.name = name
            self.addresses = addresses
        }
    }

    public init(servers: [Server]) {
        self.servers = servers
    }

    /// Hints from zone-file records: the NS records of the root and the A/AAAA records of their targets.
    /// Throws when there is no root NS record or no address for any of them.
    public init(records: [Record]) throws {
        let names = records.compactMap { record -> Name? in
            guard record.name.isRoot, case let .ns(target) = record.rdata else { return nil }
            return target
        }
        var servers: [Server] = []
        for name in names where !servers.contains(where: { $0.name == name }) {
            let addresses = records.compactMap { record -> IPAddress? in
                guard record.name == name else { return nil }
                switch record.rdata {
                case let .a(address): return .v4(address)
                case let .aaaa(address): return .v6(address)
                default: return nil
                }
            }
            servers.append(Server(name: name, addresses: addresses))
        }
        guard !servers.isEmpty else { throw PresentationError("root hints have no NS records for the root") }
        guard servers.contains(where: { !$0.addresses.isEmpty }) else {
            throw PresentationError("root hints have no addresses for the root servers")
        }
        self.servers = servers
    }

    /// The root servers as IANA publishes them (named.root).
    public static let iana: RootHints = {
        let table: [(String, String, String)] = [
            ("a", "198.41.0.4", "2001:503:ba3e::2:30"), ("b", "170.247.170.2", "2801:1b8:10::b"),
            ("c", "192.33.4.12", "2001:500:2::c"), ("d", "199.7.91.13", "2001:500:2d::d"),
            ("e", "192.203.230.10", "2001:500:a8::e"), ("f", "192.5.5.241", "2001:500:2f::f"),
            ("g", "192.112.36.4", "2001:500:12::d0d"), ("h", "198.97.190.53", "2001:500:1::53"),
            ("i", "192.36.148.17", "2001:7fe::53"), ("j", "192.58.128.30", "2001:503:c27::2:30"),
            ("k", "193.0.14.129", "2001:7fd::1"), ("l", "199.7.83.42", "2001:500:9f::42"),
            ("m", "202.12.27.33", "2001:dc3::35"),
        ]
        let servers = table.compactMap { letter, v4, v6 -> Server? in
            guard let name = try? Name("\(letter).root-servers.net."),
                  let four = IPAddress(v4), let six = IPAddress(v6) else { return nil }
            return Server(name: name, addresses: [four, six])
        }
        return RootHints(servers: servers)
    }()
}
