import DNSWire
import TrustAnchors

/// One line of `anchord check`: an item of the operators' checklist, how it went, what was seen, and what to do
/// when it failed.
public struct CheckResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case ok, fail = "FAIL", skip
    }

    public var item: String
    public var status: Status
    /// What was observed, in a few words.
    public var detail: String
    /// What an operator should do; empty unless the item failed.
    public var fix: String

    public init(item: String, status: Status, detail: String, fix: String = "") {
        self.item = item
        self.status = status
        self.detail = detail
        self.fix = status == .fail ? fix : ""
    }
}

/// The outcome of one query `anchord check` sent.
public enum ProbeOutcome: Sendable, Hashable {
    /// A response matching the query, and its size on the wire.
    case answered(Message, size: Int)
    /// No usable response: a timeout, a refused connection, a malformed reply.
    case failed(String)

    public var message: Message? {
        if case let .answered(message, _) = self { return message }
        return nil
    }
}

/// What `anchord check` saw of one managed anchor: its configured initial keys and its saved state.
public struct ManagedAnchorObservation: Sendable, Hashable {
    public var initial: TrustAnchor
    /// The state file's content; nil when there is none (or it could not be read, see `loadError`).
    public var state: ManagedAnchor?
    public var loadError: String?

    public init(initial: TrustAnchor, state: ManagedAnchor?, loadError: String? = nil) {
        self.initial = initial
        self.state = state
        self.loadError = loadError
    }
}

/// Everything `anchord check` observed, gathered at the edge; `Checklist.judge` turns it into results. Probes
/// that were not made (not configured, or `--quick`) are nil and give `skip`.
public struct CheckObservations: Sendable {
    public var now: Int64
    /// The server checked, `127.0.0.1#53`.
    public var server: String
    /// `. NS` over UDP to the server.
    public var liveness: ProbeOutcome?

    public var validationEnabled = true
    /// A name that must validate (AD), and the answer to it (DO set).
    public var secureProbe: (name: Name, outcome: ProbeOutcome)?
    /// A name that must be bogus (SERVFAIL with an EDE), and the answer to it.
    public var bogusProbe: (name: Name, outcome: ProbeOutcome)?

    public var managedAnchors: [ManagedAnchorObservation] = []
    /// Anchors from `trust-anchor-file`: trusted as written, never updated.
    public var staticAnchors: [TrustAnchor] = []
    public var holdDowns = HoldDowns()
    public var readOnly = false
    public var stateDirectory = ""
    /// Why the state directory cannot be written; nil when a file could be made there.
    public var stateDirectoryProblem: String?

    /// The reply-size test name and the answer to its TXT query over UDP.
    public var replySizeProbe: (name: Name, outcome: ProbeOutcome)?
    /// Without a reply-size responder: `. DNSKEY` with DO over UDP at EDNS 4096.
    public var largeAnswerProbe: ProbeOutcome?
    /// `. SOA` over TCP to the server.
    public var tcpToServer: ProbeOutcome?
    /// `. SOA` over TCP straight to a root server from the root hints, with its address.
    public var tcpToRoot: (server: String, outcome: ProbeOutcome)?
    /// `. DNSKEY` with DO and CD through the server, for the signatures' validity window.
    public var rootKeys: ProbeOutcome?

    public init(now: Int64, server: String) {
        self.now = now
        self.server = server
    }
}
