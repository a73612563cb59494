import DNSSEC
import DNSWire
import Testing
import TrustAnchors
@testable import Diagnostics

/// The checklist's judgement: observations in, one result per item out.
struct ChecklistTests {
    let now: Int64 = 1_796_419_198
    let secure = try! Name("www.example.lab.")
    let bogus = try! Name("www.badsig.dnssec.")

    func reply(_ rcode: RCode = .noError, ad: Bool = false, ede: ExtendedDNSError? = nil, tc: Bool = false,
               answers: [Record] = []) -> ProbeOutcome {
        let edns = EDNS(options: ede.map { [.extendedError($0)] } ?? [])
        let message = Message(header: Header(isResponse: true, isTruncated: tc, authenticData: ad), rcode: rcode,
                              answers: answers, edns: edns)
        return .answered(message, size: 100)
    }

    func rootSignature(inception: Int64, expiration: Int64) -> Record {
        Record(name: .root, ttl: 172_800, rdata: .rrsig(RRSIG(
            typeCovered: .dnskey, algorithm: .rsaSHA256, labels: 0, originalTTL: 172_800,
            expiration: UInt32(truncatingIfNeeded: expiration), inception: UInt32(truncatingIfNeeded: inception),
            keyTag: 38696, signerName: .root, signature: [1, 2, 3])))
    }

    func managed(lastSuccess: Int64?, problem: AnchorProblem? = nil) -> ManagedAnchorObservation {
        var state = ManagedAnchor(initial: RootAnchors.anchor, now: now - 3600)
        state.lastSuccess = lastSuccess
        state.problem = problem
        return ManagedAnchorObservation(initial: RootAnchors.anchor, state: state)
    }

    /// A setup where every item holds.
    func healthy() -> CheckObservations {
        var seen = CheckObservations(now: now, server: "127.0.0.1#53")
        seen.liveness = reply()
        seen.secureProbe = (secure, reply(ad: true))
        seen.bogusProbe = (bogus, reply(.servFail, ede: ExtendedDNSError(code: .dnssecBogus, text: "bad signature")))
        seen.managedAnchors = [managed(lastSuccess: now - 600)]
        seen.stateDirectory = "/var/lib/anchord"
        let report = Record(name: try! Name("rst-4096-4096-4096.rs.lab."), ttl: 5, rdata: .txt([
            Array("127.0.0.1 sent EDNS buffer size 4096".utf8), Array("127.0.0.1 DNS reply size limit is at least 4096 bytes".utf8)]))
        seen.replySizeProbe = (try! Name("rs.rs.lab."), reply(answers: [report]))
        seen.tcpToServer = reply()
        seen.tcpToRoot = ("127.53.0.1#53", reply())
        seen.rootKeys = reply(answers: [rootSignature(inception: now - 86_400, expiration: now + 86_400 * 10)])
        return seen
    }

    func status(_ results: [CheckResult], _ item: String) -> CheckResult.Status? {
        results.first { $0.item == item }?.status
    }

    @Test func aHealthySetupPassesEveryItem() {
        let results = Checklist.judge(healthy())
        #expect(results.map(\.item) == Checklist.items)
        #expect(results.allSatisfy { $0.status == .ok }, "\(results.filter { $0.status != .ok })")
        #expect(results.allSatisfy { $0.fix.isEmpty })
    }

    @Test func validationOffFailsTheValidationItemAndSkipsTheAnchors() {
        var seen = healthy()
        seen.validationEnabled = false
        let results = Checklist.judge(seen)
        #expect(status(results, "validation") == .fail)
        #expect(status(results, "trust-anchors") == .skip)
        #expect(results.first { $0.item == "validation" }?.fix.contains("validation: yes") == true)
    }

    @Test func aSecureNameWithoutADFails() {
        var seen = healthy()
        seen.secureProbe = (secure, reply(.servFail, ede: ExtendedDNSError(code: .dnskeyMissing, text: "no key")))
        let result = Checklist.validation(seen)
        #expect(result.status == .fail)
        #expect(result.detail.contains("www.example.lab."))
        #expect(result.detail.contains("EDE 9"))
    }

    @Test func aBogusNameAnsweredNoErrorFails() {
        var seen = healthy()
        seen.bogusProbe = (bogus, reply())
        #expect(Checklist.validation(seen).status == .fail)
        seen.bogusProbe = (bogus, reply(.servFail))
        #expect(Checklist.validation(seen).status == .fail, "SERVFAIL without an EDE says nothing about DNSSEC")
    }

    @Test func anAnchorWithoutTheIANARootKeysFails() {
        var seen = healthy()
        var state = ManagedAnchor(initial: RootAnchors.anchor, now: now)
        state.keys.removeAll { $0.keyTag == 38696 }
        state.lastSuccess = now
        seen.managedAnchors = [ManagedAnchorObservation(initial: RootAnchors.anchor, state: state)]
        let result = Checklist.trustAnchors(seen)
        #expect(result.status == .fail)
        #expect(result.detail.contains("38696"))
    }

    @Test func noRootAnchorFails() {
        var seen = healthy()
        seen.managedAnchors = []
        #expect(Checklist.trustAnchors(seen).status == .fail)
    }

    @Test func aStaticAnchorIsNotFollowedThroughRolls() {
        var seen = healthy()
        seen.managedAnchors = []
        seen.staticAnchors = [RootAnchors.anchor]
        let results = Checklist.judge(seen)
        #expect(status(results, "trust-anchors") == .ok)
        #expect(status(results, "rfc5011-state") == .fail)
        #expect(status(results, "state-directory") == .skip)
    }

    @Test func aBrokenOrStaleAnchorFailsTheRFC5011Item() {
        var seen = healthy()
        seen.managedAnchors = [managed(lastSuccess: now, problem: .noTrustedSigner(signing: [12345], trusted: [20326, 38696]))]
        let broken = Checklist.rfc5011State(seen)
        #expect(broken.status == .fail)
        #expect(broken.detail.contains("12345"))
        seen.managedAnchors = [managed(lastSuccess: now - 40 * 86_400)]
        #expect(Checklist.rfc5011State(seen).status == .fail)
        #expect(Checklist.lastRefresh(seen).status == .fail)
    }

    @Test func aMissingStateFileFailsUnlessReadOnly() {
        var seen = healthy()
        seen.managedAnchors = [ManagedAnchorObservation(initial: RootAnchors.anchor, state: nil)]
        #expect(Checklist.rfc5011State(seen).status == .fail)
        seen.readOnly = true
        #expect(Checklist.rfc5011State(seen).status == .ok)
        #expect(Checklist.stateDirectory(seen).status == .fail, "read-only means RFC 5011 updates are off")
    }

    @Test func anUnwritableStateDirectoryFails() {
        var seen = healthy()
        seen.stateDirectoryProblem = "cannot create a file there (Permission denied)"
        let result = Checklist.stateDirectory(seen)
        #expect(result.status == .fail)
        #expect(result.detail.contains("Permission denied"))
    }

    @Test func theLastRefreshMustBeWithinTwoRefreshIntervals() {
        var seen = healthy()
        // No TTL or signature expiry known: the interval is the one-hour floor, so the limit is 3 h.
        seen.managedAnchors = [managed(lastSuccess: now - 2 * 3600)]
        #expect(Checklist.lastRefresh(seen).status == .ok)
        seen.managedAnchors = [managed(lastSuccess: now - 4 * 3600)]
        #expect(Checklist.lastRefresh(seen).status == .fail)
        seen.managedAnchors = [managed(lastSuccess: nil)]
        #expect(Checklist.lastRefresh(seen).status == .fail)
    }

    @Test func aReplySizeLimitBelow4000Fails() {
        var seen = healthy()
        let report = Record(name: try! Name("rst-1232-1232-1232.rs.lab."), ttl: 5, rdata: .txt([
            Array("127.0.0.1 sent EDNS buffer size 1232".utf8), Array("127.0.0.1 DNS reply size limit is at least 1232 bytes".utf8)]))
        seen.replySizeProbe = (try! Name("rs.rs.lab."), reply(answers: [report]))
        let result = Checklist.udp4096(seen)
        #expect(result.status == .fail)
        #expect(result.detail.contains("at least 1232 octets"))
        #expect(result.detail.contains("advertised 1232"))
    }

    @Test func withoutAResponderATruncatedRootKeySetFails() {
        var seen = healthy()
        seen.replySizeProbe = nil
        seen.largeAnswerProbe = reply(tc: true)
        #expect(Checklist.udp4096(seen).status == .fail)
        let key = Record(name: .root, ttl: 172_800, rdata: .dnskey(DNSKEY(flags: 257, algorithm: .rsaSHA256, publicKey: [1])))
        seen.largeAnswerProbe = reply(answers: [key])
        #expect(Checklist.udp4096(seen).status == .ok)
    }

    @Test func tcpFailsWhenTheRootServerCannotBeReached() {
        var seen = healthy()
        seen.tcpToRoot = ("198.41.0.4#53", .failed("connect to 198.41.0.4#53: Connection refused"))
        let result = Checklist.tcp(seen)
        #expect(result.status == .fail)
        #expect(result.detail.contains("198.41.0.4"))
    }

    @Test func aClockOutsideTheRootSignaturesFails() {
        var seen = healthy()
        seen.rootKeys = reply(answers: [rootSignature(inception: now + 86_400, expiration: now + 86_400 * 14)])
        #expect(Checklist.clock(seen).status == .fail)
        seen.rootKeys = reply(answers: [rootSignature(inception: now - 86_400 * 20, expiration: now - 86_400)])
        #expect(Checklist.clock(seen).status == .fail)
        seen.rootKeys = reply()
        #expect(Checklist.clock(seen).status == .fail, "no RRSIG: cannot tell")
    }

    @Test func aServerThatDoesNotAnswerFailsAnsweringAndTheRestIsSkipped() {
        var seen = CheckObservations(now: now, server: "127.0.0.1#53")
        seen.liveness = .failed("no answer (timed out)")
        let quick = Checklist.judgeQuick(seen)
        #expect(quick.map(\.status) == [.fail])
        let results = Checklist.judge(seen)
        #expect(status(results, "udp-4096") == .skip)
        #expect(status(results, "clock") == .skip)
    }

    @Test func anyAnswerButREFUSEDCountsAsAlive() {
        var seen = healthy()
        seen.liveness = reply(.servFail)
        let alive = Checklist.answering(seen)
        #expect(alive.status == .ok)
        #expect(alive.detail.contains("SERVFAIL"))
        seen.liveness = reply(.refused)
        #expect(Checklist.answering(seen).status == .fail)
    }

    @Test func theTableNamesEachFailureAndWhatToDo() {
        var seen = healthy()
        seen.validationEnabled = false
        let lines = Checklist.table(Checklist.judge(seen))
        #expect(lines.contains { $0.hasPrefix("validation") && $0.contains("FAIL") })
        #expect(lines.contains { $0.contains("→ set validation: yes") })
        #expect(lines.last?.contains("checks failed") == true)
    }

    @Test func theJSONEscapesAndSaysWhetherAllPassed() {
        let results = [CheckResult(item: "a\"b", status: .fail, detail: "line\none", fix: "do \\ this")]
        let json = Checklist.json(results, server: "127.0.0.1#53")
        #expect(json == #"{"server":"127.0.0.1#53","ok":false,"results":[{"item":"a\"b","result":"FAIL","detail":"line\none","fix":"do \\ this"}]}"#)
    }
}
