import AnchordConfig
import ArgumentParser

/// `anchord config …`: work with the configuration without starting the server.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the configuration file.",
        subcommands: [Check.self]
    )

    /// `anchord config check --config FILE`: validate, then print the effective configuration.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the configuration and print the effective settings as YAML.",
            discussion: "Exits 0 when the configuration is valid, 2 (with the error on standard error) when it is not."
        )

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let loaded = try options.loadOrExit()
            for warning in loaded.warnings { StandardError.write("anchord: warning: \(warning)") }
            print("# effective configuration: \(options.config) with ANCHORD_* environment overrides")
            print(loaded.configuration)
        }
    }
}
