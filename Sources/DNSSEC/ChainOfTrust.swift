import DNSCache
import DNSWire

/// Validates one reply from a trust anchor down (RFC 4035 §5, RFC 6840), without I/O: it says which DNSKEY or
/// DS RRset it needs next, the caller fetches it (through its cache or the iterator) and hands it back.
///
/// ```swift
/// var chain = ChainOfTrust(question: q, response: r, anchor: a, crypto: c, now: now)
/// var step = chain.start()
/// while true {
///     switch step {
///     case let .needDNSKEY(zone): step = chain.provide(dnskey: lookUpDNSKEY(zone), for: zone)
///     case let .needDS(zone): step = chain.provide(ds: lookUpDS(zone), for: zone)
///     case let .done(result): return result
///     }
/// }
/// ```
///
/// Each answer and authority RRset is validated with the keys of the zone that signed it (the RRSIG's
/// signer name); to get those keys the chain walks down from the anchor one label at a time, asking DS at
/// each candidate cut: a signed DS leads to the child's DNSKEY RRset (DS match, then self-signature), a
/// proven absent DS makes everything below insecure, "not a cut" moves on. Unsigned RRsets are placed in the
/// deepest zone above their owner the same way. Signature checks share one `ValidationBudget`; the number of
/// lookups is capped by `maxLookups`.
public struct ChainOfTrust: Sendable {
    /// The named steps: what the chain is waiting for.
    enum State: Hashable, Sendable {
        case ready
        /// The DNSKEY RRset of `zone`, to be vouched for by `source`.
        case awaitingDNSKEY(zone: Name, source: KeySource)
        /// The DS RRset at `cut`, to be validated with the keys of `parent`.
        case awaitingDS(cut: Name, parent: Name)
        case finished(ChainResult)
    }

    /// What vouches for a zone's DNSKEY RRset.
    enum KeySource: Hashable, Sendable {
        case anchor
        case ds([DS])
    }

    /// What the walk has learnt about a zone.
    enum ZoneSecurity: Hashable, Sendable {
        case secure([DNSKEY])
        case insecure(ValidationReason?)
    }

    /// Which zone's keys an RRset (or a denial) needs.
    enum Target: Hashable, Sendable {
        /// Exactly this zone, named by an RRSIG's signer field.
        case signer(Name)
        /// The deepest zone at or above this name.
        case enclosing(Name)

        var name: Name {
            switch self {
            case let .signer(name), let .enclosing(name): return name
            }
        }
    }

    /// One thing to rule on: an RRset of the reply, or (`rrset` nil) the zone a denial is proven in.
    struct Item: Hashable, Sendable {
        var rrset: SignedRRSet?
        var section: ChainSection
        var target: Target
        var zone: Name?
        var validation: RRSetValidation?
        var verdict: Verdict?
    }

    public let question: Question
    public let response: ChainResponse
    public let anchor: AnchorKeys
    let crypto: any DNSSECCrypto
    let limits: ValidationLimits
    let now: Int64
    /// DS and DNSKEY lookups allowed for this reply (zone cuts and non-cuts together).
    public let maxLookups: Int

    var state = State.ready
    var budget: ValidationBudget
    var lookups = 0
    var zones: [Name: ZoneSecurity] = [:]
    var notCuts: Set<Name> = []
    var items: [Item] = []
    var cursor = 0
    var chain: [ValidatedRRSet] = []
    var budgetFailure: ValidationReason?

    public init(question: Question, response: ChainResponse, anchor: AnchorKeys, crypto: any DNSSECCrypto,
                limits: ValidationLimits = ValidationLimits(), budget: ValidationBudget = ValidationBudget(),
                maxLookups: Int = 48, now: Int64) {
        self.question = question
        self.response = response
        self.anchor = anchor
        self.crypto = crypto
        self.limits = limits
        self.budget = budget
        self.maxLookups = max(1, maxLookups)
        self.now = now
    }

    /// The first step: usually the anchor zone's DNSKEY RRset.
    public mutating func start() -> ChainStep {
        guard case .ready = state else { return current }
        items = ChainOfTrust.items(for: question, response: response)
        guard items.contains(where: { $0.target.name.isSubdomain(of: anchor.zone) }) else {
            return finish(.insecure(nil), status: .indeterminate)
        }
        if let problem = anchor.problem { return fail(Failure(reason: problem)) }
        return request(.needDNSKEY(zone: anchor.zone), then: .awaitingDNSKEY(zone: anchor.zone, source: .anchor))
    }

    /// Hand over the DNSKEY RRset of `zone` (nil when it could not be had). A `.secure` or `.insecure` status
    /// from the cache is taken as it is; anything else is checked.
    public mutating func provide(dnskey: SignedRRSet?, status: SecurityStatus = .unchecked, for zone: Name) -> ChainStep {
        guard case let .awaitingDNSKEY(expected, source) = state, expected == zone else { return unexpected(zone) }
        state = .ready
        if let step = acceptDNSKEY(dnskey, status: status, zone: zone, source: source) { return step }
        return advance()
    }

    /// Hand over the outcome of the DS lookup at `zone`.
    public mutating func provide(ds lookup: DSLookup, for zone: Name) -> ChainStep {
        guard case let .awaitingDS(cut, parent) = state, cut == zone else { return unexpected(zone) }
        state = .ready
        switch lookup {
        case let .signed(rrset, status):
            if let step = acceptDS(rrset, status: status, cut: cut, parent: parent) { return step }
        case let .denied(records):
            if let step = acceptDenial(records, cut: cut, parent: parent) { return step }
        case .notACut:
            notCuts.insert(cut)
        case let .failed(text, unreachable):
            let reason = ValidationReason(.dnskeyMissing, "DS lookup at \(cut) failed: \(text)")
            return fail(Failure(reason: reason, code: unreachable ? .noReachableAuthority : nil))
        }
        return advance()
    }

    /// The step the chain is at, for a caller that lost it.
    public var current: ChainStep {
        switch state {
        case let .awaitingDNSKEY(zone, _): return .needDNSKEY(zone: zone)
        case let .awaitingDS(cut, _): return .needDS(zone: cut)
        case let .finished(result): return .done(result)
        case .ready: return .needDNSKEY(zone: anchor.zone)
        }
    }

    /// A bogus outcome with the EDE to give, when it differs from the reason's own code.
    struct Failure: Error, Hashable {
        var reason: ValidationReason
        var code: ExtendedDNSErrorCode?
    }

    mutating func request(_ step: ChainStep, then next: State) -> ChainStep {
        guard lookups < maxLookups else {
            return fail(Failure(reason: ValidationReason(.limitExceeded,
                "more than \(maxLookups) DS/DNSKEY lookups needed to validate \(question.name) \(question.type)")))
        }
        lookups += 1
        state = next
        return step
    }

    mutating func unexpected(_ zone: Name) -> ChainStep {
        if case .finished = state { return current }
        return fail(Failure(reason: ValidationReason(.malformed, "the chain was handed data for \(zone) it did not ask for")))
    }
}
