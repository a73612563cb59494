import DNSCache
import DNSSEC
import DNSWire
import TrustAnchors

/// Identifies one client query, chosen by the front end.
public struct ClientQueryID: Hashable, Sendable {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// Identifies one upstream transmission; the transport hands it back with the reply or timeout.
public struct QueryToken: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (lhs: QueryToken, rhs: QueryToken) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "#\(rawValue)" }
}

/// Something that happened, told to the resolver.
public enum ResolverEvent: Sendable {
    /// A client asks a question.
    case query(ClientQueryID, Question)
    /// A reply arrived for an upstream query, from this address. Decoded by the transport.
    case reply(QueryToken, from: ServerAddress, Message)
    /// The upstream query's timeout passed without an acceptable reply.
    case timeout(QueryToken)
    /// The transport could not send or the connection failed (also: a reply that could not be decoded).
    case networkError(QueryToken)
    /// A TCP connection for the upstream query could not be set up (or carried no answer in time).
    case connectFailed(QueryToken, Exchange.TCPFailure)
    /// The time asked for with `ResolverAction.wakeUp` or `.wakeAfter` has come (or any later time): run what
    /// is due.
    case wake
}

/// A query to send upstream: over `transport`, to `server`, expecting a reply within `timeout` milliseconds.
public struct UpstreamQuery: Sendable, Equatable {
    public var token: QueryToken
    public var server: ServerAddress
    public var message: Message
    public var transport: Exchange.Transport
    public var timeout: UInt64
    /// Over TCP: how long the connection may take to set up, within `timeout` (`Exchange.connectTimeout`).
    public var connectTimeout: UInt64 = Exchange.minimumTCPTimeout
}

/// The resolver's answer to a client question, ready to be put into a response message.
public struct Answer: Sendable, Equatable {
    public var question: Question
    public var rcode: RCode
    public var answer: [SignedRRSet]
    public var authority: [SignedRRSet]
    public var extendedError: ExtendedDNSError?
    /// What the validator found (RFC 4033 §5); the front end sets AD, or answers SERVFAIL, from it.
    public var security: AnswerSecurity

    public init(question: Question, rcode: RCode, answer: [SignedRRSet] = [], authority: [SignedRRSet] = [],
                extendedError: ExtendedDNSError? = nil, security: AnswerSecurity = .unvalidated) {
        self.question = question
        self.rcode = rcode
        self.answer = answer
        self.authority = authority
        self.extendedError = extendedError
        self.security = security
    }

    static func servFail(_ question: Question, _ code: ExtendedDNSErrorCode, _ text: String) -> Answer {
        Answer(question: question, rcode: .servFail, extendedError: ExtendedDNSError(code: code, text: text))
    }
}

/// The validation state of an answer.
public enum AnswerSecurity: Sendable, Equatable {
    /// Validation is off, or did not apply.
    case unvalidated
    /// No trust anchor covers the name (or a negative one does): no AD, data served.
    case indeterminate
    case insecure
    case secure
    /// The data failed validation: SERVFAIL with this error, unless the client set CD.
    case bogus(ExtendedDNSError?)

    init(_ status: SecurityStatus) {
        switch status {
        case .secure: self = .secure
        case .insecure: self = .insecure
        case .bogus: self = .bogus(ExtendedDNSError(code: .dnssecBogus, text: "cached as bogus"))
        case .indeterminate: self = .indeterminate
        case .unchecked: self = .unvalidated
        }
    }
}

extension SecurityStatus {
    /// The validator has ruled on it (anything but `unchecked`).
    var isSettled: Bool { self != .unchecked }
}

/// What the resolver validates with: the crypto port and where trust starts.
public struct Validator: Sendable {
    public var crypto: any DNSSECCrypto
    /// The trust anchor for a name (the deepest at or above it); nil when there is none or a negative trust
    /// anchor (RFC 7646) covers the name.
    public var anchor: @Sendable (Name) -> AnchorKeys?
    public var limits: ValidationLimits

    public init(crypto: any DNSSECCrypto, limits: ValidationLimits = ValidationLimits(), anchor: @escaping @Sendable (Name) -> AnchorKeys?) {
        self.crypto = crypto
        self.anchor = anchor
        self.limits = limits
    }
}

/// What the caller must do.
public enum ResolverAction: Sendable, Equatable {
    case send(UpstreamQuery)
    case answer(ClientQueryID, Answer)
    /// Deliver `ResolverEvent.wake` at this wall-clock time (seconds since the epoch), replacing any earlier
    /// request: the core keeps its own timers and says when the next one is due.
    case wakeUp(at: Int64)
    /// Deliver `ResolverEvent.wake` once this many milliseconds have passed on the monotonic clock, replacing
    /// any earlier request of this kind: the next client question's deadline is due then.
    case wakeAfter(milliseconds: UInt64)
    /// The upstream query no longer matters (its question hit its deadline, or was answered another way):
    /// close its socket; a reply or timeout for it is ignored.
    case cancel(QueryToken)
    /// A managed trust anchor changed: write its state file (atomically) before relying on it across restarts.
    case saveAnchor(ManagedAnchor)
    /// Tell the operator.
    case log(LogEntry)
}

/// The recursive resolver core: the iterator for every question in flight, the caches, and the
/// infrastructure cache. Sans-I/O: `handle` takes an event and the time, and returns actions.
///
/// One instance per event-loop thread; it is not thread-safe and needs no locks.
public final class Resolver {
    public var configuration: ResolverConfiguration
    public let rootHints: RootHints
    public internal(set) var cache: ResolverCache
    public internal(set) var infrastructure: InfrastructureCache
    /// DNSSEC validation; nil when `validation: no`.
    public var validator: Validator?
    var validations: [ResolutionID: PendingValidation] = [:]
    /// Answers found bogus, kept `bogusTTL` seconds (Unbound's val-bogus-ttl) so that a broken zone is not
    /// fetched and checked again for every client question; the EDE stays the one that was found.
    var bogusAnswers: [Question: (answer: Answer, expires: Int64)] = [:]
    /// How long a bogus answer is kept (seconds).
    public var bogusTTL: Int64 = 60
    /// RFC 5011 management of the process's managed anchors; set on one worker only.
    public var anchorManager: AnchorManager?
    /// The anchors every worker validates from, for `trustanchor.` CH TXT queries and root-key-sentinel
    /// (RFC 8509) answers; nil without validation.
    public var anchorBoard: AnchorBoard?
    /// `root-key-sentinel`: answer RFC 8509 sentinel queries.
    public var rootKeySentinel = true
    var random: ResolverRandom

    var resolutions: [ResolutionID: Resolution] = [:]
    var clients: [ResolutionID: [ClientQueryID]] = [:]
    var inFlight: [Question: ResolutionID] = [:]
    var pending: [QueryToken: PendingQuery] = [:]
    var budgets: [ResolutionID: WorkBudget] = [:]
    /// Budget owners by deadline, oldest first (every owner gets the same timeout, so appending keeps the
    /// order; after a reload that shortens it, a new deadline may wait behind older ones); from `deadlineHead`.
    var deadlines: [(at: UInt64, owner: ResolutionID)] = []
    var deadlineHead = 0
    /// The deadline the front end was last asked to wake us for.
    var requestedWake: UInt64?
    var priming: ResolutionID?
    var waitingForPriming: [ResolutionID] = []
    var runQueue: [ResolutionID] = []
    var draining = false
    /// When "num-queries-per-thread full" was last logged (monotonic milliseconds; 0: never).
    var lastFullLog: UInt64 = 0
    var nextResolutionID: UInt64 = 1
    var nextToken: UInt64 = 1
    /// Set while handling one event.
    var now = Moment(wall: 0, monotonic: 0)
    var actions: [ResolverAction] = []

    /// Counters for metrics and tests.
    public internal(set) var statistics = Statistics()

    public struct Statistics: Sendable, Equatable {
        public var clientQueries = 0
        public var joinedInFlight = 0
        public var cacheAnswers = 0
        public var upstreamQueries = 0
        public var upstreamTimeouts = 0
        /// Replies that did not match an outstanding query (wrong address, ID or question): ignored.
        public var unmatchedReplies = 0
        /// Client questions (and priming or background work) answered SERVFAIL at their deadline.
        public var deadlinesHit = 0
        /// Questions that lost their place to a newer one (`num-queries-per-thread` full, jostle).
        public var jostledOut = 0
        /// Questions answered SERVFAIL at once because the worker was full of younger ones.
        public var turnedAwayFull = 0
        /// Questions ended by `WorkLimits.maxUpstreamQueries`.
        public var budgetsExhausted = 0
    }

    /// An upstream query waiting for its reply.
    struct PendingQuery {
        var resolution: ResolutionID
        var server: ServerAddress
        var zone: Name
        /// Exactly as sent (0x20 case included).
        var question: Question
        var id: UInt16
        var exchange: Exchange
        var sentAt: UInt64
    }

    public init(configuration: ResolverConfiguration = ResolverConfiguration(), rootHints: RootHints = .iana,
                cache: ResolverCache, validator: Validator? = nil, random: ResolverRandom = .system) {
        self.configuration = configuration
        self.validator = validator
        self.rootHints = rootHints
        self.cache = cache
        self.infrastructure = InfrastructureCache(configuration: configuration.infrastructure)
        self.random = random
    }

    /// Upstream queries waiting for replies.
    public var outstandingQueries: Int { pending.count }
    /// Questions being resolved.
    public var activeResolutions: Int { resolutions.count }

    /// Forget what expired in the infrastructure cache (call now and then).
    public func purgeInfrastructure(at now: Moment) {
        infrastructure.purge(at: now.milliseconds)
    }

    /// Whether the upstream query `token` still waits for a reply; once false, its socket can be closed.
    public func isWaiting(for token: QueryToken) -> Bool { pending[token] != nil }

    /// Take one event; return what to do.
    public func handle(_ event: ResolverEvent, at now: Moment) -> [ResolverAction] {
        self.now = now
        actions = []
        if case .wake = event { requestedWake = nil }
        expireDeadlines()
        switch event {
        case let .query(client, question): receive(client, question)
        case let .reply(token, server, message): receiveReply(token, from: server, message)
        case let .timeout(token): receiveFailure(token, .timeout)
        case let .networkError(token): receiveFailure(token, .networkError)
        case let .connectFailed(token, failure): receiveFailure(token, .connectFailed(failure))
        case .wake: wake()
        }
        requestDeadlineWake()
        if rootKeySentinel { applyRootKeySentinel() }
        let result = actions
        actions = []
        return result
    }

    private func receive(_ client: ClientQueryID, _ question: Question) {
        statistics.clientQueries += 1
        if question.rrClass == .ch {
            actions.append(.answer(client, trustAnchorReport(question)))
            return
        }
        if let bogus = bogusAnswers[question] {
            if bogus.expires > now.wall {
                statistics.cacheAnswers += 1
                var answer = bogus.answer
                answer.question = question
                actions.append(.answer(client, answer))
                return
            }
            bogusAnswers[question] = nil
        }
        // The common case, a cached answer or denial with no CNAME to follow, needs no resolution state.
        switch cache.lookup(question, now: now.wall) {
        case let .data(rrset, status)? where validator == nil || status.isSettled:
            statistics.cacheAnswers += 1
            actions.append(.answer(client, Answer(question: question, rcode: .noError, answer: [rrset],
                                                  security: validator == nil ? .unvalidated : AnswerSecurity(status))))
            return
        case let .negative(nxDomain, soa, proofs, status)? where validator == nil || status.isSettled:
            statistics.cacheAnswers += 1
            actions.append(.answer(client, Answer(question: question, rcode: nxDomain ? .nxDomain : .noError,
                                                  authority: (soa.map { [$0] } ?? []) + proofs,
                                                  security: validator == nil ? .unvalidated : AnswerSecurity(status))))
            return
        case .negative?:
            break
        case .data?, .cname?, nil:
            break
        }
        // `Name` compares and hashes ignoring case (RFC 4343), so WWW.Example. joins www.example.
        if let existing = inFlight[question] {
            statistics.joinedInFlight += 1
            clients[existing, default: []].append(client)
            return
        }
        if clients.count >= configuration.limits.maxClientResolutions, !makeRoom() {
            statistics.turnedAwayFull += 1
            noteLimitHit()
            actions.append(.answer(client, .servFail(question, .other,
                "num-queries-per-thread (\(configuration.limits.maxClientResolutions)) full: too many questions in flight")))
            return
        }
        let id = newResolution(question: question, purpose: .client, budgetOwner: nil, ancestry: [])
        inFlight[question] = id
        clients[id] = [client]
        run(id)
    }

    /// `num-queries-per-thread` is full: answer the oldest client question SERVFAIL to make room, if it has run
    /// longer than `jostle-timeout`; false when every question is younger (the new one is turned away).
    private func makeRoom() -> Bool {
        let limits = configuration.limits
        var oldest: (id: ResolutionID, deadline: UInt64)?
        for id in clients.keys {
            guard let deadline = budgets[id]?.deadline else { continue }
            if oldest == nil || deadline < (oldest?.deadline ?? .max) { oldest = (id, deadline) }
        }
        guard let oldest, let budget = budgets[oldest.id] else { return false }
        let started = oldest.deadline &- limits.clientTimeout
        guard now.milliseconds >= started, now.milliseconds - started >= limits.jostleTimeout else { return false }
        statistics.jostledOut += 1
        noteLimitHit()
        abandon(oldest.id, answer: .servFail(budget.question, .other,
            "num-queries-per-thread (\(limits.maxClientResolutions)) full: \(budget.question.name) \(budget.question.type) "
            + "gave its place to a newer question after \(now.milliseconds - started) ms"))
        return clients.count < limits.maxClientResolutions
    }

    /// Log that the worker is full, at most once a minute.
    private func noteLimitHit() {
        guard now.milliseconds >= lastFullLog &+ 60_000 || lastFullLog == 0 else { return }
        lastFullLog = now.milliseconds
        actions.append(.log(LogEntry(.warning, "num-queries-per-thread (\(configuration.limits.maxClientResolutions)) full: "
            + "\(statistics.jostledOut) questions jostled out and \(statistics.turnedAwayFull) turned away so far; "
            + "raise num-queries-per-thread or threads if this is real load")))
    }

    func newResolution(question: Question, purpose: Resolution.Purpose, budgetOwner: ResolutionID?, ancestry: [Question]) -> ResolutionID {
        let id = ResolutionID(rawValue: nextResolutionID)
        nextResolutionID += 1
        let minimise = configuration.qnameMinimisation && purpose != .priming
        resolutions[id] = Resolution(id: id, question: question, purpose: purpose, budgetOwner: budgetOwner ?? id,
                                     ancestry: ancestry, minimise: minimise, started: now.milliseconds)
        if budgetOwner == nil {
            let deadline = now.milliseconds + configuration.limits.clientTimeout
            budgets[id] = WorkBudget(question: question, deadline: deadline)
            deadlines.append((deadline, id))
        }
        return id
    }

    private func receiveReply(_ token: QueryToken, from server: ServerAddress, _ message: Message) {
        guard let query = pending[token], query.server == server, message.header.id == query.id, message.header.isResponse,
              let asked = message.question, matches(sent: query.question, received: asked) else {
            statistics.unmatchedReplies += 1
            return
        }
        pending[token] = nil
        var exchange = query.exchange
        let next = exchange.handle(.reply(message))
        learn(exchange.takeObservations(), query)
        switch next {
        case let .send(attempt):
            retry(query, exchange: exchange, attempt: attempt)
        case let .done(reply):
            infrastructure.recordRTT(now.milliseconds &- query.sentAt, for: server, at: now.milliseconds)
            if let learned = exchange.learned {
                infrastructure.recordWorkingPath(for: server, ednsSize: learned.ednsSize, tcpOnly: learned.tcpOnly,
                                                 noEDNS: learned.noEDNS, at: now.milliseconds)
            }
            process(reply, to: query)
        case .failed:
            serverFailed(query)
        }
    }

    /// Remember what the attempt showed about the server's path, and note it for the question's EDE.
    private func learn(_ observations: [Exchange.Observation], _ query: PendingQuery) {
        let owner = resolutions[query.resolution]?.budgetOwner ?? query.resolution
        for observation in observations {
            budgets[owner]?.paths.note(observation, server: query.server, zone: query.zone)
            switch observation {
            case let .udpLostAbove(size): infrastructure.recordLostAbove(size, for: query.server, at: now.milliseconds)
            case let .tcpFailed(failure): infrastructure.recordTCP(failure, for: query.server, at: now.milliseconds)
            case .tcpWorked: infrastructure.recordTCP(nil, for: query.server, at: now.milliseconds)
            case .truncated, .udpSilent, .truncatedWithoutTCP: break
            }
        }
    }

    private func receiveFailure(_ token: QueryToken, _ result: Exchange.Result) {
        guard let query = pending.removeValue(forKey: token) else { return }
        if case .timeout = result { statistics.upstreamTimeouts += 1 }
        var exchange = query.exchange
        let next = exchange.handle(result)
        learn(exchange.takeObservations(), query)
        if case .networkError = result {
            budgets[resolutions[query.resolution]?.budgetOwner ?? query.resolution]?.paths.noteNetworkError(server: query.server, zone: query.zone)
        }
        switch next {
        case let .send(attempt):
            retry(query, exchange: exchange, attempt: attempt)
        case .failed(.tcp), .failed(.truncatedWithoutTCP):
            // The server answers over UDP; only its TCP path is broken (remembered by `learn`).
            serverFailed(query)
        case .done, .failed:
            infrastructure.recordTimeout(for: query.server, at: now.milliseconds)
            serverFailed(query)
        }
    }

    /// 0x20: with case randomisation on, the reply must repeat the question's case exactly.
    private func matches(sent: Question, received: Question) -> Bool {
        guard sent.type == received.type, sent.rrClass == received.rrClass else { return false }
        return configuration.useCapsForID ? sent.name.isIdentical(to: received.name) : sent.name == received.name
    }

    /// The exchange's next attempt, if the question's budget allows one more query; otherwise the server
    /// counts as failed, and the resolution ends on the work limit when it next advances.
    private func retry(_ query: PendingQuery, exchange: Exchange, attempt: Exchange.Attempt) {
        let owner = resolutions[query.resolution]?.budgetOwner ?? query.resolution
        if let budget = budgets[owner], budget.upstreamQueries >= configuration.limits.maxUpstreamQueries {
            serverFailed(query)
            return
        }
        transmit(query, exchange: exchange, attempt: attempt)
    }

    /// Send (or re-send) a query for `resolution` to `server` in the given attempt shape.
    func transmit(_ query: PendingQuery, exchange: Exchange, attempt: Exchange.Attempt) {
        let token = QueryToken(nextToken)
        nextToken += 1
        var next = query
        next.id = UInt16(truncatingIfNeeded: random.next())
        next.exchange = exchange
        next.sentAt = now.milliseconds
        pending[token] = next
        budgets[resolutions[query.resolution]?.budgetOwner ?? query.resolution]?.upstreamQueries += 1
        statistics.upstreamQueries += 1
        let edns = attempt.ednsSize.map { EDNS(udpPayloadSize: $0, dnssecOK: configuration.dnssecOK) }
        let message = Message.query(id: next.id, question: next.question, edns: edns)
        let udpTimeout = infrastructure.state(of: query.server, at: now.milliseconds).timeout
        actions.append(.send(UpstreamQuery(token: token, server: query.server, message: message,
                                           transport: attempt.transport, timeout: attempt.timeout,
                                           connectTimeout: min(attempt.timeout, Exchange.connectTimeout(udpTimeout: udpTimeout)))))
    }

    /// Start an exchange for `question` with `server` on behalf of `resolution`.
    func startQuery(_ resolution: ResolutionID, zone: Name, server: ServerAddress, question: Question) {
        let state = infrastructure.state(of: server, at: now.milliseconds)
        let exchange = Exchange(server: state, ednsSize: configuration.ednsBufferSize, fallbackSize: configuration.ednsFallbackSize)
        let sent = configuration.useCapsForID ? Question(name: randomiseCase(question.name), type: question.type, rrClass: question.rrClass) : question
        let query = PendingQuery(resolution: resolution, server: server, zone: zone, question: sent, id: 0,
                                 exchange: exchange, sentAt: now.milliseconds)
        transmit(query, exchange: exchange, attempt: exchange.firstAttempt)
    }

    /// Flip the case of each ASCII letter at random (draft-vixie-dnsext-dns0x20).
    private func randomiseCase(_ name: Name) -> Name {
        var bits: UInt64 = 0
        var left = 0
        var wire = name.wire
        var position = 0
        while position < wire.count, wire[position] != 0 {
            let length = Int(wire[position])
            for index in (position + 1)..<(position + 1 + length) {
                let octet = wire[index] | 0x20
                guard octet >= 0x61, octet <= 0x7A else { continue }
                if left == 0 {
                    bits = random.next()
                    left = 64
                }
                wire[index] = bits & 1 == 1 ? octet & ~0x20 : octet
                bits >>= 1
                left -= 1
            }
            position += 1 + length
        }
        return (try? Name(wire: wire)) ?? name
    }
}
