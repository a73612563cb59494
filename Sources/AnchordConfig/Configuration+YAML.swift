extension Configuration: CustomStringConvertible {
    /// The effective configuration as YAML, one line per key in the file's order and names; it parses back
    /// to an equal configuration.
    public var description: String { yamlLines.joined(separator: "\n") }

    /// One `key: value` line per key (lists in flow style), for a dump or for logging line by line.
    public var yamlLines: [String] {
        ConfigKey.allCases.map { key in "\(key.rawValue): \(renderedText(key))" }
    }

    /// One key's value as YAML text (lists in flow style).
    public func renderedText(_ key: ConfigKey) -> String {
        switch rendered(key) {
        case .plain(let text): text
        case .text(let text): Configuration.quoted(text)
        case .list(let items): "[\(items.map(Configuration.quoted).joined(separator: ", "))]"
        }
    }

    /// A YAML double-quoted scalar: backslash and quote escaped, control characters as `\x..`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
