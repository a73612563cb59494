import DNSWire

/// The trust anchors the validator starts from, keyed by zone, and the negative trust anchors that switch
/// validation off below a name (RFC 7646, `domain-insecure:`).
///
/// A value: built once from the configuration (`load(files:negative:)`) and handed to each resolver.
public struct TrustAnchorStore: Hashable, Sendable {
    /// Positive anchors by zone (`Name` compares and hashes case-insensitively).
    public private(set) var anchors: [Name: TrustAnchor]
    /// Negative trust anchors: names at or below these are treated as insecure.
    public private(set) var negativeAnchors: Set<Name>

    public init(anchors: [TrustAnchor] = [], negativeAnchors: [Name] = []) {
        self.anchors = [:]
        self.negativeAnchors = Set(negativeAnchors)
        for anchor in anchors { add(anchor) }
    }

    /// The built-in root anchors (`RootAnchors`) and no negative anchors.
    public static let builtIn = TrustAnchorStore(anchors: [RootAnchors.anchor])

    /// Adds an anchor, merging its keys into an anchor already held for the same zone.
    public mutating func add(_ anchor: TrustAnchor) {
        var merged = anchors[anchor.zone] ?? TrustAnchor(zone: anchor.zone)
        for key in anchor.keys { merged.add(key) }
        anchors[anchor.zone] = merged
    }

    /// Puts `anchor` in place of whatever is held for its zone (a managed anchor's trusted keys after a refresh).
    public mutating func replace(_ anchor: TrustAnchor) {
        anchors[anchor.zone] = anchor
    }

    /// Adds a negative trust anchor (RFC 7646 §2).
    public mutating func addNegativeAnchor(_ name: Name) {
        negativeAnchors.insert(name)
    }

    /// The deepest positive anchor at or above `name`, ignoring negative anchors (see `lookup(_:)`).
    public func closestAnchor(for name: Name) -> TrustAnchor? {
        var candidate: Name? = name
        while let current = candidate {
            if let anchor = anchors[current] { return anchor }
            candidate = current.parent
        }
        return nil
    }

    /// The deepest negative anchor at or above `name`.
    public func closestNegativeAnchor(for name: Name) -> Name? {
        guard !negativeAnchors.isEmpty else { return nil }
        var candidate: Name? = name
        while let current = candidate {
            if let found = negativeAnchors.first(where: { $0 == current }) { return found }
            candidate = current.parent
        }
        return nil
    }

    /// True when `name` is at or below a negative trust anchor and no positive anchor lies between them.
    ///
    /// RFC 7646 §2: an NTA overrides the positive anchors above it (and one at its own name); a positive anchor
    /// configured below the NTA starts a chain of trust of its own and wins for names under it.
    public func isNegativelyAnchored(_ name: Name) -> Bool {
        if case .negativeAnchor = lookup(name) { return true }
        return false
    }

    /// Where validation of `name` starts: the governing anchor, an NTA that turns it off, or nothing.
    public func lookup(_ name: Name) -> AnchorLookup {
        let positive = closestAnchor(for: name)
        guard let negative = closestNegativeAnchor(for: name) else {
            return positive.map(AnchorLookup.anchor) ?? .unanchored
        }
        if let positive, positive.zone.isStrictSubdomain(of: negative) { return .anchor(positive) }
        return .negativeAnchor(negative)
    }
}

/// What governs the validation of one name (`TrustAnchorStore.lookup(_:)`).
public enum AnchorLookup: Hashable, Sendable {
    /// Validate from this anchor down.
    case anchor(TrustAnchor)
    /// RFC 7646: below this negative trust anchor answers are insecure, never bogus.
    case negativeAnchor(Name)
    /// No anchor at or above the name: it cannot be validated, so it is insecure (RFC 4035 §4.3).
    case unanchored
}

extension TrustAnchorStore: CustomStringConvertible {
    /// The anchors as zone-file text, sorted in canonical order, then the negative anchors as comments:
    /// what `anchord --show-anchors` prints, and text `TrustAnchorFile` reads back.
    public var description: String {
        var lines = ["; trust anchors"]
        for zone in anchors.keys.sorted() {
            if let anchor = anchors[zone] { lines += anchor.zoneFileLines }
        }
        if !negativeAnchors.isEmpty {
            lines.append("; negative trust anchors (domain-insecure, RFC 7646)")
            lines += negativeAnchors.sorted().map { "; \($0.text)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
