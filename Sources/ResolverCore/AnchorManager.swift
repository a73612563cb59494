import DNSSEC
import DNSWire
import TrustAnchors

/// Work the resolver starts by itself, with no client waiting: what a background resolution is for.
public enum BackgroundTask: Hashable, Sendable {
    /// RFC 5011 §2.3 active refresh: fetch the DNSKEY RRset of a managed anchor's zone.
    case anchorRefresh(Name)
    /// RFC 8145 §5.1 key-tag signal: tell the anchor zone's servers which keys we trust; the answer is not used.
    case keyTagSignal(Name)
}

/// A line for the operator's log, chosen by the core and written by the front end.
public struct LogEntry: Sendable, Equatable, CustomStringConvertible {
    public enum Level: String, Sendable, Equatable { case info, notice, warning, error }
    public var level: Level
    public var message: String

    public init(_ level: Level, _ message: String) {
        self.level = level
        self.message = message
    }

    public var description: String { "\(level.rawValue): \(message)" }
}

/// The managed trust anchors of one process (RFC 5011): when each is refreshed, what a fetched DNSKEY RRset
/// changes, what is posted to the `AnchorBoard` the validators read, and what the operator is told.
///
/// Held by one worker's `Resolver`; sans-I/O like the rest of the core. The front end persists each changed
/// anchor (`ResolverAction.saveAnchor`) and turns `ResolverAction.wakeUp` into a timer.
public struct AnchorManager: Sendable {
    public var timers: HoldDowns
    /// `trust-anchor-signaling`: send an RFC 8145 key-tag query with every refresh.
    public var signaling: Bool
    public let board: AnchorBoard
    public private(set) var anchors: [Name: ManagedAnchor]
    var refreshing: Set<Name> = []
    /// The last failure logged per zone and when: a failure is logged when its text changes, else hourly.
    var failureLogged: [Name: (at: Int64, text: String)] = [:]
    /// The problem last reported per zone, so that each turn for the worse (and back) is logged once.
    var reportedProblem: [Name: String] = [:]
    /// When each zone's problem was last logged: while it lasts it is logged again hourly.
    var problemLogged: [Name: Int64] = [:]

    /// Manage `anchors` (from their state files, or the initial ones), all refreshed at the first wake-up.
    public init(anchors: [ManagedAnchor], timers: HoldDowns, signaling: Bool, board: AnchorBoard, now: Int64) {
        self.timers = timers
        self.signaling = signaling
        self.board = board
        var byZone: [Name: ManagedAnchor] = [:]
        for var anchor in anchors {
            // A restart refreshes at once: it may have missed a step of a roll while it was down.
            anchor.nextRefresh = min(anchor.nextRefresh, now)
            byZone[anchor.zone] = anchor
        }
        self.anchors = byZone
        for anchor in byZone.values { _ = post(anchor, now: now) }
        // A problem the saved state already had is logged after the first refresh, if that does not clear it.
        reportedProblem = [:]
    }

    /// Zones whose refresh is due at `now` and not already under way; they are marked as under way.
    mutating func dueRefreshes(at now: Int64) -> [Name] {
        let due = anchors.values.filter { $0.nextRefresh <= now && !refreshing.contains($0.zone) }.map(\.zone).sorted()
        refreshing.formUnion(due)
        return due
    }

    /// The earliest moment a refresh falls due, for the next wake-up.
    var nextWake: Int64? {
        anchors.values.filter { !refreshing.contains($0.zone) }.map(\.nextRefresh).min()
    }

    /// The RFC 8145 §5.1 key-tag query name for `zone`: `_ta-` and the trusted keys' tags, four lowercase hex
    /// digits each, ascending, joined by `-`, under the zone.
    func keyTagSignalName(for zone: Name) -> Name? {
        guard let anchor = anchors[zone] else { return nil }
        let tags = Set(anchor.keys.filter(\.isTrusted).map(\.keyTag)).sorted()
        guard !tags.isEmpty else { return nil }
        let label = "_ta-" + tags.map { tag in
            let hex = String(tag, radix: 16)
            return String(repeating: "0", count: 4 - hex.count) + hex
        }.joined(separator: "-")
        return try? zone.prepending(Array(label.utf8))
    }

    /// A refresh of `zone` ended with `answer`: apply RFC 5011 (or the retry timer) and say what to log.
    mutating func refreshFinished(_ zone: Name, answer: Answer, crypto: any DNSSECCrypto, limits: ValidationLimits,
                                  now: Int64) -> (anchor: ManagedAnchor, log: [LogEntry])? {
        refreshing.remove(zone)
        guard var anchor = anchors[zone] else { return nil }
        let outcome: RefreshOutcome
        /// What makes two failures "the same" for the once-an-hour warning: a failed lookup's rcode and EDE code
        /// (its text names the servers and paths tried, which vary), or the tracker's message.
        var lookupCause: String?
        if answer.rcode == .noError,
           let keys = answer.answer.first(where: { $0.rrset.type == .dnskey && $0.rrset.name == zone }) {
            outcome = anchor.refresh(with: keys, crypto: crypto, limits: limits, timers: timers, now: now)
        } else {
            var reason = "the DNSKEY query for \(zone) ended in \(answer.rcode)"
            if answer.rcode == .noError { reason += " with no DNSKEY RRset" }
            if let error = answer.extendedError {
                reason += " (EDE \(error.code.rawValue)\(error.text.isEmpty ? "" : ": " + error.text))"
            }
            lookupCause = "\(answer.rcode) \(answer.extendedError.map { String($0.code.rawValue) } ?? "-")"
            outcome = anchor.refreshFailed(reason, timers: timers, now: now)
        }
        anchors[zone] = anchor
        var log = outcome.changes.map { LogEntry(.notice, "trust anchor: \($0.text)") }
        if !outcome.accepted {
            let text = outcome.message ?? anchor.lastError ?? "refresh failed"
            let cause = lookupCause ?? text
            let last = failureLogged[zone]
            if last == nil || last?.text != cause || now - (last?.at ?? 0) >= 3600 {
                failureLogged[zone] = (now, cause)
                log.append(LogEntry(.warning, "trust anchor for \(zone): refresh failed (\(anchor.failures) in a row): \(text); "
                    + "next try in \(max(0, anchor.nextRefresh - now)) s"))
            }
        } else if failureLogged.removeValue(forKey: zone) != nil {
            log.append(LogEntry(.notice, "trust anchor for \(zone): refreshed again after failures"))
        }
        log += post(anchor, now: now)
        return (anchor, log)
    }

    /// Post `anchor` to the board with its health; log a problem once when it appears and once when it clears.
    mutating func post(_ anchor: ManagedAnchor, now: Int64) -> [LogEntry] {
        anchors[anchor.zone] = anchor
        let health = anchor.health(timers: timers, now: now)
        let problem = health.isUsable ? nil : health.text
        board.post(anchor, problem: problem)
        defer { reportedProblem[anchor.zone] = problem }
        switch (reportedProblem[anchor.zone], problem) {
        case let (old, new?) where old != new || now - (problemLogged[anchor.zone] ?? now) >= 3600:
            problemLogged[anchor.zone] = now
            return [LogEntry(.error, "trust anchor for \(anchor.zone) cannot be used: \(new). Until then every answer at and below "
                + "\(anchor.zone) is SERVFAIL, never unvalidated (state file \(AnchorStateFile.fileName(for: anchor.zone)) in "
                + "trust-anchor-state-dir)")]
        case (_?, nil):
            problemLogged[anchor.zone] = nil
            return [LogEntry(.notice, "trust anchor for \(anchor.zone) is usable again")]
        default:
            return []
        }
    }
}
