import Foundation
import Yams

/// A validated configuration with where each setting came from and anything worth a warning.
public struct LoadedConfiguration: Sendable {
    public var configuration: Configuration
    /// The file line or environment variable that set each key; absent keys kept their defaults.
    public var origins: [ConfigKey: ConfigOrigin]
    /// Things that did not stop loading but an operator should see, e.g. an unknown `ANCHORD_` variable.
    public var warnings: [String]

    public func origin(of key: ConfigKey) -> ConfigOrigin { origins[key] ?? .defaultValue }

    /// Every file the configuration names must exist; the error names the key and where it was set.
    public func checkReferencedFiles(exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) throws(ConfigError) {
        var named: [(ConfigKey, String)] = configuration.autoTrustAnchorFiles.map { (.autoTrustAnchorFile, $0) }
            + configuration.trustAnchorFiles.map { (.trustAnchorFile, $0) }
        if !configuration.rootHints.isEmpty { named.insert((.rootHints, configuration.rootHints), at: 0) }
        for (key, path) in named where !exists(path) {
            throw ConfigError(origin: origin(of: key), key: key.rawValue, message: "no such file '\(path)'")
        }
    }
}

/// Reads `conf/anchord.yaml`-style files and `ANCHORD_…` variables into a validated `Configuration`.
///
/// The file is read first, then the environment, which wins: a container sets what it needs without
/// editing the file. Unknown keys are errors; every error names where, which key, and what would be valid.
public enum ConfigurationLoader {
    /// Load the file at `path`, then apply `environment`.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> LoadedConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(origin: .file(path: path, line: nil), key: nil,
                              message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, path: path, environment: environment)
    }

    /// Parse YAML text said to come from `path`, then apply `environment`.
    public static func parse(yaml: String, path: String, environment: [String: String] = [:]) throws(ConfigError) -> LoadedConfiguration {
        var values = try fileValues(yaml: yaml, path: path)
        var warnings: [String] = []
        values += environmentValues(environment, warnings: &warnings)

        var configuration = Configuration()
        var origins: [ConfigKey: ConfigOrigin] = [:]
        for value in values {
            try configuration.apply(value)
            origins[value.key] = value.origin
        }
        let loaded = LoadedConfiguration(configuration: configuration, origins: origins, warnings: warnings)
        try checkRelations(loaded)
        return loaded
    }

    // MARK: The file

    private static func fileValues(yaml: String, path: String) throws(ConfigError) -> [ConfigValue] {
        func origin(_ node: Node) -> ConfigOrigin { .file(path: path, line: node.mark?.line) }

        let root: Node?
        do {
            // The basic resolver keeps every scalar a string: `yes`, `0x20` and `::1` are read by our own rules.
            root = try Yams.compose(yaml: yaml, .basic)
        } catch let error as YamlError {
            throw syntaxError(error, path: path)
        } catch {
            throw ConfigError(origin: .file(path: path, line: nil), key: nil, message: "not valid YAML (\(error))")
        }
        guard let root else { return [] }
        if let scalar = root.scalar, scalar.string.isEmpty { return [] }
        guard let mapping = root.mapping else {
            throw ConfigError(origin: origin(root), key: nil, message: "expected 'key: value' lines at the top level")
        }

        var values: [ConfigValue] = []
        for (keyNode, valueNode) in mapping {
            guard let keyText = keyNode.scalar?.string else {
                throw ConfigError(origin: origin(keyNode), key: nil, message: "a key must be a plain name; valid keys: \(ConfigKey.validKeysList)")
            }
            guard let key = ConfigKey(rawValue: keyText) else {
                throw ConfigError(origin: origin(keyNode), key: keyText, message: unknownKeyMessage(keyText))
            }
            values.append(try value(of: key, valueNode, keyOrigin: origin(keyNode), origin: origin))
        }
        return values
    }

    /// A key's value node as written; the value as a whole is placed at its key's line, each item at its own.
    private static func value(of key: ConfigKey, _ node: Node, keyOrigin: ConfigOrigin,
                              origin: (Node) -> ConfigOrigin) throws(ConfigError) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            return ConfigValue(key: key, origin: keyOrigin, items: [.init(text: scalar.string, origin: origin(node))], isSequence: false)
        case .sequence(let sequence):
            var items: [ConfigValue.Item] = []
            for element in sequence {
                guard let text = element.scalar?.string else {
                    throw ConfigError(origin: origin(element), key: key.rawValue, message: "a list item must be a single value")
                }
                items.append(.init(text: text, origin: origin(element)))
            }
            return ConfigValue(key: key, origin: keyOrigin, items: items, isSequence: true)
        case .mapping, .alias:
            let expected = key.isList ? "a value or a list of values" : "a single value"
            throw ConfigError(origin: origin(node), key: key.rawValue, message: "expected \(expected), not a mapping or alias")
        }
    }

    private static func unknownKeyMessage(_ text: String) -> String {
        if let near = ConfigKey.suggestion(for: text) {
            return "unknown key; did you mean '\(near.rawValue)'?"
        }
        return "unknown key; valid keys: \(ConfigKey.validKeysList)"
    }

    private static func syntaxError(_ error: YamlError, path: String) -> ConfigError {
        let line: Int?
        let problem: String
        switch error {
        case .scanner(_, let text, let mark, _), .parser(_, let text, let mark, _), .composer(_, let text, let mark, _):
            line = mark.line
            problem = text
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigError(origin: .file(path: path, line: context.mark.line), key: duplicates.sorted().first,
                               message: "given more than once; give each key once (a list takes several values)")
        default:
            line = nil
            problem = "\(error)"
        }
        return ConfigError(origin: .file(path: path, line: line), key: nil, message: "not valid YAML: \(problem)")
    }

    // MARK: The environment

    /// `ANCHORD_<KEY>` for every key that is set; lists are comma-separated. Other `ANCHORD_` names are warned about.
    private static func environmentValues(_ environment: [String: String], warnings: inout [String]) -> [ConfigValue] {
        var values: [ConfigValue] = []
        for key in ConfigKey.allCases {
            guard let text = environment[key.environmentVariable] else { continue }
            let origin = ConfigOrigin.environment(variable: key.environmentVariable)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let items = key.isList
                ? trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                : [trimmed]
            values.append(ConfigValue(key: key, origin: origin, items: items.map { .init(text: $0, origin: origin) }, isSequence: key.isList))
        }
        let known = Set(ConfigKey.allCases.map(\.environmentVariable))
        for name in environment.keys.sorted() where name.hasPrefix(ConfigKey.environmentPrefix) && !known.contains(name) {
            let keyText = String(name.dropFirst(ConfigKey.environmentPrefix.count).lowercased().map { $0 == "_" ? "-" : $0 })
            let hint = ConfigKey.suggestion(for: keyText).map { "; did you mean \($0.environmentVariable)?" } ?? ""
            warnings.append("environment variable \(name) is not a configuration key and is ignored\(hint)")
        }
        return values
    }

    // MARK: Across keys

    private static func checkRelations(_ loaded: LoadedConfiguration) throws(ConfigError) {
        let c = loaded.configuration
        /// The later-set of two keys is the one to blame, or the first if both are defaults.
        func blame(_ a: ConfigKey, _ b: ConfigKey) -> ConfigKey { loaded.origins[a] == nil && loaded.origins[b] != nil ? b : a }
        func fail(_ a: ConfigKey, _ b: ConfigKey, _ message: String) -> ConfigError {
            let key = blame(a, b)
            return ConfigError(origin: loaded.origin(of: key), key: key.rawValue, message: message)
        }

        if c.cacheMinTTL > c.cacheMaxTTL {
            throw fail(.cacheMinTTL, .cacheMaxTTL,
                       "cache-min-ttl (\(c.cacheMinTTL)) is above cache-max-ttl (\(c.cacheMaxTTL)); it must be at most cache-max-ttl")
        }
        if c.valSigSkewMin > c.valSigSkewMax {
            throw fail(.valSigSkewMin, .valSigSkewMax,
                       "val-sig-skew-min (\(c.valSigSkewMin)) is above val-sig-skew-max (\(c.valSigSkewMax)); it must be at most val-sig-skew-max")
        }
        if c.ednsFallbackSize > c.ednsBufferSize {
            throw fail(.ednsFallbackSize, .ednsBufferSize,
                       "edns-fallback-size (\(c.ednsFallbackSize)) is above edns-buffer-size (\(c.ednsBufferSize)); it must be at most edns-buffer-size")
        }
        if let shared = Set(c.autoTrustAnchorFiles).intersection(c.trustAnchorFiles).sorted().first {
            throw fail(.trustAnchorFile, .autoTrustAnchorFile,
                       "'\(shared)' is listed both as a static trust-anchor-file and as a managed auto-trust-anchor-file; list it under one")
        }
        if !c.doIP4 && !c.doIP6 {
            throw fail(.doIP4, .doIP6, "do-ip4 and do-ip6 are both no; at least one address family must be used upstream")
        }
        for address in c.outgoingInterfaces {
            if case .v4 = address, !c.doIP4 {
                throw fail(.outgoingInterface, .doIP4, "\(address) is IPv4 but do-ip4 is no")
            }
            if case .v6 = address, !c.doIP6 {
                throw fail(.outgoingInterface, .doIP6, "\(address) is IPv6 but do-ip6 is no")
            }
        }
    }
}
