import DNSWire

/// A zone whose keys are trusted without proof from a parent: the start of a chain of trust (RFC 4033 §2,
/// RFC 4035 §4.4). An anchor may be given as DS records, DNSKEY records, or both.
///
/// Ready for RFC 5011: each trusted key is an `AnchorKey` value, not a bare DS or DNSKEY, so the managed-anchor
/// tracker can give `AnchorKey` a per-key state (add a stored property with a default, e.g. the RFC 5011 §4.2
/// state and the time it was entered) without changing the callers, which read `dsRecords` and `dnskeyRecords`.
public struct TrustAnchor: Hashable, Sendable {
    /// The anchored zone: the owner name of its DS or DNSKEY records.
    public let zone: Name
    /// The trusted keys, in the order they were given, without duplicates.
    public private(set) var keys: [AnchorKey]

    public init(zone: Name, keys: [AnchorKey] = []) {
        self.zone = zone
        self.keys = []
        for key in keys { add(key) }
    }

    /// Adds a key unless the same key is already here.
    public mutating func add(_ key: AnchorKey) {
        if !keys.contains(key) { keys.append(key) }
    }

    /// The anchor's DS form: what a DS RRset from the parent would say (RFC 4035 §5.2).
    public var dsRecords: [DS] {
        keys.compactMap { if case let .ds(ds) = $0.record { ds } else { nil } }
    }

    /// The anchor's DNSKEY form: keys trusted as they are (RFC 4035 §5).
    public var dnskeyRecords: [DNSKEY] {
        keys.compactMap { if case let .dnskey(key) = $0.record { key } else { nil } }
    }

    /// The anchor as zone-file lines (`. IN DS 20326 8 2 E06D…`), one per key, readable by `TrustAnchorFile`.
    public var zoneFileLines: [String] {
        keys.map { "\(zone.text) IN \($0.type) \($0.rdata.text)" }
    }
}

extension TrustAnchor: CustomStringConvertible {
    public var description: String { zoneFileLines.joined(separator: "\n") }
}

/// One trusted key of an anchor, in the form it was configured: a DS digest of the key, or the DNSKEY itself.
public struct AnchorKey: Hashable, Sendable {
    /// How the key is given (RFC 4033 §2: either form may serve as a trust anchor).
    public enum Record: Hashable, Sendable {
        case ds(DS)
        case dnskey(DNSKEY)
    }

    public var record: Record

    public init(_ record: Record) { self.record = record }
    public init(ds: DS) { self.record = .ds(ds) }
    public init(dnskey: DNSKEY) { self.record = .dnskey(dnskey) }

    /// The key tag: the DS's own field, or computed from the DNSKEY (RFC 4034 Appendix B).
    public var keyTag: UInt16 {
        switch record {
        case let .ds(ds): ds.keyTag
        case let .dnskey(key): key.keyTag
        }
    }

    public var algorithm: DNSSECAlgorithm {
        switch record {
        case let .ds(ds): ds.algorithm
        case let .dnskey(key): key.algorithm
        }
    }

    public var type: RRType {
        switch record {
        case .ds: .ds
        case .dnskey: .dnskey
        }
    }

    public var rdata: RData {
        switch record {
        case let .ds(ds): .ds(ds)
        case let .dnskey(key): .dnskey(key)
        }
    }
}
