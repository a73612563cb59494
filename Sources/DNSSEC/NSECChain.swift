import DNSWire

/// One NSEC record with its owner (RFC 4034 §4).
struct NSECRecord: Hashable, Sendable {
    var owner: Name
    var nsec: NSEC
}

/// The validated NSEC records of one zone, read as intervals of the canonical order (RFC 4034 §6.1) that
/// hold no names: the basis of every NSEC proof (RFC 4035 §5.4).
struct NSECChain {
    let zone: Name
    let records: [NSECRecord]

    init(zone: Name, records: [NSECRecord]) {
        self.zone = zone
        self.records = records.filter { $0.owner.isSubdomain(of: zone) }
    }

    /// The NSEC owned by `name`, which lists the types that exist there.
    func matching(_ name: Name) -> NSECRecord? {
        records.first { $0.owner == name }
    }

    /// The NSEC whose interval proves `name` does not exist: owner < name < next in canonical order, or for the
    /// last NSEC of the zone, whose next name is the apex (RFC 4034 §4.1.1), owner < name. A record at a
    /// delegation or DNAME never covers names below its owner (RFC 6840 §4.1).
    func covering(_ name: Name) -> NSECRecord? {
        guard name.isSubdomain(of: zone) else { return nil }
        return records.first { record in
            guard record.owner < name else { return false }
            if record.nsec.types.blocksDescendants, name.isStrictSubdomain(of: record.owner) { return false }
            let next = record.nsec.nextName
            if record.owner < next { return name < next }
            return next == zone
        }
    }

    /// RFC 4035 §5.4 / Unbound's reading of it: the closest encloser of a name that `cover` proves absent is the
    /// longer of the ancestors the name shares with the cover's owner and with its next name: both exist, and
    /// every longer ancestor of the name falls inside the cover's empty interval.
    func closestEncloser(of name: Name, cover: NSECRecord) -> Name {
        let byOwner = name.commonAncestor(with: cover.owner)
        let byNext = name.commonAncestor(with: cover.nsec.nextName)
        return byOwner.labelCount >= byNext.labelCount ? byOwner : byNext
    }

    func prove(_ claim: DenialClaim) -> DenialResult {
        switch claim {
        case let .nameError(name): return nameError(name)
        case let .noData(name, type): return noData(name, type)
        case let .wildcardAnswer(expansion): return wildcardAnswer(expansion)
        case let .unsignedDelegation(child): return unsignedDelegation(child)
        }
    }

    /// RFC 4035 §3.1.3.2 and §5.4: an NSEC covers the name, and one covers the wildcard at its closest encloser.
    func nameError(_ name: Name) -> DenialResult {
        guard name.isSubdomain(of: zone) else { return .bogus(.malformed, "\(name) is not in zone \(zone)") }
        if matching(name) != nil { return .bogus(.malformed, "NSEC of zone \(zone) shows \(name) exists") }
        guard let cover = covering(name) else { return .bogus(.nsecMissing, "no NSEC of zone \(zone) covers \(name)") }
        let encloser = closestEncloser(of: name, cover: cover)
        guard let wildcard = try? encloser.wildcard() else { return .bogus(.malformed, "no wildcard fits below \(encloser)") }
        guard covering(wildcard) != nil else {
            if matching(wildcard) != nil { return .bogus(.malformed, "\(wildcard) exists, so \(name) should have been answered") }
            return .bogus(.nsecMissing, "no NSEC of zone \(zone) denies \(wildcard)")
        }
        return .secure(DenialProof(kind: .nameError, closestEncloser: encloser))
    }

    /// RFC 4035 §3.1.3.1 (the name's NSEC lacks the type and CNAME), an empty non-terminal (a covering NSEC
    /// whose next name lies below the name), or §3.1.3.4 (the name is covered and the wildcard at its closest
    /// encloser lacks the type).
    func noData(_ name: Name, _ type: RRType) -> DenialResult {
        guard name.isSubdomain(of: zone) else { return .bogus(.malformed, "\(name) is not in zone \(zone)") }
        if type == .ds, name == zone, !zone.isRoot {
            return .bogus(.malformed, "the denial of DS at \(name) comes from the zone itself, not its parent")
        }
        if let record = matching(name) {
            if let problem = NSECChain.typeProblem(record.nsec.types, name: name, type: type) {
                return .bogus(.malformed, "NSEC at \(name): \(problem)")
            }
            return .secure(DenialProof(kind: .noData, types: record.nsec.types))
        }
        if let cover = covering(name) {
            if cover.nsec.nextName.isStrictSubdomain(of: name) {
                return .secure(DenialProof(kind: .emptyNonTerminal))
            }
            let encloser = closestEncloser(of: name, cover: cover)
            if type != .ds, let wildcard = try? encloser.wildcard(), let record = matching(wildcard) {
                if let problem = NSECChain.typeProblem(record.nsec.types, name: wildcard, type: type) {
                    return .bogus(.malformed, "NSEC at \(wildcard): \(problem)")
                }
                return .secure(DenialProof(kind: .wildcardNoData, closestEncloser: encloser, types: record.nsec.types))
            }
        }
        return .bogus(.nsecMissing, "no NSEC of zone \(zone) proves \(name) has no \(type)")
    }

    /// RFC 4035 §5.3.4: an NSEC proves the next closer name (and so the query name) does not exist.
    func wildcardAnswer(_ expansion: WildcardExpansion) -> DenialResult {
        let nextCloser = expansion.nextCloser
        if matching(nextCloser) != nil {
            return .bogus(.malformed, "\(nextCloser) exists, so no wildcard may answer for \(expansion.name)")
        }
        guard covering(nextCloser) != nil else {
            return .bogus(.nsecMissing, "no NSEC of zone \(zone) proves \(nextCloser) absent for the wildcard answer")
        }
        return .secure(DenialProof(kind: .wildcardAnswer, closestEncloser: expansion.closestEncloser))
    }

    /// RFC 4035 §5.2: the NSEC at the delegation has NS set and DS and SOA clear.
    func unsignedDelegation(_ child: Name) -> DenialResult {
        guard child.isStrictSubdomain(of: zone) else { return .bogus(.malformed, "\(child) is not below zone \(zone)") }
        guard let record = matching(child) else {
            return .bogus(.nsecMissing, "no NSEC of zone \(zone) at the delegation to \(child)")
        }
        let types = record.nsec.types
        guard types.contains(.ns), !types.contains(.soa) else {
            return .bogus(.malformed, "NSEC at \(child) shows no delegation there")
        }
        guard !types.contains(.ds) else { return .bogus(.malformed, "NSEC at \(child) shows a DS exists") }
        return .secure(DenialProof(kind: .unsignedDelegation, types: types))
    }

    /// Why `types` at `name` do not deny `type`, or nil when they do (RFC 4035 §5.4, RFC 6840 §4.1): the type
    /// or a CNAME is present; for DS, the record is from the child apex (SOA set); for other types, the record
    /// is the parent side of a delegation (NS set, SOA clear).
    static func typeProblem(_ types: TypeBitmap, name: Name, type: RRType) -> String? {
        if types.contains(type) { return "\(type) exists" }
        if types.contains(.cname) { return "a CNAME exists" }
        if type == .ds {
            if types.contains(.soa), !name.isRoot { return "it is the child zone's apex record, not the parent's" }
        } else if types.isDelegation {
            return "a delegation record cannot deny \(type)"
        }
        return nil
    }
}
