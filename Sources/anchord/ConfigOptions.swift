import AnchordConfig
import ArgumentParser
import Foundation
import Server

/// `--config FILE`, shared by every subcommand that reads the configuration.
struct ConfigOptions: ParsableArguments {
    /// Exit status for a configuration that cannot be used, as `anchord config check` documents.
    static let badConfigurationStatus = ExitCode(2)

    @Option(name: .long, help: ArgumentHelp("The configuration file (environment variables ANCHORD_<KEY> override it).",
                                            valueName: "FILE"))
    var config: String = "/etc/anchord/anchord.yaml"

    /// The validated configuration with the environment applied; on an error, says it on standard error and exits 2.
    func loadOrExit() throws -> LoadedConfiguration {
        do {
            let loaded = try ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
            try loaded.checkReferencedFiles()
            return loaded
        } catch {
            StandardError.write("anchord: configuration error: \(error)")
            throw ConfigOptions.badConfigurationStatus
        }
    }
}

extension ConfigOptions {
    /// What the servers run with, derived from `loaded` (root hints and anchor files read); on an error, says it
    /// on standard error and exits 2, as `loadOrExit` does.
    func settingsOrExit(_ loaded: LoadedConfiguration) throws -> ServerSettings {
        do {
            return try ServerSettings(loaded.configuration)
        } catch {
            StandardError.write("anchord: configuration error: \(error)")
            throw ConfigOptions.badConfigurationStatus
        }
    }
}

/// Lines to standard error before logging is set up (and for tools' diagnostics).
enum StandardError {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
