/// An IPv4 address as carried in an A record.
public struct IPv4Address: Hashable, Sendable, Comparable {
    public var bytes: (UInt8, UInt8, UInt8, UInt8)

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) { bytes = (a, b, c, d) }

    /// From exactly four octets; nil otherwise.
    public init?(octets: some Collection<UInt8>) {
        guard octets.count == 4 else { return nil }
        let o = Array(octets)
        bytes = (o[0], o[1], o[2], o[3])
    }

    /// Dotted-quad text; nil unless it is four decimal numbers 0–255 (no leading zeros, which are ambiguous).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var values: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  !(part.count > 1 && part.hasPrefix("0")), let value = UInt8(part) else { return nil }
            values.append(value)
        }
        bytes = (values[0], values[1], values[2], values[3])
    }

    public var octets: [UInt8] { [bytes.0, bytes.1, bytes.2, bytes.3] }
    public var uint32: UInt32 { UInt32(bytes.0) << 24 | UInt32(bytes.1) << 16 | UInt32(bytes.2) << 8 | UInt32(bytes.3) }

    public static func == (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.uint32 == rhs.uint32 }
    public func hash(into hasher: inout Hasher) { hasher.combine(uint32) }
    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.uint32 < rhs.uint32 }
}

extension IPv4Address: CustomStringConvertible {
    public var description: String { "\(bytes.0).\(bytes.1).\(bytes.2).\(bytes.3)" }
}

/// An IPv6 address as carried in an AAAA record.
public struct IPv6Address: Hashable, Sendable, Comparable {
    /// The sixteen octets in network order.
    public let octets: [UInt8]

    /// From exactly sixteen octets; nil otherwise.
    public init?(octets: some Collection<UInt8>) {
        guard octets.count == 16 else { return nil }
        self.octets = Array(octets)
    }

    /// For constants known to have sixteen octets.
    init(uncheckedOctets: [UInt8]) {
        octets = uncheckedOctets
    }

    /// RFC 4291 §2.2 text: hex groups, one `::`, an optional dotted-quad tail.
    public init?(_ text: String) {
        guard !text.isEmpty, text.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = text.splitAtDoubleColons()
        guard halves.count <= 2 else { return nil }
        if halves.count == 2 { sawGap = true }
        func groups(_ part: Substring, allowIPv4Tail: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if allowIPv4Tail, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = IPv4Address(String(piece)) else { return nil }
                    result.append(UInt16(v4.bytes.0) << 8 | UInt16(v4.bytes.1))
                    result.append(UInt16(v4.bytes.2) << 8 | UInt16(v4.bytes.3))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit),
                      let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        if sawGap {
            guard let h = groups(halves[0], allowIPv4Tail: false), let t = groups(halves[1], allowIPv4Tail: true) else { return nil }
            head = h
            tail = t
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard let h = groups(halves[0], allowIPv4Tail: true), h.count == 8 else { return nil }
            head = h
        }
        let all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        var bytes: [UInt8] = []
        for group in all {
            bytes.append(UInt8(group >> 8))
            bytes.append(UInt8(group & 0xFF))
        }
        self.octets = bytes
    }

    public static func < (lhs: IPv6Address, rhs: IPv6Address) -> Bool { lhs.octets.lexicographicallyPrecedes(rhs.octets) }
}

private extension String {
    func splitAtDoubleColons() -> [Substring] {
        var result: [Substring] = []
        var start = startIndex
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index] == ":", next < endIndex, self[next] == ":" {
                result.append(self[start..<index])
                start = self.index(after: next)
                index = start
                continue
            }
            index = next
        }
        result.append(self[start..<endIndex])
        return result
    }
}

extension IPv6Address: CustomStringConvertible {
    /// RFC 5952 text: lowercase, no leading zeros, the longest run (≥2) of zero groups as `::`.
    public var description: String {
        var groups: [UInt16] = []
        for i in stride(from: 0, to: 16, by: 2) { groups.append(UInt16(octets[i]) << 8 | UInt16(octets[i + 1])) }
        var bestStart = -1
        var bestLength = 0
        var runStart = -1
        for (i, group) in groups.enumerated() {
            if group == 0 {
                if runStart < 0 { runStart = i }
                let length = i - runStart + 1
                if length > bestLength {
                    bestLength = length
                    bestStart = runStart
                }
            } else {
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                text += "::"
                i += bestLength
                continue
            }
            if !text.isEmpty, !text.hasSuffix(":") { text += ":" }
            text += String(groups[i], radix: 16)
            i += 1
        }
        return text
    }
}

/// An IPv4 or IPv6 address: a server's, a client's, or one written in configuration.
public enum IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    case v4(IPv4Address)
    case v6(IPv6Address)

    /// `::1`.
    public static let loopbackV6: IPAddress = .v6(IPv6Address(uncheckedOctets: [UInt8](repeating: 0, count: 15) + [1]))

    /// Parse either family; a text with a colon is IPv6. Nil if it is not an address.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let address = IPv6Address(text) else { return nil }
            self = .v6(address)
        } else {
            guard let address = IPv4Address(text) else { return nil }
            self = .v4(address)
        }
    }

    /// The address in network order: four or sixteen octets.
    public var octets: [UInt8] {
        switch self {
        case let .v4(address): return address.octets
        case let .v6(address): return address.octets
        }
    }

    /// Prefix lengths run 0...bitCount.
    public var bitCount: Int {
        switch self {
        case .v4: return 32
        case .v6: return 128
        }
    }

    public var isIPv4: Bool { if case .v4 = self { return true } else { return false } }

    /// 127.0.0.0/8 and ::1.
    public var isLoopback: Bool {
        switch self {
        case let .v4(address): return address.bytes.0 == 127
        case .v6: return self == .loopbackV6
        }
    }

    /// Loopback or unspecified (0.0.0.0, ::): never queried when `do-not-query-localhost` is on.
    public var isLoopbackOrUnspecified: Bool {
        isLoopback || octets.allSatisfy { $0 == 0 }
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2), else nil.
    public var unmappedIPv4: IPAddress? {
        guard case let .v6(v6) = self else { return nil }
        let octets = v6.octets
        guard octets.prefix(10).allSatisfy({ $0 == 0 }), octets[10] == 0xFF, octets[11] == 0xFF else { return nil }
        return IPv4Address(octets: octets.suffix(4)).map(IPAddress.v4)
    }

    public var description: String {
        switch self {
        case let .v4(address): return address.description
        case let .v6(address): return address.description
        }
    }

    /// IPv4 before IPv6, then by octets.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case let (.v4(a), .v4(b)): return a < b
        case let (.v6(a), .v6(b)): return a < b
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
