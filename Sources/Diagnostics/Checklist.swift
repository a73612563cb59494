import DNSSEC
import DNSWire
import TrustAnchors

/// The operators' checklist: keep validation on, let the trust anchor update itself, make sure 4096-octet answers
/// arrive and TCP works, keep the clock right. Pure: observations in, one result per item out.
public enum Checklist {
    /// The item names, in the order they are printed.
    public static let items = ["answering", "validation", "trust-anchors", "rfc5011-state", "state-directory",
                               "last-refresh", "udp-4096", "tcp", "clock"]

    /// The replies under this size count as "large answers lost" for the reply-size item (the OARC page's "about 4,000").
    public static let largeEnough = 4000

    /// `--quick`: only whether the server answers.
    public static func judgeQuick(_ seen: CheckObservations) -> [CheckResult] {
        [answering(seen)]
    }

    public static func judge(_ seen: CheckObservations) -> [CheckResult] {
        [answering(seen), validation(seen), trustAnchors(seen), rfc5011State(seen), stateDirectory(seen),
         lastRefresh(seen), udp4096(seen), tcp(seen), clock(seen)]
    }

    static func answering(_ seen: CheckObservations) -> CheckResult {
        let item = "answering"
        let fix = "start anchord (anchord serve --config FILE), or check interface/port and access-control"
        switch seen.liveness {
        case nil: return CheckResult(item: item, status: .skip, detail: "not asked")
        case let .failed(why)?: return CheckResult(item: item, status: .fail, detail: "\(seen.server): \(why)", fix: fix)
        case let .answered(message, _)?:
            // Alive is alive: a SERVFAIL (no upstream reachable) is for the other items to explain; a health check
            // that restarts a resolver because the network is down helps nobody. REFUSED means we are not let in.
            if message.rcode == .refused {
                return CheckResult(item: item, status: .fail, detail: "\(seen.server) REFUSED . NS",
                                   fix: "allow this host in access-control, or run anchord check where anchord is")
            }
            let rcode = message.rcode == .noError ? "" : " (\(message.rcode): resolution fails, see the other items)"
            return CheckResult(item: item, status: .ok, detail: "\(seen.server) answered . NS\(rcode)")
        }
    }

    static func validation(_ seen: CheckObservations) -> CheckResult {
        let item = "validation"
        guard seen.validationEnabled else {
            return CheckResult(item: item, status: .fail, detail: "validation: no in the configuration",
                               fix: "set validation: yes (answers are not checked; AD is never set)")
        }
        var notes: [String] = []
        var failures: [String] = []
        if let (name, outcome) = seen.secureProbe {
            switch outcome {
            case let .failed(why): failures.append("\(name.text) not answered: \(why)")
            case let .answered(message, _):
                if message.rcode == .noError, message.header.authenticData {
                    notes.append("\(name.text) AD")
                } else {
                    let ede = message.edns?.extendedErrors.first.map { ", EDE \($0.code.rawValue) \($0.text)" } ?? ""
                    failures.append("\(name.text) \(message.rcode)\(message.header.authenticData ? " AD" : " without AD")\(ede)")
                }
            }
        }
        if let (name, outcome) = seen.bogusProbe {
            switch outcome {
            case let .failed(why): failures.append("\(name.text) not answered: \(why)")
            case let .answered(message, _):
                let ede = message.edns?.extendedErrors.first
                if message.rcode == .servFail, let ede {
                    notes.append("\(name.text) SERVFAIL EDE \(ede.code.rawValue)")
                } else {
                    failures.append("\(name.text) (bogus) got \(message.rcode)\(ede == nil ? " without EDE" : "")")
                }
            }
        }
        return verdict(item, failures: failures, notes: notes, failingWithNotes: true,
                      fix: "anchord anchors shows whether the trust anchor is usable; the server's log says why "
                           + "answers are bogus; a secure name must get AD and a bogus one SERVFAIL",
                      skipped: "no names to ask")
    }

    static func trustAnchors(_ seen: CheckObservations) -> CheckResult {
        let item = "trust-anchors"
        guard seen.validationEnabled else { return CheckResult(item: item, status: .skip, detail: "validation is off") }
        let zones = seen.managedAnchors.map(\.initial.zone) + seen.staticAnchors.map(\.zone)
        guard zones.contains(.root) else {
            return CheckResult(item: item, status: .fail, detail: "no trust anchor for the root",
                               fix: "remove trust-anchor-file/auto-trust-anchor-file to use the built-in root KSKs 20326 and 38696")
        }
        var notes: [String] = []
        var failures: [String] = []
        for anchor in seen.managedAnchors {
            let zone = anchor.initial.zone
            let builtIn = zone == .root && anchor.initial == RootAnchors.anchor
            let what = builtIn ? "the IANA root KSKs" : "the configured keys"
            guard let state = anchor.state else {
                let tags = anchor.initial.keys.map { String($0.keyTag) }.joined(separator: ", ")
                notes.append("\(zone.text) \(tags) (initial keys, no state yet)")
                continue
            }
            let tracked = Set(state.keys.map(\.keyTag))
            let missing = anchor.initial.keys.map(\.keyTag).filter { !tracked.contains($0) }
            let trusted = state.keys.filter(\.isTrusted).map { String($0.keyTag) }
            if !missing.isEmpty {
                failures.append("\(zone.text): \(what) \(missing.map(String.init).joined(separator: ", ")) not in the state")
            } else if trusted.isEmpty {
                failures.append("\(zone.text): no trusted key")
            } else {
                notes.append("\(zone.text) \(trusted.joined(separator: ", ")) trusted (\(what))")
            }
        }
        for anchor in seen.staticAnchors {
            let tags = anchor.keys.map { String($0.keyTag) }.joined(separator: ", ")
            if anchor.zone == .root, !RootAnchors.anchor.keys.map(\.keyTag).allSatisfy(anchor.keys.map(\.keyTag).contains) {
                notes.append(". \(tags) static (not the IANA root KSKs 20326, 38696)")
            } else {
                notes.append("\(anchor.zone.text) \(tags) static")
            }
        }
        return verdict(item, failures: failures, notes: notes,
                      fix: "install the current keys (the built-in root KSKs, or the zone's file) and delete the state file")
    }

    static func rfc5011State(_ seen: CheckObservations) -> CheckResult {
        let item = "rfc5011-state"
        guard seen.validationEnabled else { return CheckResult(item: item, status: .skip, detail: "validation is off") }
        var notes: [String] = []
        var failures: [String] = []
        for anchor in seen.staticAnchors {
            failures.append("\(anchor.zone.text) is a static anchor (trust-anchor-file): key rolls are not followed")
        }
        for anchor in seen.managedAnchors {
            let zone = anchor.initial.zone.text
            if let loadError = anchor.loadError {
                failures.append(loadError)
                continue
            }
            guard let state = anchor.state else {
                if seen.readOnly {
                    notes.append("\(zone) initial keys (read-only)")
                } else {
                    failures.append("\(zone): no state file in \(seen.stateDirectory) (is anchord running with this configuration?)")
                }
                continue
            }
            let health = state.health(timers: seen.holdDowns, now: seen.now)
            if health.isUsable {
                let states = state.keys.map { "\($0.keyTag) \($0.state.label)" }.joined(separator: ", ")
                notes.append("\(zone) \(states)")
            } else {
                failures.append("\(zone): \(health.text)")
            }
        }
        return verdict(item, failures: failures, notes: notes,
                      fix: "use auto-trust-anchor-file (or the built-in root anchor) so anchord follows key rolls; "
                           + "anchord anchors shows each key's state",
                      skipped: "no managed anchors")
    }

    static func stateDirectory(_ seen: CheckObservations) -> CheckResult {
        let item = "state-directory"
        guard seen.validationEnabled, !seen.managedAnchors.isEmpty else {
            return CheckResult(item: item, status: .skip, detail: "no managed anchors")
        }
        if seen.readOnly {
            return CheckResult(item: item, status: .fail, detail: "trust-anchor-read-only: yes, the anchors are not updated",
                               fix: "set trust-anchor-read-only: no with a trust-anchor-state-dir anchord can write")
        }
        if let problem = seen.stateDirectoryProblem {
            return CheckResult(item: item, status: .fail, detail: "\(seen.stateDirectory): \(problem)",
                               fix: "make \(seen.stateDirectory) a directory the anchord user can write (a volume in a container)")
        }
        return CheckResult(item: item, status: .ok, detail: "\(seen.stateDirectory) writable")
    }

    static func lastRefresh(_ seen: CheckObservations) -> CheckResult {
        let item = "last-refresh"
        guard seen.validationEnabled else { return CheckResult(item: item, status: .skip, detail: "validation is off") }
        var notes: [String] = []
        var failures: [String] = []
        for anchor in seen.managedAnchors {
            guard let state = anchor.state else { continue }
            let zone = anchor.initial.zone.text
            guard let last = state.lastSuccess else {
                failures.append("\(zone) never refreshed" + (state.lastError.map { " (\($0))" } ?? ""))
                continue
            }
            let age = seen.now - last
            let limit = 2 * state.activeRefreshInterval(timers: seen.holdDowns, now: seen.now) + 3600
            if age > limit {
                failures.append("\(zone) last refreshed \(UTCTime.text(last)), \(age) s ago (more than \(limit) s)"
                                + (state.lastError.map { "; last error: \($0)" } ?? ""))
            } else {
                notes.append("\(zone) \(UTCTime.text(last)) (\(age) s ago)")
            }
        }
        return verdict(item, failures: failures, notes: notes,
                      fix: "anchord must reach the zone's servers to fetch its DNSKEY RRset: check the network "
                           + "and the log's refresh warnings",
                      skipped: "no saved managed-anchor state")
    }

    static func udp4096(_ seen: CheckObservations) -> CheckResult {
        let item = "udp-4096"
        let fix = "large UDP answers are lost on the way to anchord (IP fragments dropped?): let fragments through, "
            + "or keep edns-buffer-size 4096 and make sure TCP/53 works so answers still arrive"
        if let (name, outcome) = seen.replySizeProbe {
            guard let message = outcome.message else {
                if case let .failed(why) = outcome {
                    return CheckResult(item: item, status: .fail, detail: "\(name.text) TXT: \(why)", fix: fix)
                }
                return CheckResult(item: item, status: .fail, detail: "\(name.text) TXT not answered", fix: fix)
            }
            guard let limit = replySizeLimit(message) else {
                return CheckResult(item: item, status: .fail, detail: "\(name.text) TXT: \(message.rcode), no size report", fix: fix)
            }
            let advertised = replySizeAdvertised(message).map { ", advertised \($0)" } ?? ""
            let detail = "reply size limit at least \(limit) octets\(advertised) (\(name.text))"
            return CheckResult(item: item, status: limit >= largeEnough ? .ok : .fail, detail: detail, fix: fix)
        }
        switch seen.largeAnswerProbe {
        case nil: return CheckResult(item: item, status: .skip, detail: "not asked")
        case let .failed(why)?: return CheckResult(item: item, status: .fail, detail: ". DNSKEY over UDP: \(why)", fix: fix)
        case let .answered(message, size)?:
            if message.header.isTruncated {
                return CheckResult(item: item, status: .fail, detail: ". DNSKEY (DO, EDNS 4096) came truncated (\(size) octets)", fix: fix)
            }
            guard message.rcode == .noError, message.answers.contains(where: { $0.type == .dnskey }) else {
                return CheckResult(item: item, status: .fail, detail: ". DNSKEY: \(message.rcode), no DNSKEY records", fix: fix)
            }
            return CheckResult(item: item, status: .ok, detail: ". DNSKEY with DO over UDP, \(size) octets, not truncated")
        }
    }

    static func tcp(_ seen: CheckObservations) -> CheckResult {
        let item = "tcp"
        var notes: [String] = []
        var failures: [String] = []
        switch seen.tcpToServer {
        case nil: break
        case let .failed(why)?: failures.append("\(seen.server) over TCP: \(why)")
        case let .answered(message, _)?:
            if message.rcode == .noError { notes.append("\(seen.server) over TCP") } else { failures.append("\(seen.server) over TCP: \(message.rcode)") }
        }
        if let (server, outcome) = seen.tcpToRoot {
            switch outcome {
            case let .failed(why): failures.append("root server \(server) over TCP: \(why)")
            case let .answered(message, _):
                if message.rcode == .noError { notes.append("root server \(server) over TCP") } else { failures.append("root server \(server): \(message.rcode)") }
            }
        }
        return verdict(item, failures: failures, notes: notes, failingWithNotes: true,
                      fix: "allow TCP port 53 to anchord and from this host to the authoritative servers (RFC 7766)",
                      skipped: "not asked")
    }

    static func clock(_ seen: CheckObservations) -> CheckResult {
        let item = "clock"
        let fix = "set the system clock (NTP): signatures are checked against it, so a wrong clock makes every signed answer bogus"
        guard let outcome = seen.rootKeys else { return CheckResult(item: item, status: .skip, detail: "not asked") }
        guard let message = outcome.message else {
            if case let .failed(why) = outcome { return CheckResult(item: item, status: .fail, detail: ". DNSKEY: \(why)", fix: fix) }
            return CheckResult(item: item, status: .fail, detail: ". DNSKEY not answered", fix: fix)
        }
        let windows: [(RRSIG, Int64, Int64)] = message.answers.compactMap { record in
            guard case let .rrsig(signature) = record.rdata, signature.typeCovered == .dnskey, record.name.isRoot else { return nil }
            let clock = UInt32(truncatingIfNeeded: seen.now)
            let inception = seen.now + ValidityWindow.serialDistance(from: clock, to: signature.inception)
            let expiration = seen.now + ValidityWindow.serialDistance(from: clock, to: signature.expiration)
            return (signature, inception, expiration)
        }
        guard !windows.isEmpty else {
            return CheckResult(item: item, status: .fail, detail: ". DNSKEY came without RRSIGs (\(message.rcode))",
                               fix: "the clock cannot be checked without signatures: check that anchord asks with DO")
        }
        let now = UTCTime.text(seen.now)
        if let (signature, inception, expiration) = windows.first(where: { $0.1 <= seen.now && seen.now <= $0.2 }) {
            return CheckResult(item: item, status: .ok,
                               detail: "\(now) within \(UTCTime.text(inception))–\(UTCTime.text(expiration)) (RRSIG \(signature.keyTag))")
        }
        let (signature, inception, expiration) = windows[0]
        return CheckResult(item: item, status: .fail,
                           detail: "\(now) outside \(UTCTime.text(inception))–\(UTCTime.text(expiration)) (RRSIG \(signature.keyTag) over . DNSKEY)",
                           fix: fix)
    }

    /// "… DNS reply size limit is at least N bytes" in a reply-size test's TXT answer.
    public static func replySizeLimit(_ message: Message) -> Int? {
        number(after: "reply size limit is at least ", in: message)
    }

    /// "… sent EDNS buffer size N" in a reply-size test's TXT answer.
    public static func replySizeAdvertised(_ message: Message) -> Int? {
        number(after: "sent EDNS buffer size ", in: message)
    }

    /// The number that follows `phrase` in the first TXT string holding it.
    static func number(after phrase: String, in message: Message) -> Int? {
        let key = Array(phrase.utf8)
        for text in txtStrings(message).map({ Array($0.utf8) }) where text.count >= key.count {
            for start in 0...(text.count - key.count) where text[start..<(start + key.count)].elementsEqual(key) {
                let digits = text[(start + key.count)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                return Int(String(decoding: digits, as: UTF8.self))
            }
        }
        return nil
    }

    static func txtStrings(_ message: Message) -> [String] {
        message.answers.flatMap { record -> [String] in
            guard case let .txt(strings) = record.rdata else { return [] }
            return strings.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

extension Checklist {
    /// The result of an item that gathered `failures` and `notes`: FAIL with `fix` when anything failed (the
    /// notes after the failures when `failingWithNotes`), else skip with `skipped` when there is nothing to
    /// report and a skip text is given, else ok with the notes.
    static func verdict(_ item: String, failures: [String], notes: [String], failingWithNotes: Bool = false,
                        fix: String, skipped: String? = nil) -> CheckResult {
        if !failures.isEmpty {
            let detail = failingWithNotes ? failures + notes : failures
            return CheckResult(item: item, status: .fail, detail: detail.joined(separator: "; "), fix: fix)
        }
        if notes.isEmpty, let skipped { return CheckResult(item: item, status: .skip, detail: skipped) }
        return CheckResult(item: item, status: .ok, detail: notes.joined(separator: "; "))
    }
}
