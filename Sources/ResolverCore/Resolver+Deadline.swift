import DNSWire

/// The hard deadline of each client question (`WorkLimits.clientTimeout`): checked on every event, and asked
/// for as a monotonic wake-up (`ResolverAction.wakeAfter`), so that a question is answered on time whatever
/// is in flight. Everything the question caused (sub-lookups, validation, upstream queries) ends with it;
/// what was already learned stays in the caches.
extension Resolver {
    /// Answer every budget owner whose deadline has passed.
    func expireDeadlines() {
        while deadlineHead < deadlines.count, deadlines[deadlineHead].at <= now.milliseconds {
            let due = deadlines[deadlineHead]
            deadlineHead += 1
            if let budget = budgets[due.owner], budget.deadline == due.at { expire(due.owner, budget) }
        }
        if deadlineHead > 1_024, deadlineHead * 2 > deadlines.count {
            deadlines.removeFirst(deadlineHead)
            deadlineHead = 0
        }
    }

    /// Ask the front end to wake us for the earliest deadline still waiting, when that is not asked already.
    func requestDeadlineWake() {
        while deadlineHead < deadlines.count, budgets[deadlines[deadlineHead].owner]?.deadline != deadlines[deadlineHead].at {
            deadlineHead += 1
        }
        guard deadlineHead < deadlines.count else { return }
        let next = deadlines[deadlineHead].at
        guard requestedWake != next else { return }
        requestedWake = next
        actions.append(.wakeAfter(milliseconds: next > now.milliseconds ? next - now.milliseconds : 0))
    }

    /// The SERVFAIL a question gets at its deadline: what each server's path did, or where it was waiting.
    /// `waitedForPriming`: what priming's servers did, for a question that spent its time waiting for it.
    func deadlineAnswer(_ budget: WorkBudget, waitedForPriming: PathReport? = nil) -> Answer {
        var text = "no answer within \(configuration.limits.clientTimeout) ms for \(budget.question.name) \(budget.question.type)"
        var paths = budget.paths
        if paths.entries.isEmpty, let priming = waitedForPriming, !priming.entries.isEmpty {
            text += "; waiting for priming (. NS)"
            paths = priming
        }
        if !paths.entries.isEmpty { text += "; " + paths.summary() }
        return .servFail(budget.question, paths.code, text)
    }

    /// `owner`'s deadline has passed: drop every resolution spending its budget and their upstream queries
    /// (told to the transport as `cancel`), then answer.
    private func expire(_ owner: ResolutionID, _ budget: WorkBudget) {
        statistics.deadlinesHit += 1
        let primingPaths = waitingForPriming.contains(owner) ? priming.flatMap { budgets[$0]?.paths } : nil
        abandon(owner, answer: deadlineAnswer(budget, waitedForPriming: primingPaths))
    }

    /// End `owner` now with `answer` (its deadline passed, or it was jostled out): drop every resolution
    /// spending its budget and their upstream queries (told to the transport as `cancel`), then answer.
    func abandon(_ owner: ResolutionID, answer: Answer) {
        let members = resolutions.values.filter { $0.budgetOwner == owner && $0.id != owner }.map(\.id)
        for member in members {
            resolutions[member] = nil
            waitingForPriming.removeAll { $0 == member }
            cancelQueries(of: member)
        }
        if resolutions[owner] != nil {
            waitingForPriming.removeAll { $0 == owner }
            cancelQueries(of: owner)
            finish(owner, answer)
        } else if validations.removeValue(forKey: owner) != nil {
            // The answer was found and its chain of trust was being fetched: the question still fails.
            budgets[owner] = nil
            answerClients(owner, answer)
        }
        budgets[owner] = nil
    }

    /// Forget the upstream queries of `id` and tell the transport to close their sockets.
    func cancelQueries(of id: ResolutionID) {
        for (token, query) in pending where query.resolution == id {
            pending[token] = nil
            actions.append(.cancel(token))
        }
    }
}
