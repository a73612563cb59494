import DNSCache
import DNSWire

/// What an authoritative server's reply means for the question asked, after scrubbing.
///
/// Scrubbing follows the bailiwick rules of Unbound's scrubber: only records the queried zone is
/// authoritative for, and that lie on the path from the question to its answer, are kept. Everything
/// else in the reply is dropped and never cached.
enum ReplyKind: Equatable {
    /// The question was answered, possibly through CNAME/DNAME links. `final` is nil when the chain leaves the
    /// zone before reaching the data: resolution continues at `next`.
    /// For an NS answer (priming), `addresses` holds the in-bailiwick A/AAAA records of its targets.
    /// `proofs` are NSEC/NSEC3 RRsets from the authority section (a wildcard answer's proof of no closer match).
    case answer(chain: [SignedRRSet], final: SignedRRSet?, next: Name?, authoritative: Bool, addresses: [SignedRRSet],
                proofs: [SignedRRSet])
    /// A delegation to `zone`, strictly below the zone asked.
    case referral(zone: Name, ns: SignedRRSet, glue: [SignedRRSet], ds: [SignedRRSet])
    /// The (last) name does not exist. `chain` holds the links that led to it.
    /// `proofs` are the NSEC/NSEC3 RRsets (with their RRSIGs) from the authority section, for validation.
    case nxDomain(chain: [SignedRRSet], soa: SignedRRSet?, proofs: [SignedRRSet])
    /// The name exists but has no data of the type.
    case noData(chain: [SignedRRSet], soa: SignedRRSet?, proofs: [SignedRRSet])
    /// A DNAME substitution made a name too long (RFC 6672 §2.2).
    case yxDomain(chain: [SignedRRSet])
    /// The CNAME/DNAME links lead back to a name already on the chain.
    case chainLoop(at: Name)
    /// The server is not authoritative for the zone (upward referral, recursive answer, empty non-answer).
    case lame(String)
    /// The server answered with an error RCODE.
    case serverError(RCode)
}

struct ReplyClassifier {
    /// The zone whose servers were asked.
    let zone: Name
    let question: Question
    let hardenGlue: Bool
    let maxChainLength: Int

    func classify(_ reply: Message) -> ReplyKind {
        switch reply.rcode {
        case .noError, .nxDomain: break
        case .yxDomain: return .yxDomain(chain: [])
        default: return .serverError(reply.rcode)
        }
        let answers = SignedRRSet.group(reply.answers)
        var loops = false
        let proofs = SignedRRSet.group(reply.authority).filter { $0.rrset.type == .nsec || $0.rrset.type == .nsec3 }
        let authority = SignedRRSet.group(reply.authority)
        let (chain, final, lastName, leftZone, tooLong) = followChain(answers, loops: &loops)
        if tooLong { return .yxDomain(chain: chain) }
        if loops { return .chainLoop(at: lastName) }

        if let final {
            if reply.header.recursionAvailable, !reply.header.isAuthoritative { return .lame("recursive answer without AA") }
            let addresses = final.rrset.type == .ns ? glue(for: final.rrset, in: SignedRRSet.group(reply.additional)) : []
            return .answer(chain: chain, final: final, next: nil, authoritative: reply.header.isAuthoritative, addresses: addresses,
                           proofs: proofs)
        }
        if let next = leftZone {
            return .answer(chain: chain, final: nil, next: next, authoritative: reply.header.isAuthoritative, addresses: [],
                           proofs: proofs)
        }
        let soa = authority.first { $0.rrset.type == .soa && lastName.isSubdomain(of: $0.rrset.name) && $0.rrset.name.isSubdomain(of: zone) }
        if reply.rcode == .nxDomain {
            return .nxDomain(chain: chain, soa: soa, proofs: proofs)
        }
        // NOERROR without the data: a referral, NODATA, or a lame server.
        if chain.isEmpty, let ns = authority.first(where: { $0.rrset.type == .ns }), soa == nil, !reply.header.isAuthoritative {
            let child = ns.rrset.name
            // DS lives on the parent side: a referral to the very name asked about means the parent has none
            // (a server without DNSSEC refers instead of answering NODATA, RFC 4035 §4.2).
            if question.type == .ds, child == question.name { return .noData(chain: [], soa: nil, proofs: []) }
            guard child.isStrictSubdomain(of: zone), question.name.isSubdomain(of: child) else {
                return .lame("referral to \(child) from \(zone) does not lead down towards \(question.name)")
            }
            // RFC 4035 §3.1.4: a signed parent sends the child's DS (or an NSEC/NSEC3 proving there is none).
            let ds = authority.filter { ($0.rrset.type == .ds && $0.rrset.name == child) || $0.rrset.type == .nsec || $0.rrset.type == .nsec3 }
            return .referral(zone: child, ns: ns, glue: glue(for: ns.rrset, in: SignedRRSet.group(reply.additional)), ds: ds)
        }
        if soa != nil || reply.header.isAuthoritative || !chain.isEmpty {
            return .noData(chain: chain, soa: soa, proofs: proofs)
        }
        if reply.header.recursionAvailable { return .lame("recursive server without the data") }
        return .lame("empty answer without AA or SOA")
    }

    /// Walk from the question name through CNAME and DNAME links found in the answer section, keeping only
    /// records inside the zone. Returns the links, the final RRset (when reached), the last name, the name
    /// the chain continues at outside the zone, and whether a DNAME made a name too long.
    private func followChain(_ answers: [SignedRRSet], loops: inout Bool) -> (chain: [SignedRRSet], final: SignedRRSet?, last: Name, leftZone: Name?, tooLong: Bool) {
        var chain: [SignedRRSet] = []
        var name = question.name
        var seen: Set<Name> = [name]
        while chain.count <= 2 * maxChainLength {
            guard name.isSubdomain(of: zone) else { return (chain, nil, name, name, false) }
            if let data = answers.first(where: { $0.rrset.name == name && $0.rrset.type == question.type && $0.rrset.rrClass == question.rrClass }) {
                return (chain, data, name, nil, false)
            }
            // RFC 6672 §3.2: a DNAME above the name wins over any CNAME the server sent for it.
            if question.type != .dname,
               let dname = answers.first(where: { $0.rrset.type == .dname && name.isStrictSubdomain(of: $0.rrset.name) && $0.rrset.name.isSubdomain(of: zone) }),
               dname.rrset.rdatas.count == 1, case let .dname(target)? = dname.rrset.rdatas.first {
                chain.append(dname)
                guard let synthesised = Self.substitute(name, owner: dname.rrset.name, target: target) else {
                    return (chain, nil, name, nil, true)
                }
                // RFC 6672 §3.1: the synthesised CNAME has the DNAME's TTL; it carries no signature of its own.
                chain.append(SignedRRSet(RRSet(name: name, type: .cname, rrClass: dname.rrset.rrClass, ttl: dname.rrset.ttl,
                                               rdatas: [.cname(synthesised)])))
                guard seen.insert(synthesised).inserted else {
                    loops = true
                    return (chain, nil, synthesised, nil, false)
                }
                name = synthesised
                continue
            }
            if question.type != .cname,
               let cname = answers.first(where: { $0.rrset.name == name && $0.rrset.type == .cname }),
               cname.rrset.rdatas.count == 1, case let .cname(target)? = cname.rrset.rdatas.first {
                chain.append(cname)
                guard seen.insert(target).inserted else {
                    loops = true
                    return (chain, nil, target, nil, false)
                }
                name = target
                continue
            }
            return (chain, nil, name, nil, false)
        }
        return (chain, nil, name, nil, false)
    }

    /// RFC 6672 §2.2: replace the DNAME owner suffix of `name` by `target`; nil when the result is too long.
    static func substitute(_ name: Name, owner: Name, target: Name) -> Name? {
        let keep = name.labelCount - owner.labelCount
        guard keep > 0 else { return nil }
        var result = target
        for label in name.labels.prefix(keep).reversed() {
            guard let longer = try? result.prepending(Array(label)) else { return nil }
            result = longer
        }
        return result
    }

    /// Addresses for the delegation's NS names from the additional section. With `hardenGlue`, only glue inside
    /// the zone that was asked (the delegating zone's bailiwick) is taken; any other address is ignored.
    private func glue(for ns: RRSet, in additional: [SignedRRSet]) -> [SignedRRSet] {
        let targets = Set(ns.rdatas.compactMap(\.targetName))
        return additional.filter { signed in
            let rrset = signed.rrset
            return
(rrset.type == .a || rrset.type == .aaaa) && targets.contains(rrset.name)
                && (!hardenGlue || rrset.name.isSubdomain(of: zone))
        }
    }
}
