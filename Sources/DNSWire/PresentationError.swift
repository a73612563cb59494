/// Why presentation (zone-file) text could not be read. The zone-file reader adds the file line.
public struct PresentationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number in the text being parsed, when known.
    public var line: Int?
    /// What was wrong, in words an operator can act on.
    public var message: String

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
