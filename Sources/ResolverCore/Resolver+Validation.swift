import DNSCache
import DNSSEC
import DNSWire

/// A client answer waiting for its chain of trust (RFC 4035 §5): the DNSKEY and DS RRsets it needs are
/// looked up like any other question (from the cache when there), one at a time, and fed to `ChainOfTrust`.
struct PendingValidation {
    var chain: ChainOfTrust
    var answer: Answer
}

extension Resolver {
    /// Start validating a finished client answer; false when there is nothing to validate (the caller answers).
    func startValidation(_ id: ResolutionID, _ answer: inout Answer) -> Bool {
        guard let validator, answer.rcode == .noError || answer.rcode == .nxDomain else { return false }
        guard let anchor = validator.anchor(answer.question.name) else {
            answer.security = .indeterminate
            return false
        }
        let question = answer.question
        let kind: ResponseKind
        if answer.rcode == .nxDomain {
            kind = .nameError
        } else if answer.answer.contains(where: { $0.rrset.type == question.type || question.type == .any }) {
            kind = .positive
        } else {
            kind = .noData
        }
        // A CNAME synthesised from a DNAME (RFC 6672 §5.3.1) carries no signature of its own: the signed DNAME
        // in front of it vouches for it, so only the DNAME goes to the validator.
        let signedAnswer = answer.answer.filter { !isSynthesisedFromDNAME($0, in: answer.answer) }
        var chain = ChainOfTrust(question: question, response: ChainResponse(kind: kind, answer: signedAnswer, authority: answer.authority),
                                 anchor: anchor, crypto: validator.crypto, limits: validator.limits, now: now.wall)
        let step = chain.start()
        validations[id] = PendingValidation(chain: chain, answer: answer)
        advanceValidation(id, step)
        return true
    }

    /// An unsigned CNAME whose target is what a DNAME in the same answer makes of its owner.
    func isSynthesisedFromDNAME(_ cname: SignedRRSet, in answer: [SignedRRSet]) -> Bool {
        guard cname.rrset.type == .cname, cname.signatures.isEmpty, case let .cname(target)? = cname.rrset.rdatas.first else { return false }
        return answer.contains { dname in
            guard dname.rrset.type == .dname, case let .dname(substitute)? = dname.rrset.rdatas.first,
                  cname.rrset.name.isStrictSubdomain(of: dname.rrset.name) else { return false }
            return ReplyClassifier.substitute(cname.rrset.name, owner: dname.rrset.name, target: substitute) == target
        }
    }

    /// Act on the chain's next step: look up what it needs, or finish the answer.
    func advanceValidation(_ id: ResolutionID, _ step: ChainStep) {
        switch step {
        case let .needDNSKEY(zone):
            let child = newResolution(question: Question(name: zone, type: .dnskey), purpose: .chainLookup(validation: id),
                                      budgetOwner: id, ancestry: [])
            run(child)
        case let .needDS(zone):
            let child = newResolution(question: Question(name: zone, type: .ds), purpose: .chainLookup(validation: id),
                                      budgetOwner: id, ancestry: [])
            run(child)
        case let .done(result):
            guard var pending = validations.removeValue(forKey: id) else { return }
            // Only good news is cached with the data: a bogus verdict is not pinned on RRsets that may only have
            // been caught up in it (the answer is validated again next time, within the per-question budget).
            for validated in result.chain + result.rrsets where validated.status == .secure || validated.status == .insecure {
                cache.store.updateStatus(validated.status, of: validated.rrset.rrset, now: now.wall)
            }
            switch result.verdict {
            case .secure:
                pending.answer.security = .secure
                // TTLs capped by the signatures (RFC 4035 §5.3.3), in the answer's own order.
                let capped = Dictionary(result.rrsets.map { (RRSetKey(name: $0.rrset.rrset.name, type: $0.rrset.rrset.type, rrClass: $0.rrset.rrset.rrClass), $0.rrset) },
                                        uniquingKeysWith: { first, _ in first })
                func cap(_ set: SignedRRSet) -> SignedRRSet {
                    capped[RRSetKey(name: set.rrset.name, type: set.rrset.type, rrClass: set.rrset.rrClass)] ?? set
                }
                pending.answer.answer = pending.answer.answer.map(cap)
                pending.answer.authority = pending.answer.authority.map(cap)
            case .insecure:
                pending.answer.security = .insecure
            case .bogus:
                pending.answer.security = .bogus(result.extendedError)
                let question = pending.answer.question
                if bogusAnswers.count >= 10_000 { bogusAnswers = bogusAnswers.filter { $0.value.expires > now.wall } }
                if bogusAnswers.count < 10_000 {
                    bogusAnswers[question] = (pending.answer, now.wall + bogusTTL)
                }
            }
            if !result.verdict.isBogus {
                cache.recordSecurity(result.verdict.securityStatus, of: pending.answer, now: now.wall)
            }
            answerClients(id, pending.answer)
        }
    }

    /// A DNSKEY or DS lookup made for validation `id` has ended with `answer`.
    ///
    /// A lookup that failed for want of a server (EDE 22 or 23) or of budget says nothing about DNSSEC: the
    /// answer is SERVFAIL with that lookup's error, not with a DNSSEC code (not remembered as bogus; CD=1
    /// clients still get the data, unvalidated).
    func chainLookupFinished(_ id: ResolutionID, question: Question, _ answer: Answer) {
        guard var pending = validations[id] else { return }
        if answer.rcode == .servFail, let error = answer.extendedError, Self.isTransportOrLimitFailure(error) {
            validations[id] = nil
            pending.answer.security = .bogus(ExtendedDNSError(code: error.code,
                text: "\(question.name) \(question.type) lookup for validation failed: \(error.text)"))
            answerClients(id, pending.answer)
            return
        }
        let step: ChainStep
        if question.type == .dnskey {
            let keys = answer.rcode == .noError
                ? answer.answer.first { $0.rrset.type == .dnskey && $0.rrset.name == question.name } : nil
            step = pending.chain.provide(dnskey: keys, for: question.name)
        } else {
            let lookup: DSLookup
            if answer.rcode == .noError, let ds = answer.answer.first(where: { $0.rrset.type == .ds && $0.rrset.name == question.name }) {
                lookup = .signed(ds)
            } else if answer.rcode == .noError || answer.rcode == .nxDomain {
                lookup = .denied(answer.authority)
            } else {
                lookup = .failed("DS lookup for \(question.name) ended in \(answer.rcode)",
                                 unreachable: answer.extendedError?.code == .noReachableAuthority)
            }
            step = pending.chain.provide(ds: lookup, for: question.name)
        }
        validations[id] = pending
        advanceValidation(id, step)
    }

    /// Whether a lookup's SERVFAIL came from reaching no server or from a work limit, not from the data.
    static func isTransportOrLimitFailure(_ error: ExtendedDNSError) -> Bool {
        error.code == .noReachableAuthority || error.code == .networkError
            || (error.code == .other && error.text.hasPrefix("work limit"))
    }

    /// Give every client waiting on `id` its answer and forget the question.
    func answerClients(_ id: ResolutionID, _ answer: Answer) {
        budgets[id] = nil
        inFlight[answer.question] = nil
        for client in clients.removeValue(forKey: id) ?? [] {
            actions.append(.answer(client, answer))
        }
    }
}
