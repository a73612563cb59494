/// A domain name, held in uncompressed wire form (labels with length octets, ending in the root label).
///
/// Comparison and hashing ignore ASCII case (RFC 4343) while the original case is kept for output.
/// `<` is the DNSSEC canonical order of RFC 4034 §6.1. All names are absolute; limits of RFC 1035 §2.3.4
/// (63-octet labels, 255-octet names) are enforced by every public initialiser.
public struct Name: Sendable {
    public static let maxLabelLength = 63
    public static let maxWireLength = 255

    /// Uncompressed wire form, always ending with the zero-length root label.
    public let wire: [UInt8]

    /// The root name, ".".
    public static let root = Name(uncheckedWire: [0])

    /// Trusts that `wire` is well formed; for callers that have just checked it.
    init(uncheckedWire wire: [UInt8]) {
        self.wire = wire
    }

    /// A name from uncompressed wire form, validated.
    public init(wire: [UInt8]) throws {
        var position = 0
        while true {
            guard position < wire.count else { throw WireError.truncated(offset: position, needed: 1) }
            let length = Int(wire[position])
            guard length <= Name.maxLabelLength else {
                if length & 0xC0 == 0xC0 { throw WireError.badPointer(offset: position) }
                throw WireError.labelTooLong(offset: position)
            }
            position += 1 + length
            if length == 0 { break }
        }
        guard position == wire.count else { throw WireError.trailingData(count: wire.count - position) }
        guard wire.count <= Name.maxWireLength else { throw WireError.nameTooLong }
        self.wire = wire
    }

    /// A name from its labels, most specific first (`["www", "example", "com"]`); the root label is implied.
    public init(labels: [[UInt8]]) throws {
        var wire: [UInt8] = []
        for label in labels {
            guard !label.isEmpty else { throw WireError.emptyLabel }
            guard label.count <= Name.maxLabelLength else { throw WireError.labelTooLong(offset: wire.count) }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= Name.maxWireLength else { throw WireError.nameTooLong }
        self.wire = wire
    }

    public var isRoot: Bool { wire.count == 1 }

    /// Number of labels, not counting the root label.
    public var labelCount: Int {
        var count = 0
        var position = 0
        while position < wire.count, wire[position] != 0 {
            count += 1
            position += 1 + Int(wire[position])
        }
        return count
    }

    /// Labels without their length octets, most specific first; the root label is not included.
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var position = 0
        while position < wire.count, wire[position] != 0 {
            let length = Int(wire[position])
            result.append(wire[(position + 1)..<(position + 1 + length)])
            position += 1 + length
        }
        return result
    }

    /// The first label including its length octet (empty for the root).
    public var firstLabelWire: ArraySlice<UInt8> {
        guard let first = wire.first, first != 0 else { return [] }
        return wire[0..<(1 + Int(first))]
    }

    /// The first label's octets (empty for the root).
    public var firstLabel: ArraySlice<UInt8> { firstLabelWire.dropFirst() }

    /// The name with its first label removed; nil for the root.
    public var parent: Name? {
        guard let first = wire.first, first != 0 else { return nil }
        return Name(uncheckedWire: Array(wire[(1 + Int(first))...]))
    }

    /// The ancestor (or self) that has `count` labels. `count` is clamped to `0...labelCount`.
    public func suffix(labelCount count: Int) -> Name {
        var drop = labelCount - max(0, count)
        guard drop > 0 else { return self }
        var position = 0
        while drop > 0, position < wire.count, wire[position] != 0 {
            position += 1 + Int(wire[position])
            drop -= 1
        }
        return Name(uncheckedWire: Array(wire[position...]))
    }

    /// This name with `label` put in front.
    public func prepending(_ label: [UInt8]) throws -> Name {
        guard !label.isEmpty else { throw WireError.emptyLabel }
        guard label.count <= Name.maxLabelLength else { throw WireError.labelTooLong(offset: 0) }
        guard wire.count + 1 + label.count <= Name.maxWireLength else { throw WireError.nameTooLong }
        return Name(uncheckedWire: [UInt8(label.count)] + label + wire)
    }

    /// The name with ASCII letters lowered (the DNSSEC canonical form of a name, RFC 4034 §6.2).
    public func lowercased() -> Name {
        // Length octets are at most 63, below "A" (65), so lowering every octet touches only label text.
        Name(uncheckedWire: wire.map(asciiLower))
    }

    /// True when this name equals `other` or lies below it.
    public func isSubdomain(of other: Name) -> Bool {
        let extra = wire.count - other.wire.count
        guard extra >= 0 else { return false }
        // Walk to the label boundary where the remaining length equals `other`'s length.
        var position = 0
        while position < extra {
            position += 1 + Int(wire[position])
        }
        guard position == extra else { return false }
        return equalIgnoringCase(wire[position...], other.wire[...])
    }

    /// True when this name lies strictly below `other`.
    public func isStrictSubdomain(of other: Name) -> Bool {
        wire.count > other.wire.count && isSubdomain(of: other)
    }

    /// The longest name that both names end with.
    public func commonAncestor(with other: Name) -> Name {
        var candidate = labelCount <= other.labelCount ? self : other
        let longer = labelCount <= other.labelCount ? other : self
        while !longer.isSubdomain(of: candidate) {
            guard let up = candidate.parent else { return .root }
            candidate = up
        }
        return candidate
    }

    /// True when the first label is the single asterisk of a wildcard (RFC 4592).
    public var isWildcard: Bool {
        wire.count >= 2 && wire[0] == 1 && wire[1] == UInt8(ascii: "*")
    }

    /// The RRSIG Labels field for an RRset owned by this name: wildcard label and root not counted (RFC 4034 §3.1.3).
    public var rrsigLabelCount: Int { isWildcard ? labelCount - 1 : labelCount }

    /// `*.self`, the wildcard owner a closest encloser would synthesise from (RFC 4592 §2.1.1).
    public func wildcard() throws -> Name { try prepending([UInt8(ascii: "*")]) }
}

@inline(__always)
func asciiLower(_ octet: UInt8) -> UInt8 {
    (octet >= 0x41 && octet <= 0x5A) ? octet | 0x20 : octet
}

@inline(__always)
func equalIgnoringCase(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    var i = a.startIndex
    var j = b.startIndex
    while i < a.endIndex {
        if asciiLower(a[i]) != asciiLower(b[j]) { return false }
        i += 1
        j += 1
    }
    return true
}

extension Name: Hashable {
    public static func == (lhs: Name, rhs: Name) -> Bool {
        equalIgnoringCase(lhs.wire[...], rhs.wire[...])
    }

    public func hash(into hasher: inout Hasher) {
        // Eight lowered octets at a time: one combine per word, not per octet.
        var word: UInt64 = 0
        var filled = 0
        for octet in wire {
            word = word << 8 | UInt64(asciiLower(octet))
            filled += 1
            if filled == 8 {
                hasher.combine(word)
                word = 0
                filled = 0
            }
        }
        hasher.combine(word)
        hasher.combine(wire.count)
    }

    /// Equal including case (0x20 randomisation checks need this).
    public func isIdentical(to other: Name) -> Bool { wire == other.wire }
}

extension Name: Comparable {
    /// RFC 4034 §6.1 canonical order: compare labels from the rightmost, each as lowercased octet strings,
    /// where a shorter string that is a prefix of a longer one sorts first; an ancestor sorts before its descendants.
    public static func < (lhs: Name, rhs: Name) -> Bool {
        canonicalCompare(lhs, rhs) < 0
    }

    /// -1, 0 or 1 by RFC 4034 §6.1.
    public static func canonicalCompare(_ lhs: Name, _ rhs: Name) -> Int {
        let left = lhs.labels
        let right = rhs.labels
        var i = left.count - 1
        var j = right.count - 1
        while i >= 0, j >= 0 {
            let order = compareLabels(left[i], right[j])
            if order != 0 { return order }
            i -= 1
            j -= 1
        }
        if i < 0, j < 0 { return 0 }
        return i < 0 ? -1 : 1
    }

    private static func compareLabels(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Int {
        var i = a.startIndex
        var j = b.startIndex
        while i < a.endIndex, j < b.endIndex {
            let x = asciiLower(a[i])
            let y = asciiLower(b[j])
            if x != y { return x < y ? -1 : 1 }
            i += 1
            j += 1
        }
        if a.count == b.count { return 0 }
        return a.count < b.count ? -1 : 1
    }
}
