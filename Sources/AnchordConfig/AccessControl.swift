import DNSWire

/// What happens to a client's query, as Unbound's `access-control` actions.
public enum AccessAction: String, Sendable, CaseIterable {
    /// Answer it.
    case allow
    /// Answer REFUSED (RFC 1035 §4.1.1, RCODE 5).
    case refuse
    /// Drop it without an answer.
    case deny
}

/// One `access-control` entry: `CIDR action`, e.g. `192.0.2.0/24 allow`.
public struct AccessRule: Sendable, Hashable, CustomStringConvertible {
    public var block: CIDR
    public var action: AccessAction

    public init(block: CIDR, action: AccessAction) {
        self.block = block
        self.action = action
    }

    /// Parse `CIDR action`; the error says which part was wrong and what would be valid.
    public init(_ text: String) throws(InvalidValue) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count == 2 else {
            throw InvalidValue("'\(text)' is not 'CIDR action'; expected e.g. '192.0.2.0/24 allow'")
        }
        guard let action = AccessAction(rawValue: words[1].lowercased()) else {
            let valid = AccessAction.allCases.map(\.rawValue).joined(separator: ", ")
            throw InvalidValue("'\(words[1])' is not an action; expected one of \(valid)")
        }
        self.init(block: try CIDR(String(words[0])), action: action)
    }

    public var description: String { "\(block) \(action.rawValue)" }
}

/// The client access list: the most specific matching block decides (as in Unbound); no match is `refuse`.
public struct AccessControlList: Sendable {
    /// Loopback, RFC 1918, CGNAT (RFC 6598), IPv6 ULA (RFC 4193) and link-local: the LAN a resolver serves.
    public static let defaultRules: [AccessRule] = [
        "127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "::1/128", "fc00::/7", "fe80::/10",
    ].compactMap { text in (try? CIDR(text)).map { AccessRule(block: $0, action: .allow) } }

    /// Configured rules first so that, for the same block, they win over a default.
    public let rules: [AccessRule]

    /// `configured` on top of the defaults.
    public init(configured: [AccessRule]) {
        rules = configured + AccessControlList.defaultRules
    }

    /// The action for a client address. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, from a dual-stack
    /// socket) is judged as the IPv4 address it carries.
    public func action(for client: IPAddress) -> AccessAction {
        let address = client.unmappedIPv4 ?? client
        var best: AccessRule?
        for rule in rules where rule.block.contains(address) {
            if best.map({ rule.block.prefixLength > $0.block.prefixLength }) ?? true { best = rule }
        }
        return best?.action ?? .refuse
    }
}
