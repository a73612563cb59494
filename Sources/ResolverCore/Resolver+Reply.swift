import DNSCache
import DNSWire

/// Acting on upstream replies and failures, and ending resolutions.
extension Resolver {
    /// A server could not be reached (timeouts, network error): try the next one.
    func serverFailed(_ query: PendingQuery) {
        guard var r = resolutions[query.resolution] else { return }
        r.waiting = false
        resolutions[query.resolution] = r
        run(query.resolution)
    }

    /// A reply that matched its query: classify, cache, and move the resolution on.
    func process(_ reply: Message, to query: PendingQuery) {
        guard var r = resolutions[query.resolution] else { return }
        r.waiting = false
        let asked = Question(name: query.question.name, type: query.question.type, rrClass: query.question.rrClass)
        let classifier = ReplyClassifier(zone: query.zone, question: asked, hardenGlue: configuration.hardenGlue,
                                         maxChainLength: configuration.limits.maxChainLength)
        let kind = classifier.classify(reply)
        let minimised = asked.name != r.name || asked.type != r.question.type
        if minimised {
            handleMinimised(kind, asked: asked, query: query, &r)
        } else if let answer = handleFull(kind, query: query, &r) {
            resolutions[r.id] = r
            finish(r.id, answer)
            return
        }
        resolutions[r.id] = r
        run(r.id)
    }

    /// RFC 9156 §3 (relaxed): a minimised query's reply either moves the cut down, shows that the name exists
    /// (ask one label more of the same servers), or — NXDOMAIN, CNAME, errors — makes us ask the full name.
    private func handleMinimised(_ kind: ReplyKind, asked: Question, query: PendingQuery, _ r: inout Resolution) {
        switch kind {
        case let .referral(zone, ns, glue, ds):
            followReferral(zone: zone, ns: ns, glue: glue, ds: ds, &r)
        case let .answer(chain, final?, _, authoritative, _, _) where chain.isEmpty:
            cache.storeAnswer([final], authoritative: authoritative, now: now.wall)
            acceptMinimisedStep(asked, query, &r)
        case let .noData(chain, soa, proofs) where chain.isEmpty:
            if let soa {
                cache.storeNegative(Question(name: asked.name, type: asked.type, rrClass: asked.rrClass), nxDomain: false,
                                    soa: soa, proofs: proofs, now: now.wall)
            }
            acceptMinimisedStep(asked, query, &r)
        case .lame, .serverError:
            r.minimise = false
            r.cut?.triedServers.remove(query.server)
        default:
            r.minimise = false
            r.cut?.triedServers.remove(query.server)
        }
    }

    /// The minimised name exists at the same servers: next time send one more label to the same server first.
    private func acceptMinimisedStep(_ asked: Question, _ query: PendingQuery, _ r: inout Resolution) {
        r.minimisedLabels = asked.name.labelCount
        r.cut?.triedServers.remove(query.server)
    }

    /// The reply to the full question. Returns the answer when the resolution is done.
    private func handleFull(_ kind: ReplyKind, query: PendingQuery, _ r: inout Resolution) -> Answer? {
        switch kind {
        case let .answer(chain, final, next, authoritative, addresses, proofs):
            // A CNAME synthesised from a DNAME is not cached on its own (it has no signature; the DNAME is
            // what the zone published): the next question follows the DNAME again.
            let all = chain + (final.map { [$0] } ?? [])
            for signed in all where !isSynthesisedFromDNAME(signed, in: all) {
                cache.storeAnswer([signed], authoritative: authoritative, now: now.wall)
            }
            let stored = all.map { cache.bounded($0) }
            cache.storeAddresses(addresses, now: now.wall)
            let links = Array(stored.prefix(chain.count))
            r.proofs += proofs
            if let final = stored.dropFirst(chain.count).first {
                r.chain += links
                return Answer(question: r.question, rcode: .noError, answer: r.chain + [final], authority: r.proofs)
            }
            if let next, let failure = follow(&r, links: links, to: next) { return failure }
            if next == nil {
                return .servFail(r.question, .other, "CNAME chain in \(query.zone) loops at \(r.name)")
            }
            return nil
        case let .referral(zone, ns, glue, ds):
            r.referrals += 1
            if r.referrals > configuration.limits.maxReferrals {
                return .servFail(r.question, .other, "work limit: more than \(configuration.limits.maxReferrals) referrals for \(r.question.name)")
            }
            followReferral(zone: zone, ns: ns, glue: glue, ds: ds, &r)
            return nil
        case let .nxDomain(chain, soa, proofs), let .noData(chain, soa, proofs):
            let nxDomain = if case .nxDomain = kind { true } else { false }
            let links = cache.storeAnswer(chain, authoritative: true, now: now.wall)
            r.chain += links
            let last = chain.last.flatMap { $0.rrset.rdatas.first?.targetName } ?? r.name
            let stored = soa.flatMap { soa in
                cache.storeNegative(Question(name: last, type: r.question.type, rrClass: r.question.rrClass),
                                    nxDomain: nxDomain, soa: soa, proofs: proofs, now: now.wall)
            }
            return Answer(question: r.question, rcode: nxDomain ? .nxDomain : .noError, answer: r.chain,
                          authority: (stored.map { [$0] } ?? []) + proofs.map { ResolverCache.withTTL($0, of: stored) })
        case let .yxDomain(chain):
            r.chain += chain
            return Answer(question: r.question, rcode: .yxDomain, answer: r.chain)
        case let .chainLoop(name):
            return .servFail(r.question, .other, "CNAME loop at \(name) in zone \(query.zone)")
        case .lame:
            infrastructure.markLame(query.server, for: query.zone, at: now.milliseconds)
            return nil
        case let .serverError(rcode):
            if rcode == .refused || rcode == .notImp { infrastructure.markLame(query.server, for: query.zone, at: now.milliseconds) }
            return nil
        }
    }

    private func followReferral(zone: Name, ns: SignedRRSet, glue: [SignedRRSet], ds: [SignedRRSet], _ r: inout Resolution) {
        cache.storeReferral(ns: ns, glue: glue, ds: ds, now: now.wall)
        var cut = ZoneCut(zone: zone, nsNames: ns.rrset.rdatas.compactMap(\.targetName))
        for name in cut.nsNames {
            let found = AddressSet.from(glue.filter { $0.rrset.name == name })
            if found.v4 != nil || found.v6 != nil { cut.addresses[name] = found }
        }
        r.cut = cut
        r.minimisedLabels = zone.labelCount
    }

    /// End resolution `id`: answer its clients, or hand the result to the resolution waiting for it.
    func finish(_ id: ResolutionID, _ answer: Answer) {
        guard let r = resolutions.removeValue(forKey: id) else { return }
        // A client question's budget lasts until its clients are answered: its validation spends it too.
        if r.purpose != .client { budgets[id] = nil }
        cancelQueries(of: id)
        switch r.purpose {
        case .client:
            var answer = answer
            if startValidation(id, &answer) { return }
            answerClients(id, answer)
        case let .chainLookup(validation):
            chainLookupFinished(validation, question: r.question, answer)
        case let .nsAddress(parent):
            guard var waiting = resolutions[parent] else { return }
            let found = AddressSet.from(answer.rcode == .noError ? answer.answer.filter { $0.rrset.name == r.name } : [])
            var known = waiting.cut?.addresses[r.question.name] ?? AddressSet()
            if r.question.type == .a { known.v4 = (known.v4 ?? []) + (found.v4 ?? []) }
            if r.question.type == .aaaa { known.v6 = (known.v6 ?? []) + (found.v6 ?? []) }
            waiting.cut?.addresses[r.question.name] = known
            if found.v4 == nil, found.v6 == nil { budgets[waiting.budgetOwner]?.failedNSLookups += 1 }
            waiting.waiting = false
            resolutions[parent] = waiting
            run(parent)
        case let .background(task):
            backgroundFinished(task, answer)
        case .priming:
            priming = nil
            let waiters = waitingForPriming
            waitingForPriming = []
            for waiter in waiters {
                resolutions[waiter]?.waiting = false
                run(waiter)
            }
        }
    }
}
