import DNSCache
import DNSWire

/// Identifies one question being resolved (a client's, or an NS-address lookup made on its behalf).
public struct ResolutionID: Hashable, Sendable, Comparable {
    public let rawValue: UInt64
    public static func < (lhs: ResolutionID, rhs: ResolutionID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What is known of one name server name's addresses, per family; nil means not known yet.
struct AddressSet: Equatable {
    var v4: [IPv4Address]?
    var v6: [IPv6Address]?

    mutating func merge(_ other: AddressSet) {
        if let more = other.v4 { v4 = (v4 ?? []) + more.filter { !(v4 ?? []).contains($0) } }
        if let more = other.v6 { v6 = (v6 ?? []) + more.filter { !(v6 ?? []).contains($0) } }
    }

    static func from(_ rrsets: [SignedRRSet]) -> AddressSet {
        var set = AddressSet()
        for signed in rrsets {
            for rdata in signed.rrset.rdatas {
                switch rdata {
                case let .a(address): set.v4 = (set.v4 ?? []) + [address]
                case let .aaaa(address): set.v6 = (set.v6 ?? []) + [address]
                default: break
                }
            }
        }
        return set
    }
}

/// The delegation the resolution is working from: the zone, its servers' names, and what was tried.
struct ZoneCut {
    var zone: Name
    var nsNames: [Name]
    /// Addresses known without the cache: hints, glue from the referral, results of NS-address lookups.
    var addresses: [Name: AddressSet] = [:]
    var triedServers: Set<ServerAddress> = []
    /// Completed rounds over the servers (see `WorkLimits.maxServerRounds`).
    var rounds = 1
    var lookedUp: Set<Question> = []
    var fromHints = false
}

/// One question's iteration state (RFC 1034 §5.3.3), advanced by the resolver in small named steps.
struct Resolution {
    enum Purpose: Equatable {
        /// Asked by clients (who wait in the driver's table).
        case client
        /// The address of an NS name, needed by the parent resolution.
        case nsAddress(parent: ResolutionID)
        /// `. NS` from the root hints (RFC 8109).
        case priming
        /// A DNSKEY or DS RRset the chain of trust of a client answer needs.
        case chainLookup(validation: ResolutionID)
        /// Work no client waits for (an RFC 5011 refresh, an RFC 8145 signal); its answer is not validated here.
        case background(BackgroundTask)
    }

    let id: ResolutionID
    let question: Question
    let purpose: Purpose
    /// The client resolution whose work budget this one spends.
    let budgetOwner: ResolutionID
    /// Questions of the resolutions this one is nested in: never looked up again below (cycle breaking).
    let ancestry: [Question]
    /// When resolution started (monotonic milliseconds).
    let started: UInt64

    /// The name being resolved now (the question's name, or the target of the last CNAME/DNAME).
    var name: Name
    /// CNAME/DNAME RRsets followed so far, in order.
    var chain: [SignedRRSet] = []
    /// NSEC/NSEC3 RRsets that came with positive answers (wildcard proofs), for validation and DO clients.
    var proofs: [SignedRRSet] = []
    var cut: ZoneCut?
    var referrals = 0
    var minimise: Bool
    /// Labels of `name` sent in the last minimised query.
    var minimisedLabels = 0
    var primingTried = false
    /// Ask the servers even when the cache holds an answer (an RFC 5011 refresh must see the zone's current keys).
    var bypassCache = false
    /// Waiting for an upstream reply, a nested lookup or priming; not advanced until that ends.
    var waiting = false

    init(id: ResolutionID, question: Question, purpose: Purpose, budgetOwner: ResolutionID, ancestry: [Question],
         minimise: Bool, started: UInt64) {
        self.id = id
        self.started = started
        self.question = question
        self.purpose = purpose
        self.budgetOwner = budgetOwner
        self.ancestry = ancestry
        self.name = question.name
        self.minimise = minimise
    }

    /// The question for the name being resolved now.
    var current: Question { Question(name: name, type: question.type, rrClass: question.rrClass) }
}

/// The work one client question has caused so far, checked against `WorkLimits`: one budget for the question
/// and everything it causes (CNAME targets, NS-address lookups, the DNSKEY and DS lookups of its validation),
/// kept until its clients are answered. Priming and background work have budgets of their own.
struct WorkBudget {
    /// The question the budget's owner was started for.
    var question: Question
    /// When the owner must be answered, whatever is in flight (monotonic milliseconds).
    var deadline: UInt64
    var upstreamQueries = 0
    var nsLookups = 0
    var failedNSLookups = 0
    /// What each server's path did, for the Extended DNS Error of a failure.
    var paths = PathReport()
}
