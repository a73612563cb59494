/// Why one value is not acceptable, saying what would be; `ConfigError` adds where it came from.
public struct InvalidValue: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// Where a setting came from, so an error can point at it.
public enum ConfigOrigin: Sendable, Equatable, CustomStringConvertible {
    /// The built-in default.
    case defaultValue
    /// A configuration file, at a line (1-based) when known.
    case file(path: String, line: Int?)
    /// An `ANCHORD_…` environment variable.
    case environment(variable: String)

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path, let line?): "\(path):\(line)"
        case .file(let path, nil): path
        case .environment(let variable): "environment variable \(variable)"
        }
    }
}

/// A configuration that cannot be used: names the file and line (or the variable), the key, and what would be valid.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let origin: ConfigOrigin
    /// The YAML key concerned, when the problem is one key's.
    public let key: String?
    public let message: String

    public init(origin: ConfigOrigin, key: String?, message: String) {
        self.origin = origin
        self.key = key
        self.message = message
    }

    /// E.g. `conf/anchord.yaml:7: port: 70000 is out of range; expected 1–65535`.
    public var description: String {
        let place = origin == .defaultValue ? "" : "\(origin): "
        guard let key else { return place + message }
        return "\(place)\(key): \(message)"
    }
}
