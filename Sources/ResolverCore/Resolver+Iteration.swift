import DNSCache
import DNSWire

/// The iterator's steps (RFC 1034 §5.3.3): look in the cache, find the closest delegation, pick a server,
/// ask it (minimised, RFC 9156), and act on the reply.
extension Resolver {
    /// What one resolution does next.
    enum Step {
        /// An upstream query was sent, or a nested lookup or priming started: wait.
        case wait
        case finished(Answer)
    }

    /// Advance `id` until it waits or finishes. Resolutions made runnable meanwhile (nested lookups, priming,
    /// parents whose lookup ended) are queued and run in turn, so no step runs inside another.
    func run(_ id: ResolutionID) {
        runQueue.append(id)
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while !runQueue.isEmpty {
            let next = runQueue.removeFirst()
            guard var resolution = resolutions[next], !resolution.waiting else { continue }
            let step = advance(&resolution)
            if case .wait = step { resolution.waiting = true }
            resolutions[next] = resolution
            if case let .finished(answer) = step { finish(next, answer) }
        }
    }

    private func budget(of resolution: Resolution) -> WorkBudget {
        budgets[resolution.budgetOwner] ?? WorkBudget(question: resolution.question, deadline: .max)
    }

    func advance(_ r: inout Resolution) -> Step {
        let limits = configuration.limits
        while true {
            if let budget = budgets[r.budgetOwner], now.milliseconds >= budget.deadline {
                return .finished(deadlineAnswer(budget))
            }
            if budget(of: r).upstreamQueries >= limits.maxUpstreamQueries {
                statistics.budgetsExhausted += 1
                let asked = budgets[r.budgetOwner]?.question ?? r.question
                return .finished(.servFail(r.question, .other,
                                           "work limit: \(limits.maxUpstreamQueries) upstream queries (max-upstream-queries) spent on \(asked.name) \(asked.type), at \(r.current.name) \(r.current.type)"))
            }
            if r.cut == nil {
                if r.purpose != .priming, !(r.bypassCache && r.chain.isEmpty), let step = answerFromCache(&r) {
                    guard case .continue = step else { return step.asStep }
                    continue
                }
                if r.purpose == .priming {
                    r.cut = hintsCut()
                } else if let delegation = cache.closestDelegation(for: delegationPoint(of: r), now: now.wall) {
                    r.cut = ZoneCut(zone: delegation.name, nsNames: delegation.rdatas.compactMap(\.targetName))
                } else if configuration.prime, !r.primingTried {
                    r.primingTried = true
                    waitForPriming(r.id)
                    return .wait
                } else {
                    r.cut = hintsCut()
                }
                r.minimisedLabels = r.cut?.zone.labelCount ?? 0
            }
            guard var cut = r.cut else { continue }
            if let server = chooseServer(&cut, for: r.budgetOwner) {
                r.cut = cut
                startQuery(r.id, zone: cut.zone, server: server, question: nextQuestion(r, zone: cut.zone))
                return .wait
            }
            // Every usable server was asked and none answered usefully: ask them all again (lame ones stay
            // out) before looking for more addresses. With no address known at all, look one up first.
            if !cut.triedServers.isEmpty, cut.rounds < limits.maxServerRounds {
                cut.rounds += 1
                cut.triedServers = []
                r.cut = cut
                continue
            }
            if let lookup = nextNSLookup(r, &cut) {
                r.cut = cut
                budgets[r.budgetOwner]?.nsLookups += 1
                let child = newResolution(question: lookup, purpose: .nsAddress(parent: r.id), budgetOwner: r.budgetOwner,
                                          ancestry: r.ancestry + [r.current])
                run(child)
                return .wait
            }
            r.cut = cut
            let failed = budget(of: r).failedNSLookups
            if failed >= limits.maxFailedNSLookups || budget(of: r).nsLookups >= limits.maxNSLookups {
                return .finished(.servFail(r.question, .noReachableAuthority,
                                           "work limit: too many name server lookups for zone \(cut.zone)"))
            }
            return .finished(unreachable(r, zone: cut.zone))
        }
    }

    /// No server of `zone` could be asked or answered: EDE 22 (or 23 when the network said no), with what
    /// each server's path did.
    private func unreachable(_ r: Resolution, zone: Name) -> Answer {
        guard var paths = budgets[r.budgetOwner]?.paths, !paths.entries.isEmpty else {
            return .servFail(r.question, .noReachableAuthority, "no reachable authority for zone \(zone)")
        }
        paths.zone = zone
        return .servFail(r.question, paths.code, "no reachable authority for \(r.current.name) \(r.current.type): " + paths.summary())
    }

    private enum CacheStep {
        case `continue`
        case finished(Answer)
        var asStep: Step {
            switch self {
            case .continue: return .wait
            case let .finished(answer): return .finished(answer)
            }
        }
    }

    /// Answer `r.name` from the cache if possible; follow cached CNAMEs.
    private func answerFromCache(_ r: inout Resolution) -> CacheStep? {
        guard let cached = cache.lookup(r.current, now: now.wall) else { return nil }
        switch cached {
        case let .data(rrset, _):
            if r.purpose == .client, r.chain.isEmpty { statistics.cacheAnswers += 1 }
            return .finished(Answer(question: r.question, rcode: .noError, answer: r.chain + [rrset]))
        case let .cname(rrset, target):
            return follow(&r, links: [rrset], to: target).map { .finished($0) } ?? .continue
        case let .negative(nxDomain, soa, proofs, _):
            if r.purpose == .client, r.chain.isEmpty { statistics.cacheAnswers += 1 }
            return .finished(Answer(question: r.question, rcode: nxDomain ? .nxDomain : .noError, answer: r.chain,
                                    authority: (soa.map { [$0] } ?? []) + proofs))
        }
    }

    /// Continue at `target` after CNAME/DNAME `links`; an Answer when the chain is too long or loops.
    func follow(_ r: inout Resolution, links: [SignedRRSet], to target: Name) -> Answer? {
        r.chain += links
        let length = r.chain.filter { $0.rrset.type == .cname }.count
        if length > configuration.limits.maxChainLength {
            return .servFail(r.question, .other, "CNAME chain longer than \(configuration.limits.maxChainLength) at \(target)")
        }
        if target == r.question.name || r.chain.dropLast(links.count).contains(where: { $0.rrset.name == target }) {
            return .servFail(r.question, .other, "CNAME loop at \(target)")
        }
        r.name = target
        r.cut = nil
        r.minimise = configuration.qnameMinimisation && r.purpose != .priming
        return nil
    }

    /// Where the closest delegation is looked for: the name itself, except for DS, which the parent side of a
    /// zone cut holds (RFC 4035 §3.1.4.1, §4.2): a DS question starts above its own name.
    private func delegationPoint(of r: Resolution) -> Name {
        guard r.question.type == .ds, let parent = r.name.parent else { return r.name }
        return parent
    }

    private func hintsCut() -> ZoneCut {
        var cut = ZoneCut(zone: .root, nsNames: rootHints.servers.map(\.name))
        cut.fromHints = true
        for server in rootHints.servers {
            var set = AddressSet(v4: [], v6: [])
            for address in server.addresses {
                switch address {
                case let .v4(v4): set.v4?.append(v4)
                case let .v6(v6): set.v6?.append(v6)
                }
            }
            cut.addresses[server.name] = set
        }
        return cut
    }

    private func waitForPriming(_ id: ResolutionID) {
        waitingForPriming.append(id)
        guard priming == nil else { return }
        let primer = newResolution(question: Question(name: .root, type: .ns), purpose: .priming, budgetOwner: nil, ancestry: [])
        priming = primer
        run(primer)
    }

    /// The addresses known for an NS name: from the cut (hints, glue, lookups) or the cache.
    private func addresses(of name: Name, in cut: ZoneCut) -> AddressSet {
        var known = cut.addresses[name] ?? AddressSet()
        known.merge(cache.addresses(of: name, now: now.wall))
        return known
    }

    /// The server to ask next: usable addresses of the cut's NS names not yet tried, chosen by RTT.
    private func chooseServer(_ cut: inout ZoneCut, for owner: ResolutionID) -> ServerAddress? {
        var candidates: [ServerAddress] = []
        var unreachable: [ServerAddress] = []
        for name in cut.nsNames {
            let known = addresses(of: name, in: cut)
            var ips: [IPAddress] = []
            if configuration.doIPv4 { ips += (known.v4 ?? []).map { .v4($0) } }
            if configuration.doIPv6 { ips += (known.v6 ?? []).map { .v6($0) } }
            for ip in ips {
                if configuration.doNotQueryLocalhost, ip.isLoopbackOrUnspecified { continue }
                let server = ServerAddress(ip, port: configuration.upstreamPort)
                if cut.triedServers.contains(server) || candidates.contains(server) { continue }
                if infrastructure.isLame(server, for: cut.zone, at: now.milliseconds) { continue }
                if infrastructure.isUnreachable(server, at: now.milliseconds) {
                    unreachable.append(server)
                    continue
                }
                candidates.append(server)
            }
        }
        for server in unreachable {
            let silent = infrastructure.state(of: server, at: now.milliseconds).consecutiveTimeouts
            budgets[owner]?.paths.note("silent \(silent) times in a row, not asked for now", server: server, zone: cut.zone)
        }
        guard let server = infrastructure.select(from: candidates, at: now.milliseconds, using: &random) else { return nil }
        cut.triedServers.insert(server)
        return server
    }

    /// An NS name whose addresses are unknown, to look up (A first, AAAA only when IPv6 is used), or nil.
    private func nextNSLookup(_ r: Resolution, _ cut: inout ZoneCut) -> Question? {
        let limits = configuration.limits
        let budget = budget(of: r)
        guard r.ancestry.count < limits.maxLookupDepth, budget.nsLookups < limits.maxNSLookups,
              budget.failedNSLookups < limits.maxFailedNSLookups else { return nil }
        var families: [RRType] = []
        if configuration.doIPv4 { families.append(.a) }
        if configuration.doIPv6 { families.append(.aaaa) }
        for type in families {
            for name in cut.nsNames {
                let known = addresses(of: name, in: cut)
                let unknown = type == .a ? known.v4 == nil : known.v6 == nil
                guard unknown else { continue }
                let question = Question(name: name, type: type)
                // An NS name inside the zone is answered by the zone's own servers: once they have been
                // asked and failed, asking them for more of their addresses cannot help.
                if name.isSubdomain(of: cut.zone), !cut.fromHints, !cut.triedServers.isEmpty || cut.rounds > 1 { continue }
                if cut.lookedUp.contains(question) || r.ancestry.contains(question) || question == r.current { continue }
                cut.lookedUp.insert(question)
                return question
            }
        }
        return nil
    }

    /// The question to send: the full one, or with QNAME minimisation one label more than the zone cut
    /// (RFC 9156 §3) with QTYPE A.
    /// Names the cache already shows to exist without a zone cut (data or NODATA cached, from the same
    /// servers) are skipped, so a second name under the same empty non-terminal costs one query, not two.
    private func nextQuestion(_ r: Resolution, zone: Name) -> Question {
        guard r.minimise else { return r.current }
        var target = max(r.minimisedLabels, zone.labelCount) + 1
        while target < r.name.labelCount {
            let step = Question(name: r.name.suffix(labelCount: target), type: .a, rrClass: r.question.rrClass)
            switch cache.lookup(step, now: now.wall) {
            case .data?, .negative(nxDomain: false, _, _, _)?:
                target += 1
            default:
                return step
            }
        }
        return r.current
    }
}
