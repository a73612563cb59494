import AnchordConfig
import ArgumentParser
import DNSCrypto
import EventIO
import Foundation
import Logging
import ResolverCore
import Server

/// `anchord serve --config FILE`: load the configuration and run the resolver.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the resolver with the given configuration.",
        discussion: """
            SIGTERM and SIGINT stop it cleanly (exit status 0); SIGHUP reloads the configuration and keeps the cache.
            Exits 2 (with the error on standard error) when the configuration is not valid.
            """
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let loaded = try options.loadOrExit()
        let logger = Serve.startLogging(at: loaded.configuration.logLevel)

        logger.info("anchord starting", metadata: [
            "version": "\(BuildInfo.version)",
            "libevent": "\(EventLibrary.version)",
            "openssl": "\(CryptoLibrary.version)",
        ])
        for warning in loaded.warnings { logger.warning("\(warning)") }
        logger.info("effective configuration (\(options.config), then ANCHORD_* environment):")
        for line in loaded.configuration.yamlLines { logger.info("  \(line)") }

        if !loaded.configuration.validation {
            logger.warning("validation: no — answers are not checked against DNSSEC; AD is never set")
        }
        let settings = try options.settingsOrExit(loaded)
        let anchors: AnchorSetup
        do {
            anchors = try AnchorSetup.prepare(settings, logger: logger, now: EventLoop.wallClockSeconds())
        } catch {
            logger.critical("cannot start: \(error)")
            StandardError.write("anchord: \(error)")
            throw ExitCode(1)
        }
        logger.info("validation: \(Serve.validationSummary(settings, anchors))")
        let workers = WorkerGroup(count: max(1, loaded.configuration.threads), settings: settings, anchors: anchors, logger: logger)
        let started = loaded.configuration
        var previous = started
        do {
            try workers.run { [options] in
                // SIGHUP: read the file again; a bad one is logged and the old settings stay.
                do {
                    let reloaded = try ConfigurationLoader.load(path: options.config, environment: ProcessInfo.processInfo.environment)
                    try reloaded.checkReferencedFiles()
                    let fresh = try ServerSettings(reloaded.configuration)
                    logger.notice("configuration reloaded from \(options.config)\(Serve.reloadSummary(reloaded.configuration, started: started, previous: previous))")
                    previous = reloaded.configuration
                    return fresh
                } catch {
                    logger.error("configuration reload failed, keeping the running one: \(error)")
                    return nil
                }
            }
        } catch {
            logger.critical("cannot serve: \(error)")
            throw ExitCode(1)
        }
        logger.notice("anchord stopped")
    }

    /// What a reload changes, for its log line: the keys applied since the previous reload, and those that differ
    /// from the running process's start and keep their running values until a restart.
    static func reloadSummary(_ reloaded: Configuration, started: Configuration, previous: Configuration) -> String {
        let applied = reloaded.changedKeys(comparedTo: previous).filter { !$0.needsRestart }
        let pending = reloaded.changedKeys(comparedTo: started).filter(\.needsRestart)
        var parts: [String] = []
        parts.append(applied.isEmpty ? "no change applied" : "applied: " + applied.map(\.rawValue).joined(separator: ", "))
        if !pending.isEmpty {
            parts.append("needs a restart to take effect (the running values stay): "
                + pending.map { "\($0.rawValue) (running \(started.renderedText($0)), file \(reloaded.renderedText($0)))" }
                    .joined(separator: ", "))
        }
        return "; " + parts.joined(separator: "; ")
    }

    /// What validation starts from, in one line: managed anchors with their trusted keys, static ones, NTAs.
    static func validationSummary(_ settings: ServerSettings, _ anchors: AnchorSetup) -> String {
        guard settings.validation else { return "off" }
        let snapshot = anchors.board.snapshot
        var parts: [String] = []
        for zone in snapshot.managed.keys.sorted() {
            guard let anchor = snapshot.managed[zone] else { continue }
            let keys = anchor.keys.map { "\($0.keyTag) \($0.state.label)" }.joined(separator: ", ")
            let mode = anchors.manager == nil ? "read-only" : "managed (RFC 5011)"
            parts.append("\(zone.text) \(mode): \(keys)")
        }
        for zone in snapshot.store.anchors.keys.sorted() where snapshot.managed[zone] == nil {
            let keys = snapshot.store.anchors[zone]?.keys.map { String($0.keyTag) }.joined(separator: ", ") ?? ""
            parts.append("\(zone.text) static: \(keys)")
        }
        if !snapshot.store.negativeAnchors.isEmpty {
            parts.append("insecure: " + snapshot.store.negativeAnchors.sorted().map(\.text).joined(separator: ", "))
        }
        return parts.isEmpty ? "on, no trust anchors (nothing can be secure)" : parts.joined(separator: "; ")
    }

    /// swift-log to standard error at the configured level; returns the daemon's logger.
    static func startLogging(at level: AnchordConfig.LogLevel) -> Logger {
        let threshold = Logger.Level(rawValue: level.rawValue) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = threshold
            return handler
        }
        return Logger(label: "anchord")
    }
}
