import DNSWire

/// One key's value as written, before it is understood: a single text or a list, each item with its origin.
///
/// The typed readers below turn it into a setting or throw a `ConfigError` naming the origin and key
/// and saying what would be valid.
struct ConfigValue {
    /// One scalar as written, and where.
    struct Item {
        let text: String
        let origin: ConfigOrigin
    }

    let key: ConfigKey
    let origin: ConfigOrigin
    let items: [Item]
    /// True when written as a list (a YAML sequence, or any value of a list key in the environment).
    let isSequence: Bool

    func error(_ message: String, at origin: ConfigOrigin? = nil) -> ConfigError {
        ConfigError(origin: origin ?? self.origin, key: key.rawValue, message: message)
    }

    /// The single text of a non-list key.
    func single() throws(ConfigError) -> Item {
        guard !isSequence else { throw error("takes a single value, not a list") }
        guard let item = items.first, items.count == 1, !item.text.isEmpty else { throw error("needs a value") }
        return item
    }

    /// Each item read by `parse`; a single text counts as a list of one, an empty value as the empty list.
    func list<T>(_ parse: (String) throws(InvalidValue) -> T) throws(ConfigError) -> [T] {
        var result: [T] = []
        for item in items where !(item.text.isEmpty && !isSequence) {
            do {
                result.append(try parse(item.text))
            } catch {
                throw self.error(error.description, at: item.origin)
            }
        }
        return result
    }

    /// The single text read by `parse`.
    func value<T>(_ parse: (String) throws(InvalidValue) -> T) throws(ConfigError) -> T {
        let item = try single()
        do {
            return try parse(item.text)
        } catch {
            throw self.error(error.description, at: item.origin)
        }
    }

    func bool() throws(ConfigError) -> Bool { try value(ConfigValue.parseBool) }

    func integer<T: FixedWidthInteger>(in range: ClosedRange<T>) throws(ConfigError) -> T {
        try value { text throws(InvalidValue) in try ConfigValue.parseInteger(text, in: range) }
    }

    func text() throws(ConfigError) -> String { try single().text }

    /// A text that may be empty (an empty path means "built in").
    func optionalText() throws(ConfigError) -> String {
        guard !isSequence, items.count <= 1 else { throw error("takes a single value, not a list") }
        return items.first?.text ?? ""
    }

    // MARK: Item parsers

    /// `yes`/`no` as Unbound writes them; `true`/`false` too; any case.
    static func parseBool(_ text: String) throws(InvalidValue) -> Bool {
        switch text.lowercased() {
        case "yes", "true": return true
        case "no", "false": return false
        default: throw InvalidValue("'\(text)' is not a boolean; expected yes, no, true or false")
        }
    }

    static func parseInteger<T: FixedWidthInteger>(_ text: String, in range: ClosedRange<T>) throws(InvalidValue) -> T {
        let expected = "expected \(range.lowerBound)–\(range.upperBound)"
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let wide = Int64(text) else {
            throw InvalidValue("'\(text)' is not a whole number; \(expected)")
        }
        guard let value = T(exactly: wide), range.contains(value) else {
            throw InvalidValue("\(text) is out of range; \(expected)")
        }
        return value
    }

    /// Unbound's memory sizes: a number with an optional `k`, `m` or `g` (powers of 1024), `b` or `kb`/`mb`/`gb`.
    static func parseSize(_ text: String, in range: ClosedRange<Int>) throws(InvalidValue) -> Int {
        let expected = "expected a byte count with an optional k, m or g suffix (e.g. 64m), from \(renderSize(range.lowerBound)) to \(renderSize(range.upperBound))"
        let lowered = text.lowercased()
        let digits = lowered.prefix(while: { $0.isASCII && $0.isNumber })
        var suffix = lowered.dropFirst(digits.count)
        if suffix.count == 2, suffix.hasSuffix("b") { suffix = suffix.dropLast() }
        let multipliers: [Substring: Int] = ["": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        guard !digits.isEmpty, let multiplier = multipliers[suffix] else {
            throw InvalidValue("'\(text)' is not a size; \(expected)")
        }
        guard let number = Int(digits), case let (bytes, false) = number.multipliedReportingOverflow(by: multiplier),
              range.contains(bytes) else {
            throw InvalidValue("\(text) is out of range; \(expected)")
        }
        return bytes
    }

    /// The shortest exact form: `64m` rather than `67108864`.
    static func renderSize(_ bytes: Int) -> String {
        for (suffix, unit) in [("g", 1 << 30), ("m", 1 << 20), ("k", 1 << 10)] where bytes != 0 && bytes % unit == 0 {
            return "\(bytes / unit)\(suffix)"
        }
        return "\(bytes)"
    }

    static func parseInterface(_ text: String) throws(InvalidValue) -> Interface {
        guard let interface = Interface(text) else {
            throw InvalidValue("'\(text)' is not an address; expected an IPv4 or IPv6 address, optionally with @port (e.g. 127.0.0.1@5353)")
        }
        return interface
    }

    static func parseAddress(_ text: String) throws(InvalidValue) -> IPAddress {
        guard let address = IPAddress(text) else {
            throw InvalidValue("'\(text)' is not an address; expected an IPv4 or IPv6 address (e.g. 192.0.2.1 or 2001:db8::1)")
        }
        return address
    }

    static func parseDomain(_ text: String) throws(InvalidValue) -> Name {
        do {
            return try Name(text)
        } catch {
            throw InvalidValue("'\(text)' is not a domain name: \(error)")
        }
    }

    static func parseLogLevel(_ text: String) throws(InvalidValue) -> LogLevel {
        guard let level = LogLevel(rawValue: text.lowercased()) else {
            throw InvalidValue("'\(text)' is not a log level; expected one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }
}
