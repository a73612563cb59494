import DNSWire

/// Why a proof stopped early: the result to return as it is.
struct ProofStop: Error {
    var result: DenialResult
}

/// The closest encloser proof of RFC 5155 §7.2.1 / §8.3.
struct ClosestEncloserProof {
    /// The longest existing ancestor of the name, matched by an NSEC3.
    var closestEncloser: Name
    /// The ancestor one label longer, covered by an NSEC3.
    var nextCloser: Name
    /// Whether the NSEC3 covering the next closer name has opt-out set (RFC 5155 §9.2: then unsigned
    /// delegations may hide in the span and the proof is not secure).
    var optOut: Bool
}

/// The RFC 5155 §8 proofs over the NSEC3 records of one parameter set, hashing each name at most once.
struct NSEC3Prover {
    let zone: Name
    let records: [NSEC3Record]
    let parameters: NSEC3Parameters
    let crypto: any DNSSECCrypto
    private var hashes: [Name: [UInt8]] = [:]

    init(zone: Name, records: [NSEC3Record], parameters: NSEC3Parameters, crypto: any DNSSECCrypto) {
        self.zone = zone
        self.records = records
        self.parameters = parameters
        self.crypto = crypto
    }

    mutating func prove(_ claim: DenialClaim, budget: inout ValidationBudget) -> DenialResult {
        do {
            switch claim {
            case let .nameError(name): return try nameError(name, budget: &budget)
            case let .noData(name, type): return try noData(name, type, budget: &budget)
            case let .wildcardAnswer(expansion): return try wildcardAnswer(expansion, budget: &budget)
            case let .unsignedDelegation(child): return try unsignedDelegation(child, budget: &budget)
            }
        } catch {
            return error.result
        }
    }

    // MARK: - Hashing and intervals

    /// The NSEC3 hash of `name` (RFC 5155 §5), paid from `budget` the first time (CVE-2023-50868).
    mutating func hash(_ name: Name, budget: inout ValidationBudget) throws(ProofStop) -> [UInt8] {
        if let known = hashes[name] { return known }
        guard budget.spendNSEC3Hash() else {
            throw ProofStop(result: .bogus(.limitExceeded, "NSEC3 hash budget spent proving a denial in zone \(zone)"))
        }
        guard let value = crypto.nsec3Hash(of: name, algorithm: parameters.algorithm, salt: parameters.salt,
                                           iterations: parameters.iterations) else {
            throw ProofStop(result: DenialResult(verdict: .insecure(ValidationReason(.unsupportedNSEC3Hash,
                "NSEC3 hash algorithm \(parameters.algorithm) of zone \(zone) is not supported here"))))
        }
        hashes[name] = value
        return value
    }

    /// The NSEC3 whose owner hash equals `hash` (RFC 5155 §8.3 "matches").
    func matching(_ hash: [UInt8]) -> NSEC3Record? {
        records.first { $0.hash == hash }
    }

    /// The NSEC3 whose interval holds `hash` (RFC 5155 §8.3 "covers"): owner < hash < next, or for the last
    /// record of the chain, whose next hash wraps to the first, hash > owner or hash < next.
    func covering(_ hash: [UInt8]) -> NSEC3Record? {
        records.first { record in
            let next = record.nsec3.nextHashedOwner
            guard hash.count == record.hash.count else { return false }
            let afterOwner = record.hash.lexicographicallyPrecedes(hash)
            let beforeNext = hash.lexicographicallyPrecedes(next)
            return record.hash.lexicographicallyPrecedes(next) ? afterOwner && beforeNext : afterOwner || beforeNext
        }
    }

    /// RFC 5155 §8.3: walk up from `name` to the first ancestor an NSEC3 matches (the closest encloser) and
    /// require an NSEC3 covering the next closer name. The closest encloser's record must not be a delegation or
    /// DNAME (RFC 5155 §8.3, RFC 6840 §4.1). `name` itself must not match: the caller has checked that.
    mutating func closestEncloser(of name: Name, budget: inout ValidationBudget) throws(ProofStop) -> ClosestEncloserProof {
        guard name.isStrictSubdomain(of: zone) else {
            throw ProofStop(result: .bogus(.malformed, "\(name) is not below zone \(zone)"))
        }
        var longer = name
        var candidate = name.parent ?? zone
        while true {
            if let record = matching(try hash(candidate, budget: &budget)) {
                if record.nsec3.types.blocksDescendants {
                    throw ProofStop(result: .bogus(.malformed,
                        "the NSEC3 for \(candidate) is a delegation or DNAME and cannot deny \(longer)"))
                }
                guard let cover = covering(try hash(longer, budget: &budget)) else {
                    throw ProofStop(result: .bogus(.nsecMissing, "no NSEC3 of zone \(zone) covers the next closer name \(longer)"))
                }
                return ClosestEncloserProof(closestEncloser: candidate, nextCloser: longer, optOut: cover.nsec3.isOptOut)
            }
            guard candidate != zone, let parent = candidate.parent else {
                throw ProofStop(result: .bogus(.nsecMissing, "no NSEC3 of zone \(zone) matches an ancestor of \(name)"))
            }
            longer = candidate
            candidate = parent
        }
    }

    /// A secure result, or insecure when the closest encloser proof rests on an opt-out span (RFC 5155 §9.2).
    func result(_ proof: DenialProof, optOut: Bool, nextCloser: Name) -> DenialResult {
        guard optOut else { return .secure(proof) }
        return DenialResult(verdict: .insecure(ValidationReason(.optOut,
            "\(nextCloser) lies in an NSEC3 opt-out span of zone \(zone)")), proof: proof)
    }
}
