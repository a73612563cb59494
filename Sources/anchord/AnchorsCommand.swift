import AnchordConfig
import ArgumentParser
import EventIO
import Foundation
import Server
import DNSWire
import TrustAnchors

/// `anchord anchors --config FILE`: the trust anchors the configuration gives, each key with its RFC 5011 state
/// as the state directory holds it (what a running server answers to `trustanchor.` CH TXT).
struct AnchorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchors",
        abstract: "Show the trust anchors and the RFC 5011 state of each key.",
        discussion: """
            One line per key: zone, key tag, algorithm, state (START, ADDPEND, VALID, MISSING, REVOKED, REMOVED for \
            managed anchors; STATIC for trust-anchor-file keys), since when, the hold-down left, and the last \
            successful refresh; then any reason an anchor cannot be used. Reads the state files without locking \
            them, so it works beside a running server. Exit status: 0 when every anchor is usable, 1 when one is \
            not (stale, or no trusted key), 2 for a configuration or state file that cannot be read.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let loaded = try options.loadOrExit()
        let settings = try options.settingsOrExit(loaded)
        let now = EventLoop.wallClockSeconds()
        var managed: [ManagedAnchor] = []
        var problems: [Name: String] = [:]
        var unsaved: [Name] = []
        if settings.validation {
            for initial in settings.managedAnchors {
                do {
                    if let saved = try AnchorStateDirectory.load(zone: initial.zone, directory: settings.anchorStateDirectory) {
                        managed.append(saved)
                    } else {
                        managed.append(ManagedAnchor(initial: initial, now: now))
                        unsaved.append(initial.zone)
                    }
                } catch {
                    StandardError.write("anchord: \(error)")
                    throw ConfigOptions.badConfigurationStatus
                }
            }
            for anchor in managed {
                let health = anchor.health(timers: settings.holdDowns, now: now)
                if !health.isUsable { problems[anchor.zone] = health.text }
            }
        }
        guard settings.validation else {
            print("validation: no — no trust anchors are used")
            return
        }
        let report = AnchorReport(managed: managed, store: settings.trustAnchors, problems: problems,
                                  timers: settings.holdDowns, now: now)
        for line in report.lines { print(line) }
        for zone in unsaved {
            print("; \(zone.text): no state file in \(settings.anchorStateDirectory) yet; these are the initial keys")
        }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
