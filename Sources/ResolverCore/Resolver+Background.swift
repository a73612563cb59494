import DNSCache
import DNSWire
import TrustAnchors

/// Work no client asked for, driven by wake-ups: RFC 5011 refreshes of managed anchors with their RFC 8145
/// key-tag signals; and the answers the core makes up itself (`trustanchor.` CH TXT, RFC 8509 sentinels).
extension Resolver {
    /// Start what is due at `now`, then say when to wake next.
    func wake() {
        guard var manager = anchorManager else { return }
        let due = manager.dueRefreshes(at: now.wall)
        anchorManager = manager
        for zone in due {
            let refresh = newResolution(question: Question(name: zone, type: .dnskey), purpose: .background(.anchorRefresh(zone)),
                                        budgetOwner: nil, ancestry: [])
            resolutions[refresh]?.bypassCache = true
            run(refresh)
            if manager.signaling, let signal = manager.keyTagSignalName(for: zone) {
                let query = newResolution(question: Question(name: signal, type: .null), purpose: .background(.keyTagSignal(zone)),
                                          budgetOwner: nil, ancestry: [])
                run(query)
            }
        }
        scheduleWake()
    }

    /// Ask for the next wake-up, if anything is waiting for one.
    func scheduleWake() {
        guard let next = anchorManager?.nextWake else { return }
        actions.append(.wakeUp(at: max(next, now.wall)))
    }

    func backgroundFinished(_ task: BackgroundTask, _ answer: Answer) {
        switch task {
        case .keyTagSignal:
            // RFC 8145 §5.1: the answer (usually NXDOMAIN) carries nothing for us.
            break
        case let .anchorRefresh(zone):
            guard var manager = anchorManager, let validator else { return }
            let result = manager.refreshFinished(zone, answer: answer, crypto: validator.crypto, limits: validator.limits,
                                                 now: now.wall)
            anchorManager = manager
            if let result {
                actions.append(.saveAnchor(result.anchor))
                actions += result.log.map(ResolverAction.log)
            }
            scheduleWake()
        }
    }

    // MARK: Answers made here

    /// `trustanchor.` CH TXT (as Unbound's `trustanchor.unbound`): one TXT string per trusted-anchor key with its
    /// zone, tag, algorithm and state; REFUSED for any other CH question.
    func trustAnchorReport(_ question: Question) -> Answer {
        guard question.name == ClientProtocol.trustAnchorName, question.type == .txt || question.type == .any, let board = anchorBoard else {
            return Answer(question: question, rcode: .refused, extendedError: ExtendedDNSError(code: .notSupported,
                          text: "only trustanchor. CH TXT is answered in class CH"))
        }
        let lines = board.snapshot.report(now: now.wall).lines
        let rdatas = lines.map { line in RData.txt(Self.txtStrings(line)) }
        let rrset = RRSet(name: question.name, type: .txt, rrClass: .ch, ttl: 0, rdatas: rdatas)
        return Answer(question: question, rcode: .noError, answer: rdatas.isEmpty ? [] : [SignedRRSet(rrset)])
    }

    /// A text as TXT character-strings of at most 255 octets each.
    static func txtStrings(_ text: String) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [[]] }
        return stride(from: 0, to: bytes.count, by: 255).map { Array(bytes[$0..<min($0 + 255, bytes.count)]) }
    }

    /// RFC 8509 §3.2: a secure answer whose query name starts with `root-key-sentinel-is-ta-NNNNN` is SERVFAIL
    /// unless key NNNNN is a trusted root key; `root-key-sentinel-not-ta-NNNNN` is SERVFAIL when it is.
    /// Answers that are not secure are left as they are.
    func applyRootKeySentinel() {
        guard validator != nil else { return }
        var trusted: Set<UInt16>?
        for index in actions.indices {
            guard case let .answer(client, answer) = actions[index], answer.security == .secure,
                  let sentinel = RootKeySentinel(answer.question.name) else { continue }
            if trusted == nil { trusted = Set(validator?.anchor(.root)?.keyTags ?? []) }
            let isTrusted = trusted?.contains(sentinel.keyTag) ?? false
            guard sentinel.isTA != isTrusted else { continue }
            let text = "root-key-sentinel: key \(sentinel.keyTag) is \(isTrusted ? "" : "not ")a trusted root key"
            actions[index] = .answer(client, .servFail(answer.question, .other, text))
        }
    }
}

/// The RFC 8509 §2 sentinel label: `root-key-sentinel-is-ta-` or `root-key-sentinel-not-ta-` and five decimal
/// digits, case-insensitive, as the query name's first label.
struct RootKeySentinel: Equatable {
    var isTA: Bool
    var keyTag: UInt16

    init(isTA: Bool, keyTag: UInt16) {
        self.isTA = isTA
        self.keyTag = keyTag
    }

    init?(_ name: Name) {
        let label = name.firstLabel
        // The cheap test first: every client answer passes here.
        guard label.count == 29 || label.count == 30 else { return nil }
        let text = String(decoding: label, as: UTF8.self).lowercased()
        let prefix: String
        if text.hasPrefix("root-key-sentinel-is-ta-") {
            isTA = true
            prefix = "root-key-sentinel-is-ta-"
        } else if text.hasPrefix("root-key-sentinel-not-ta-") {
            isTA = false
            prefix = "root-key-sentinel-not-ta-"
        } else {
            return nil
        }
        let digits = text.dropFirst(prefix.count)
        guard digits.count == 5, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let value = UInt16(digits) else { return nil }
        keyTag = value
    }
}
