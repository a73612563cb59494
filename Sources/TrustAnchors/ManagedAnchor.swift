import DNSCache
import DNSSEC
import DNSWire

/// Why a managed anchor cannot be used.
public enum AnchorProblem: Sendable, Hashable {
    /// The last DNSKEY RRset fetched is not signed by any trusted key (a resolver offline through a roll, or a
    /// roll done in the wrong order).
    case noTrustedSigner(signing: [UInt16], trusted: [UInt16])
    /// No trusted key left at all (e.g. every trusted key revoked).
    case noTrustedKey
}

/// Whether a managed anchor can be relied on, and what an operator should do when it cannot.
public enum AnchorHealth: Sendable, Hashable {
    case ok
    /// The last successful refresh is older than `HoldDowns.maxRefreshAge` (or there never was one and the
    /// keys were loaded that long ago): a whole add hold-down may have passed unseen.
    case stale(lastSuccess: Int64?)
    case broken(AnchorProblem)

    /// Only `.ok`.
    public var isUsable: Bool { self == .ok }

    /// One sentence an operator can act on, naming key tags.
    public var text: String {
        switch self {
        case .ok:
            return "the trust anchor is up to date"
        case let .stale(lastSuccess):
            let when = lastSuccess.map { "since \(UTCTime.text($0))" } ?? "ever"
            return "no DNSKEY RRset has been validated \(when), so a key roll may have been missed: check that the "
                + "zone's servers are reachable, or install a current trust anchor and delete the state file"
        case let .broken(.noTrustedSigner(signing, trusted)):
            return "the DNSKEY RRset is signed by \(keyList(signing)) but the trusted \(keyList(trusted, noun: "key")) "
                + "signs none of it (a roll missed while offline, or done in the wrong order): check the new key out "
                + "of band, install it as the trust anchor and delete the state file"
        case .broken(.noTrustedKey):
            return "no trusted key is left (every key revoked or removed): install a current trust anchor and delete "
                + "the state file"
        }
    }
}

/// "key 20326", "keys 20326, 38696", "no key".
func keyList(_ tags: [UInt16], noun: String = "key") -> String {
    switch tags.count {
    case 0: return "no \(noun)"
    case 1: return "\(noun) \(tags[0])"
    default: return "\(noun)s " + tags.map(String.init).joined(separator: ", ")
    }
}

/// One key's change of RFC 5011 state, with a sentence for the log.
public struct KeyChange: Sendable, Hashable {
    public var keyTag: UInt16
    public var algorithm: DNSSECAlgorithm
    /// nil for a key first seen; `.start` means the key is new to the tracker.
    public var from: ManagedKeyState?
    /// `.start` for a key the tracker forgets.
    public var to: ManagedKeyState
    /// "key 38696 (RSASHA256) of . : ADDPEND → VALID after the add hold-down".
    public var text: String

    public init(keyTag: UInt16, algorithm: DNSSECAlgorithm, from: ManagedKeyState?, to: ManagedKeyState, text: String) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.from = from
        self.to = to
        self.text = text
    }
}

/// What one refresh did.
public struct RefreshOutcome: Sendable, Hashable {
    /// The DNSKEY RRset validated with a trusted key and was acted on.
    public var accepted: Bool
    public var changes: [KeyChange]
    /// Why it was not accepted.
    public var message: String?

    public init(accepted: Bool, changes: [KeyChange] = [], message: String? = nil) {
        self.accepted = accepted
        self.changes = changes
        self.message = message
    }
}

/// A trust anchor maintained by RFC 5011 automated updates: the keys of one zone with their states, and the
/// refresh schedule.
///
/// A value and sans-I/O: the caller fetches the zone's DNSKEY RRset when `nextRefresh` comes, hands it to
/// `refresh(with:…)` (or reports the failure to `refreshFailed`), writes `AnchorStateFile.encode` out and
/// gives `trustedAnchor` to the validator. Time is always the caller's `now`, wall-clock seconds.
public struct ManagedAnchor: Sendable, Hashable {
    public let zone: Name
    public var keys: [ManagedKey]
    /// Last successful (accepted) refresh.
    public var lastSuccess: Int64?
    public var lastAttempt: Int64?
    /// When the caller must refresh next (wall clock); also the moment an add or remove hold-down ends,
    /// whichever is first.
    public var nextRefresh: Int64
    /// Consecutive failed refreshes.
    public var failures: Int
    public var lastError: String?
    public var problem: AnchorProblem?
    /// Original TTL of the last accepted DNSKEY RRset (from the RRSIG that validated it).
    public var originalTTL: UInt32?
    /// Expiration of the RRSIG that validated the last accepted DNSKEY RRset, wall-clock seconds: the
    /// "remaining signature validity" of the RFC 5011 §2.3 timers.
    public var signatureExpiration: Int64?

    /// The initial managed anchor from configuration (DS and/or DNSKEY keys, all VALID, since = now,
    /// nextRefresh = now).
    ///
    /// A DS and a DNSKEY given for the same key stay two entries until the first accepted refresh shows the DS
    /// matches the DNSKEY (that needs the crypto port); then they become one.
    ///
    /// A DS and a DNSKEY of the same key tag and algorithm (a file that gives one key in both forms, as
    /// `dnssec-dsfromkey` output next to the key does) are one key.
    public init(initial: TrustAnchor, now: Int64) {
        var keys: [ManagedKey] = []
        for key in initial.keys {
            switch key.record {
            case let .ds(ds):
                if let same = keys.firstIndex(where: { $0.ds == nil && $0.keyTag == ds.keyTag && $0.algorithm == ds.algorithm }) {
                    keys[same].ds = ds
                } else {
                    keys.append(ManagedKey(keyTag: ds.keyTag, algorithm: ds.algorithm, ds: ds, state: .valid, since: now))
                }
            case let .dnskey(dnskey):
                if let same = keys.firstIndex(where: { $0.dnskey == nil && $0.keyTag == dnskey.keyTag && $0.algorithm == dnskey.algorithm }) {
                    keys[same].dnskey = dnskey
                } else {
                    keys.append(ManagedKey(dnskey: dnskey, state: .valid, since: now))
                }
            }
        }
        self.init(zone: initial.zone, keys: keys, nextRefresh: now)
    }

    /// Every field given, as a state file holds them.
    public init(zone: Name, keys: [ManagedKey], lastSuccess: Int64? = nil, lastAttempt: Int64? = nil,
                nextRefresh: Int64, failures: Int = 0, lastError: String? = nil, problem: AnchorProblem? = nil,
                originalTTL: UInt32? = nil, signatureExpiration: Int64? = nil) {
        self.zone = zone
        self.keys = keys
        self.lastSuccess = lastSuccess
        self.lastAttempt = lastAttempt
        self.nextRefresh = nextRefresh
        self.failures = failures
        self.lastError = lastError
        self.problem = problem
        self.originalTTL = originalTTL
        self.signatureExpiration = signatureExpiration
    }

    /// Trusted keys (VALID and MISSING) as a TrustAnchor the validator can use: DNSKEY form when known, else the DS.
    public var trustedAnchor: TrustAnchor {
        TrustAnchor(zone: zone, keys: keys.filter(\.isTrusted).compactMap { key in
            if let dnskey = key.dnskey, !dnskey.isRevoked { return AnchorKey(dnskey: dnskey) }
            return key.ds.map { AnchorKey(ds: $0) }
        })
    }

    /// Tags of the trusted keys, sorted.
    var trustedTags: [UInt16] { keys.filter(\.isTrusted).map(\.keyTag).sorted() }

    /// Broken when a problem is recorded or no key is trusted; stale when no refresh succeeded for
    /// `timers.maxRefreshAge` (counted from the last success, or, when there never was one, from when the keys
    /// last changed state: a fresh initial anchor is not stale, a state file that sat unused for months is).
    public func health(timers: HoldDowns, now: Int64) -> AnchorHealth {
        if let problem { return .broken(problem) }
        guard keys.contains(where: \.isTrusted) else { return .broken(.noTrustedKey) }
        if let reference = lastSuccess ?? keys.map(\.since).max(), now - reference > timers.maxRefreshAge {
            return .stale(lastSuccess: lastSuccess)
        }
        return .ok
    }

    /// A change of `key` from `from` to `to`, with the reason in words.
    func change(_ key: ManagedKey, from: ManagedKeyState?, to: ManagedKeyState, _ why: String) -> KeyChange {
        let states = from.map { "\($0.label) → \(to.label)" } ?? to.label
        return KeyChange(keyTag: key.keyTag, algorithm: key.algorithm, from: from, to: to,
                         text: "\(key.name) of \(zone.text) : \(states) \(why)")
    }
}
