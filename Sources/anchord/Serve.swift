import AnchordConfig
import ArgumentParser
import DNSCrypto
import EventIO
import Logging

/// `anchord serve --config FILE`: load the configuration and run the resolver.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the resolver with the given configuration.",
        discussion: "Exits 2 (with the error on standard error) when the configuration is not valid."
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

        // The libevent front end arrives with the server issue; until then there is nothing to serve.
        logger.notice("the network front end is not built yet: configuration loaded, exiting without serving")
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
