import AnchordConfig
import ArgumentParser
import Diagnostics
import DNSWire
import EventIO
import Glibc
import Server
import TrustAnchors

/// `anchord check`: the operators' checklist against a running anchord and its local state — validation on, the
/// trust anchors current and updating themselves, 4096-octet answers arriving over UDP, TCP working, the clock
/// right. Gathers observations here (queries, files); `Checklist` judges them.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the operators' checklist against a running anchord.",
        discussion: """
            Prints one line per item (ok, FAIL or skip, what was seen) and, for each failure, what to do. \
            Exit status: 0 when no item failed, 1 when one did, 2 when the configuration cannot be read. \
            --quick only asks the server one question (for container health checks).
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: ArgumentHelp("The anchord to check (default: the first interface and port of the configuration).",
                                            valueName: "ADDR@PORT"))
    var server: String?

    @Flag(name: .long, help: "Print the results as JSON.")
    var json = false

    @Flag(name: .long, help: "Only check that the server answers one query.")
    var quick = false

    @Option(name: .long, help: ArgumentHelp("A name that must validate (AD); default the root zone.", valueName: "NAME"))
    var secureName: String?

    @Option(name: .long, help: ArgumentHelp("A name that must be bogus (SERVFAIL with EDE); default dnssec-failed.org. with the built-in root anchor, none otherwise.",
                                            valueName: "NAME"))
    var bogusName: String?

    @Option(name: .long, help: ArgumentHelp("The reply-size test name (rs.ZONE of an anchord reply-size-server) to measure UDP answers with; without it, . DNSKEY with DO is asked.",
                                            valueName: "NAME"))
    var replySizeName: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each answer.", valueName: "SECONDS"))
    var timeout: Int = 5

    func run() throws {
        let loaded = try options.loadOrExit()
        let settings = try options.settingsOrExit(loaded)
        guard let address = serverAddress(settings) else {
            StandardError.write("anchord: --server \(server ?? ""): expected ADDRESS@PORT, e.g. 127.0.0.1@53")
            throw ConfigOptions.badConfigurationStatus
        }
        let client = StubClient(server: address, timeout: .seconds(max(1, timeout)))
        var seen = CheckObservations(now: EventLoop.wallClockSeconds(), server: address.description)
        seen.liveness = client.ask(Question(name: .root, type: .ns), over: .udp)
        let results: [CheckResult]
        if quick {
            results = Checklist.judgeQuick(seen)
        } else {
            try observe(settings, client: client, into: &seen)
            results = Checklist.judge(seen)
        }
        if json {
            print(Checklist.json(results, server: seen.server))
        } else {
            for line in Checklist.table(results) { print(line) }
        }
        if results.contains(where: { $0.status == .fail }) { throw ExitCode(1) }
    }

    /// `--server`, or the first listening address (a wildcard one asked on loopback).
    func serverAddress(_ settings: ServerSettings) -> SocketAddress? {
        if let server { return ReplySizeServerCommand.socketAddress(server) }
        guard let first = settings.listen.first else { return nil }
        var octets = first.address.octets
        if octets.allSatisfy({ $0 == 0 }) { octets = octets.count == 4 ? [127, 0, 0, 1] : [UInt8](repeating: 0, count: 15) + [1] }
        return SocketAddress(addressBytes: octets, port: first.port)
    }

    func observe(_ settings: ServerSettings, client: StubClient, into seen: inout CheckObservations) throws {
        seen.validationEnabled = settings.validation
        seen.holdDowns = settings.holdDowns
        seen.readOnly = settings.anchorReadOnly
        seen.stateDirectory = settings.anchorStateDirectory
        if settings.validation {
            let managedZones = Set(settings.managedAnchors.map(\.zone))
            seen.staticAnchors = settings.trustAnchors.anchors.keys.sorted().filter { !managedZones.contains($0) }
                .compactMap { settings.trustAnchors.anchors[$0] }
            for initial in settings.managedAnchors {
                do {
                    let state = try AnchorStateDirectory.load(zone: initial.zone, directory: settings.anchorStateDirectory)
                    seen.managedAnchors.append(ManagedAnchorObservation(initial: initial, state: state))
                } catch {
                    seen.managedAnchors.append(ManagedAnchorObservation(initial: initial, state: nil, loadError: "\(error)"))
                }
            }
            if !settings.managedAnchors.isEmpty, !settings.anchorReadOnly {
                seen.stateDirectoryProblem = CheckCommand.writeProblem(settings.anchorStateDirectory)
            }
        }
        // Without an answer to the first query, every other one would only time out.
        guard seen.liveness?.message != nil else { return }

        if settings.validation {
            let secure = try name(secureName) ?? .root
            seen.secureProbe = (secure, client.ask(Question(name: secure, type: secure.isRoot ? .soa : .a), over: .udp, dnssecOK: true))
            let builtInRoot = settings.managedAnchors.contains { $0 == RootAnchors.anchor }
            if let bogus = try name(bogusName) ?? (builtInRoot ? try? Name("dnssec-failed.org.") : nil) {
                seen.bogusProbe = (bogus, client.ask(Question(name: bogus, type: .a), over: .udp, dnssecOK: true))
            }
        }
        if let replySize = try name(replySizeName) {
            seen.replySizeProbe = (replySize, client.ask(Question(name: replySize, type: .txt), over: .udp))
        } else {
            seen.largeAnswerProbe = client.ask(Question(name: .root, type: .dnskey), over: .udp, dnssecOK: true)
        }
        seen.tcpToServer = client.ask(Question(name: .root, type: .soa), over: .tcp)
        if let root = settings.rootHints.servers.lazy.flatMap(\.addresses).first,
           let address = SocketAddress(addressBytes: root.octets, port: 53) {
            let direct = StubClient(server: address, timeout: client.timeout)
            seen.tcpToRoot = (address.description, direct.ask(Question(name: .root, type: .soa), over: .tcp, recursionDesired: false))
        }
        seen.rootKeys = client.ask(Question(name: .root, type: .dnskey), over: .udp, dnssecOK: true, checkingDisabled: true)
        if case .answered(let message, _)? = seen.rootKeys, message.header.isTruncated {
            seen.rootKeys = client.ask(Question(name: .root, type: .dnskey), over: .tcp, dnssecOK: true, checkingDisabled: true)
        }
    }

    func name(_ text: String?) throws -> Name? {
        guard let text else { return nil }
        do {
            return try Name(text.hasSuffix(".") ? text : text + ".")
        } catch {
            throw ValidationError("\(text) is not a domain name: \(error)")
        }
    }

    /// Why a file cannot be made in `directory` (as anchord's state writes do), or nil when one can.
    static func writeProblem(_ directory: String) -> String? {
        var status = stat()
        guard stat(directory, &status) == 0 else { return String(cString: strerror(errno)) }
        guard status.st_mode & S_IFMT == S_IFDIR else { return "not a directory" }
        let probe = directory + "/.anchord-check.\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot create a file there (\(String(cString: strerror(errno))))" }
        close(fd)
        unlink(probe)
        return nil
    }
}
