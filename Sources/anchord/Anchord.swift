import ArgumentParser

/// The `anchord` command: a validating, caching, recursive DNS resolver.
@main
struct Anchord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchord",
        abstract: "A validating, caching, recursive DNS resolver.",
        version: BuildInfo.versionReport,
        subcommands: [Serve.self, ConfigCommand.self, AnchorsCommand.self, CheckCommand.self, ReplySizeServerCommand.self]
    )
}
