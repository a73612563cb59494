import DNSWire

extension NSEC3Prover {
    /// RFC 5155 §8.4: a closest encloser proof for the name, and an NSEC3 covering the wildcard at the closest
    /// encloser.
    mutating func nameError(_ name: Name, budget: inout ValidationBudget) throws(ProofStop) -> DenialResult {
        guard name.isStrictSubdomain(of: zone) else { return .bogus(.malformed, "\(name) is not below zone \(zone)") }
        if matching(try hash(name, budget: &budget)) != nil {
            return .bogus(.malformed, "NSEC3 of zone \(zone) shows \(name) exists")
        }
        let proof = try closestEncloser(of: name, budget: &budget)
        guard let wildcard = try? proof.closestEncloser.wildcard() else {
            return .bogus(.malformed, "no wildcard fits below \(proof.closestEncloser)")
        }
        let wildcardHash = try hash(wildcard, budget: &budget)
        if matching(wildcardHash) != nil {
            return .bogus(.malformed, "\(wildcard) exists, so \(name) should have been answered")
        }
        guard covering(wildcardHash) != nil else {
            return .bogus(.nsecMissing, "no NSEC3 of zone \(zone) covers \(wildcard)")
        }
        return result(DenialProof(kind: .nameError, closestEncloser: proof.closestEncloser),
                      optOut: proof.optOut, nextCloser: proof.nextCloser)
    }

    /// RFC 5155 §8.5 (an NSEC3 matching the name lacks the type and CNAME), §8.6 (DS: a matching NSEC3 without
    /// DS, or the next closer name in an opt-out span — insecure), §8.7 (wildcard NODATA: closest encloser
    /// proof and an NSEC3 matching the wildcard without the type).
    mutating func noData(_ name: Name, _ type: RRType, budget: inout ValidationBudget) throws(ProofStop) -> DenialResult {
        guard name.isSubdomain(of: zone) else { return .bogus(.malformed, "\(name) is not in zone \(zone)") }
        if type == .ds, name == zone, !zone.isRoot {
            return .bogus(.malformed, "the denial of DS at \(name) comes from the zone itself, not its parent")
        }
        if let record = matching(try hash(name, budget: &budget)) {
            if let problem = NSECChain.typeProblem(record.nsec3.types, name: name, type: type) {
                return .bogus(.malformed, "NSEC3 for \(name): \(problem)")
            }
            return .secure(DenialProof(kind: .noData, types: record.nsec3.types))
        }
        let proof = try closestEncloser(of: name, budget: &budget)
        if type == .ds {
            guard proof.optOut else {
                return .bogus(.nsecMissing, "no NSEC3 of zone \(zone) matches \(name), and no opt-out span covers it")
            }
            return result(DenialProof(kind: .noData, closestEncloser: proof.closestEncloser),
                          optOut: true, nextCloser: proof.nextCloser)
        }
        guard let wildcard = try? proof.closestEncloser.wildcard(),
              let record = matching(try hash(wildcard, budget: &budget)) else {
            return .bogus(.nsecMissing, "no NSEC3 of zone \(zone) matches \(name) or the wildcard at its closest encloser")
        }
        if let problem = NSECChain.typeProblem(record.nsec3.types, name: wildcard, type: type) {
            return .bogus(.malformed, "NSEC3 for \(wildcard): \(problem)")
        }
        return result(DenialProof(kind: .wildcardNoData, closestEncloser: proof.closestEncloser, types: record.nsec3.types),
                      optOut: proof.optOut, nextCloser: proof.nextCloser)
    }

    /// RFC 5155 §8.8: an NSEC3 covers the next closer name of the wildcard expansion.
    mutating func wildcardAnswer(_ expansion: WildcardExpansion, budget: inout ValidationBudget) throws(ProofStop) -> DenialResult {
        let nextCloser = expansion.nextCloser
        guard expansion.closestEncloser.isSubdomain(of: zone) else {
            return .bogus(.malformed, "the wildcard for \(expansion.name) is not in zone \(zone)")
        }
        let nextCloserHash = try hash(nextCloser, budget: &budget)
        if matching(nextCloserHash) != nil {
            return .bogus(.malformed, "\(nextCloser) exists, so no wildcard may answer for \(expansion.name)")
        }
        guard let cover = covering(nextCloserHash) else {
            return .bogus(.nsecMissing, "no NSEC3 of zone \(zone) covers \(nextCloser) for the wildcard answer")
        }
        return result(DenialProof(kind: .wildcardAnswer, closestEncloser: expansion.closestEncloser),
                      optOut: cover.nsec3.isOptOut, nextCloser: nextCloser)
    }

    /// RFC 5155 §8.9: an NSEC3 matching the delegation has NS set and DS and SOA clear; failing that, a closest
    /// encloser proof whose next closer name lies in an opt-out span (insecure).
    mutating func unsignedDelegation(_ child: Name, budget: inout ValidationBudget) throws(ProofStop) -> DenialResult {
        guard child.isStrictSubdomain(of: zone) else { return .bogus(.malformed, "\(child) is not below zone \(zone)") }
        if let record = matching(try hash(child, budget: &budget)) {
            let types = record.nsec3.types
            guard types.contains(.ns), !types.contains(.soa) else {
                return .bogus(.malformed, "NSEC3 for \(child) shows no delegation there")
            }
            guard !types.contains(.ds) else { return .bogus(.malformed, "NSEC3 for \(child) shows a DS exists") }
            return .secure(DenialProof(kind: .unsignedDelegation, types: types))
        }
        let proof = try closestEncloser(of: child, budget: &budget)
        guard proof.optOut else {
            return .bogus(.malformed, "NSEC3 of zone \(zone) shows \(child) does not exist, yet it is delegated")
        }
        return result(DenialProof(kind: .unsignedDelegation, closestEncloser: proof.closestEncloser),
                      optOut: true, nextCloser: proof.nextCloser)
    }
}
