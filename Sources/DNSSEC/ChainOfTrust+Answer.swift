import DNSCache
import DNSWire

/// The reply's own RRsets: which zone each needs, the walk to that zone, the signature checks and the
/// denial proofs (RFC 4035 §5.3, §5.4), then the verdict.
extension ChainOfTrust {
    /// Where the keys for a target stand.
    enum Location {
        case zone(Name, ZoneSecurity)
        case lookup(cut: Name, parent: Name)
        case outside
        case failure(ValidationReason)
    }

    /// The answer and authority RRsets, each aimed at its signer zone (or, unsigned, at the zone above its
    /// owner), plus for a negative answer or referral the zone its denial is proven in.
    static func items(for question: Question, response: ChainResponse) -> [Item] {
        var items = response.answer.map { Item(rrset: $0, section: .answer, target: target(of: $0)) }
        items += response.authority.map { Item(rrset: $0, section: .authority, target: target(of: $0)) }
        let denialName: Name
        switch response.kind {
        case .positive:
            return items
        case .nameError, .noData:
            denialName = finalName(question: question, answer: response.answer)
        case let .insecureReferral(child):
            denialName = child.parent ?? child
        }
        // The signer of the proof's records names the zone, when it encloses the name (RFC 6840 §4.1 keeps a
        // parent's records from denying what lies below a cut).
        let signers = response.authority
            .filter { [.soa, .nsec, .nsec3].contains($0.rrset.type) }
            .compactMap { if case let .signer(zone) = target(of: $0) { zone } else { nil } }
            .filter { denialName.isSubdomain(of: $0) }
        let hint = signers.max { $0.labelCount < $1.labelCount }
        items.append(Item(rrset: nil, section: .authority, target: hint.map(Target.signer) ?? .enclosing(denialName)))
        return items
    }

    /// The zone an RRset's keys come from: the deepest RRSIG signer above its owner, else the zone around it.
    static func target(of signed: SignedRRSet) -> Target {
        let owner = signed.rrset.name
        let signers = signed.signatures
            .filter { $0.typeCovered == signed.rrset.type && owner.isSubdomain(of: $0.signerName) }
            .map(\.signerName)
        guard let signer = signers.max(by: { $0.labelCount < $1.labelCount }) else { return .enclosing(owner) }
        return .signer(signer)
    }

    /// The name at the end of the CNAME chain that starts at the question.
    static func finalName(question: Question, answer: [SignedRRSet]) -> Name {
        var name = question.name
        for _ in answer.indices {
            guard let link = answer.first(where: { $0.rrset.type == .cname && $0.rrset.name == name }),
                  case let .cname(target)? = link.rrset.rdatas.first
            else { break }
            name = target
        }
        return name
    }

    /// Walk from the anchor towards the target's zone over what is known; the first unknown candidate cut is
    /// the next DS lookup.
    func locate(_ target: Target) -> Location {
        let name = target.name
        guard name.isSubdomain(of: anchor.zone) else { return .outside }
        guard var security = zones[anchor.zone] else {
            return .failure(ValidationReason(.dnskeyMissing, "no keys for the trust anchor \(anchor.zone)"))
        }
        var zone = anchor.zone
        var position = anchor.zone
        while true {
            if case .insecure = security { return .zone(zone, security) }
            if position == name {
                if case .signer = target, zone != name {
                    return .failure(ValidationReason(.dnskeyMissing, "signer \(name) is not a zone cut below \(zone)"))
                }
                return .zone(zone, security)
            }
            let next = name.suffix(labelCount: position.labelCount + 1)
            if let known = zones[next] {
                zone = next
                position = next
                security = known
            } else if notCuts.contains(next) {
                position = next
            } else {
                return .lookup(cut: next, parent: zone)
            }
        }
    }

    /// Rule on items in order until one needs a lookup; then conclude.
    mutating func advance() -> ChainStep {
        while cursor < items.count {
            switch locate(items[cursor].target) {
            case let .lookup(cut, parent):
                return request(.needDS(zone: cut), then: .awaitingDS(cut: cut, parent: parent))
            case let .failure(reason):
                return fail(Failure(reason: reason))
            case .outside:
                items[cursor].verdict = .insecure(nil)
            case let .zone(zone, security):
                if let step = rule(on: cursor, zone: zone, security: security) { return step }
            }
            cursor += 1
        }
        return conclude()
    }

    /// RFC 4035 §5.3: an RRset in a secure zone must carry a valid RRSIG by that zone's keys.
    mutating func rule(on index: Int, zone: Name, security: ZoneSecurity) -> ChainStep? {
        items[index].zone = zone
        guard let rrset = items[index].rrset else {
            items[index].verdict = security.verdict
            return nil
        }
        guard case let .secure(keys) = security else {
            items[index].verdict = security.verdict
            return nil
        }
        if case let .insecureReferral(child) = response.kind, rrset.rrset.name == child, rrset.rrset.type == .ns {
            // The parent's NS copy at a cut is unsigned (RFC 4035 §2.2); the denial proof speaks for it.
            items[index].verdict = .insecure(nil)
            return nil
        }
        let validation = RRSIGValidator(crypto: crypto, limits: limits)
            .validate(rrset, zone: zone, keys: keys, now: now, budget: &budget)
        if case let .bogus(reason) = validation.verdict, reason.kind == .limitExceeded {
            return fail(Failure(reason: reason))
        }
        items[index].validation = validation
        items[index].verdict = validation.verdict
        return nil
    }

    /// Wildcard and denial proofs, then the reply's verdict: bogus if anything needed is bogus, else
    /// insecure if anything needed is insecure, else secure.
    mutating func conclude() -> ChainStep {
        var verdicts: [Verdict] = []
        for index in items.indices where items[index].section == .answer {
            if let expansion = items[index].validation?.wildcard, items[index].verdict?.isSecure == true,
               let zone = items[index].zone {
                items[index].verdict = prove(.wildcardAnswer(expansion), zone: zone).verdict
            }
            verdicts.append(items[index].verdict ?? .insecure(nil))
        }
        if let denial = items.last, denial.rrset == nil {
            verdicts.append(concludeDenial(denial))
            // The negative proof rests on the authority section: its SOA, NSEC and NSEC3 RRsets count.
            verdicts += items.filter { $0.rrset != nil && $0.section == .authority }.compactMap(\.verdict)
        }
        if let limit = budgetFailure { return fail(Failure(reason: limit)) }
        let verdict = ChainOfTrust.combine(verdicts)
        let outside = items.allSatisfy { !$0.target.name.isSubdomain(of: anchor.zone) }
        return finish(verdict, status: outside ? .indeterminate : nil)
    }

    /// The denial a negative answer or an insecure referral needs, in the zone the walk found.
    mutating func concludeDenial(_ denial: Item) -> Verdict {
        guard let zone = denial.zone, let security = denial.verdict else { return .insecure(nil) }
        guard security.isSecure else { return security }
        switch response.kind {
        case .positive:
            return .secure
        case .nameError:
            return prove(.nameError(ChainOfTrust.finalName(question: question, answer: response.answer)), zone: zone).verdict
        case .noData:
            let name = ChainOfTrust.finalName(question: question, answer: response.answer)
            return prove(.noData(name, question.type), zone: zone).verdict
        case let .insecureReferral(child):
            let result = prove(.unsignedDelegation(child), zone: zone)
            // A proven unsigned delegation is what makes the referral insecure.
            return result.verdict.isSecure ? .insecure(nil) : result.verdict
        }
    }

    /// A denial proof with the reply's NSEC/NSEC3 RRsets that validated as data of `zone`.
    mutating func prove(_ claim: DenialClaim, zone: Name) -> DenialResult {
        let records = items.filter {
            $0.section == .authority && $0.zone == zone && $0.verdict?.isSecure == true
                && ($0.rrset?.rrset.type == .nsec || $0.rrset?.rrset.type == .nsec3)
        }.compactMap { $0.validation?.rrset.rrset }
        let result = DenialValidator(crypto: crypto, limits: limits).prove(claim, zone: zone, records: records, budget: &budget)
        if case let .bogus(reason) = result.verdict, reason.kind == .limitExceeded { budgetFailure = reason }
        return result
    }

    /// The worst of the verdicts; the first reason of that rank is kept.
    static func combine(_ verdicts: [Verdict]) -> Verdict {
        if let bogus = verdicts.first(where: \.isBogus) { return bogus }
        if let insecure = verdicts.first(where: { $0.isInsecure && $0.reason != nil }) ?? verdicts.first(where: \.isInsecure) {
            return insecure
        }
        return .secure
    }

    mutating func fail(_ failure: Failure) -> ChainStep {
        let code = failure.code ?? failure.reason.code ?? .dnssecBogus
        return finish(.bogus(failure.reason), status: .bogus,
                      extendedError: ExtendedDNSError(code: code, text: failure.reason.text))
    }

    /// The result: every RRset of the reply with its status (all bogus when the reply is).
    mutating func finish(_ verdict: Verdict, status: SecurityStatus? = nil,
                         extendedError: ExtendedDNSError? = nil) -> ChainStep {
        var rrsets: [ValidatedRRSet] = []
        for (section, sets) in [(ChainSection.answer, response.answer), (.authority, response.authority)] {
            for signed in sets {
                let item = items.first { $0.section == section && $0.rrset == signed }
                let itemStatus = status ?? (verdict.isBogus ? .bogus : (item?.verdict?.securityStatus ?? .unchecked))
                rrsets.append(ValidatedRRSet(rrset: item?.validation?.rrset ?? signed, section: section, status: itemStatus))
            }
        }
        let result = ChainResult(verdict: verdict, rrsets: rrsets, chain: chain,
                                 extendedError: extendedError ?? verdict.extendedError)
        state = .finished(result)
        return .done(result)
    }
}

extension ChainOfTrust.ZoneSecurity {
    var verdict: Verdict {
        switch self {
        case .secure: return .secure
        case let .insecure(reason): return .insecure(reason)
        }
    }
}
