import DNSWire

/// The RFC 5011 §4.2 state of one key of a managed trust anchor.
///
/// `start` is never stored: a key in it is one the tracker does not know (yet, or any more).
public enum ManagedKeyState: String, Sendable, Hashable, CaseIterable {
    case start, addPend, valid, missing, revoked, removed

    /// The state as RFC 5011 §4.2 names it, for state files and logs: `START`, `ADDPEND`, `VALID`, …
    public var label: String {
        switch self {
        case .start: "START"
        case .addPend: "ADDPEND"
        case .valid: "VALID"
        case .missing: "MISSING"
        case .revoked: "REVOKED"
        case .removed: "REMOVED"
        }
    }

    /// The state a label names (case-insensitive), as `label` writes it.
    public init?(label: String) {
        let upper = label.uppercased()
        guard let state = ManagedKeyState.allCases.first(where: { $0.label == upper }) else { return nil }
        self = state
    }
}

/// The timers of RFC 5011 §2.4 and Unbound's `keep-missing`, in seconds.
///
/// A lab may shorten them to watch a roll in minutes; `belowRFC` tells the caller to say so loudly.
public struct HoldDowns: Sendable, Hashable {
    public static let thirtyDays: Int64 = 2_592_000
    /// RFC 5011 §2.3: the refresh timers never go below an hour.
    public static let rfcTimerFloor: Int64 = 3600

    /// add-holddown: how long a new key must be seen before it is trusted (RFC 5011 §2.4.1, 30 days).
    public var addHoldDown: Int64 = 2_592_000
    /// del-holddown: how long a revoked key is remembered before it is removed (RFC 5011 §2.4.2, 30 days).
    public var delHoldDown: Int64 = 2_592_000
    /// keep-missing: how long a key absent from the zone stays trusted (Unbound's 366 days); 0 keeps it forever.
    /// Also how long a REMOVED key is remembered before it is forgotten.
    public var keepMissing: Int64 = 31_622_400

    public init(addHoldDown: Int64 = 2_592_000, delHoldDown: Int64 = 2_592_000, keepMissing: Int64 = 31_622_400) {
        self.addHoldDown = max(0, addHoldDown)
        self.delHoldDown = max(0, delHoldDown)
        self.keepMissing = max(0, keepMissing)
    }

    /// Floor of the active refresh and retry timers: RFC 5011 §2.3's 1 hour, but never more than a tenth of the
    /// shorter hold-down (at least 1 s), so a lab with 60 s hold-downs still refreshes every few seconds.
    public var timerFloor: Int64 {
        min(HoldDowns.rfcTimerFloor, max(1, min(addHoldDown, delHoldDown) / 10))
    }

    /// A refresh older than this makes the anchor stale (= addHoldDown: a whole add hold-down could have passed unseen).
    public var maxRefreshAge: Int64 { addHoldDown }

    /// True when any value is below the RFC's 30 days (caller logs a loud warning). keep-missing 0 means "forever".
    public var belowRFC: Bool {
        addHoldDown < HoldDowns.thirtyDays || delHoldDown < HoldDowns.thirtyDays
            || (keepMissing != 0 && keepMissing < HoldDowns.thirtyDays)
    }
}

/// One key of a managed trust anchor and where it stands in RFC 5011's life cycle.
public struct ManagedKey: Sendable, Hashable {
    /// The key tag of the key as published: a revoked key's tag includes the REVOKE bit (RFC 5011 §6), so it
    /// differs from `unrevokedKeyTag`.
    public var keyTag: UInt16
    public var algorithm: DNSSECAlgorithm
    /// The key as last published (the revoked form once revoked); nil only for an initial DS anchor never yet
    /// seen in a DNSKEY set.
    public var dnskey: DNSKEY?
    /// The initial DS the key was configured as, if any.
    public var ds: DS?
    public var state: ManagedKeyState
    /// When it entered `state`.
    public var since: Int64
    /// AddPend: start of the add hold-down.
    public var firstSeen: Int64?
    /// Last validated DNSKEY set that held it.
    public var lastSeen: Int64?
    /// Validated refreshes that held it since it entered its state.
    public var seenCount: Int

    public init(keyTag: UInt16, algorithm: DNSSECAlgorithm, dnskey: DNSKEY? = nil, ds: DS? = nil,
                state: ManagedKeyState, since: Int64, firstSeen: Int64? = nil, lastSeen: Int64? = nil,
                seenCount: Int = 0) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.dnskey = dnskey
        self.ds = ds
        self.state = state
        self.since = since
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.seenCount = seenCount
    }

    /// A key first met as a DNSKEY.
    public init(dnskey: DNSKEY, state: ManagedKeyState, since: Int64) {
        self.init(keyTag: dnskey.keyTag, algorithm: dnskey.algorithm, dnskey: dnskey, state: state, since: since)
    }

    /// VALID and MISSING keys are trust anchors (RFC 5011 §4.2).
    public var isTrusted: Bool { state == .valid || state == .missing }

    /// The key tag without the REVOKE bit: the tag the key had before it was revoked, as DS records name it.
    public var unrevokedKeyTag: UInt16 {
        if let identity { return identity.keyTag }
        return ds?.keyTag ?? keyTag
    }

    /// The key with the REVOKE bit cleared: what a revoked key is matched against (RFC 5011 §2.1).
    var identity: DNSKEY? { dnskey.map(\.unrevoked) }

    /// "key 38696 (RSASHA256)", as every message names a key.
    var name: String { "key \(keyTag) (\(algorithm))" }
}

extension DNSKEY {
    /// RFC 5011 §2.1: the REVOKE flag, bit 8 (0x0080).
    static let revokeFlag: UInt16 = 0x0080

    /// The same key with the REVOKE bit cleared.
    var unrevoked: DNSKEY {
        var copy = self
        copy.flags &= ~DNSKEY.revokeFlag
        return copy
    }

    /// RFC 5011 §2 and §6 as Unbound applies it: only a zone key (protocol 3) with the SEP bit may become a new
    /// trust anchor.
    var isTrustAnchorCandidate: Bool {
        isZoneKey && isSecureEntryPoint && self.protocol == 3 && !isRevoked
    }
}
