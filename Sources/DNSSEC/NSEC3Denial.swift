import DNSWire

/// One NSEC3 record with its owner's hash decoded (RFC 5155 §3: the owner is `<base32hex hash>.<zone>`).
struct NSEC3Record: Hashable, Sendable {
    var owner: Name
    var hash: [UInt8]
    var nsec3: NSEC3

    /// Nil unless the owner is one base32hex label directly below `zone` and the hash is as long as the next
    /// hashed owner name.
    init?(owner: Name, nsec3: NSEC3, zone: Name) {
        guard owner.parent == zone,
              let hash = try? Base32Hex.decode(String(decoding: owner.firstLabel, as: UTF8.self)),
              !hash.isEmpty, hash.count == nsec3.nextHashedOwner.count
        else { return nil }
        self.owner = owner
        self.hash = hash
        self.nsec3 = nsec3
    }

    var parameters: NSEC3Parameters {
        NSEC3Parameters(algorithm: nsec3.hashAlgorithm, iterations: nsec3.iterations, salt: nsec3.salt)
    }
}

/// The hash parameters an NSEC3 record was made with; a proof uses records of one parameter set only.
struct NSEC3Parameters: Hashable, Sendable {
    var algorithm: UInt8
    var iterations: UInt16
    var salt: [UInt8]
}

/// NSEC3 denial (RFC 5155 §8): sorts out the records that may be used, then tries each parameter set.
struct NSEC3Denial {
    let zone: Name
    let crypto: any DNSSECCrypto
    let limits: ValidationLimits

    /// RFC 5155 §8.1–§8.2 and RFC 9276 §3.2: records with flags other than opt-out, with a hash algorithm other
    /// than SHA-1 (1), or with more than `limits.maxNSEC3Iterations` iterations are ignored; if only such
    /// records remain, the answer is insecure (iterations, unknown hash) or bogus (nothing usable at all).
    func prove(_ claim: DenialClaim, records: [(owner: Name, record: NSEC3)],
               budget: inout ValidationBudget) -> DenialResult {
        var usable: [NSEC3Record] = []
        var tooManyIterations: UInt16?
        var unknownAlgorithm: UInt8?
        for (owner, nsec3) in records {
            guard let record = NSEC3Record(owner: owner, nsec3: nsec3, zone: zone), nsec3.flags & 0xFE == 0 else { continue }
            guard nsec3.hashAlgorithm == 1 else {
                unknownAlgorithm = nsec3.hashAlgorithm
                continue
            }
            guard nsec3.iterations <= limits.maxNSEC3Iterations else {
                tooManyIterations = nsec3.iterations
                continue
            }
            usable.append(record)
        }
        guard !usable.isEmpty else {
            if let iterations = tooManyIterations {
                return DenialResult(verdict: .insecure(ValidationReason(.unsupportedNSEC3Iterations,
                    "NSEC3 of zone \(zone) uses \(iterations) iterations, above the limit of \(limits.maxNSEC3Iterations)")))
            }
            if let algorithm = unknownAlgorithm {
                return DenialResult(verdict: .insecure(ValidationReason(.unsupportedNSEC3Hash,
                    "NSEC3 of zone \(zone) uses unknown hash algorithm \(algorithm)")))
            }
            return .bogus(.nsecMissing, "no usable NSEC3 of zone \(zone) to prove \(claim.summary)")
        }

        var sets: [NSEC3Parameters] = []
        for record in usable where !sets.contains(record.parameters) { sets.append(record.parameters) }
        var fallback: DenialResult?
        for parameters in sets.prefix(limits.maxNSEC3ParameterSets) {
            var prover = NSEC3Prover(zone: zone, records: usable.filter { $0.parameters == parameters },
                                     parameters: parameters, crypto: crypto)
            let result = prover.prove(claim, budget: &budget)
            switch result.verdict {
            case .secure:
                return result
            case .insecure:
                if fallback?.verdict.isInsecure != true { fallback = result }
            case let .bogus(reason):
                if reason.kind == .limitExceeded { return result }
                if fallback == nil { fallback = result }
            }
        }
        return fallback ?? .bogus(.nsecMissing, "no NSEC3 of zone \(zone) proves \(claim.summary)")
    }
}
