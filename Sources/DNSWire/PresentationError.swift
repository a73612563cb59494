/// Why presentation (zone-file) text could not be read. The zone-file reader adds the line and the file name.
public struct PresentationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number in the text being parsed, when known.
    public var line: Int?
    /// The file the text came from, when the caller named one.
    public var fileName: String?
    /// What was wrong, in words an operator can act on.
    public var message: String

    public init(_ message: String, line: Int? = nil, fileName: String? = nil) {
        self.message = message
        self.line = line
        self.fileName = fileName
    }

    public var description: String {
        switch (fileName, line) {
        case let (file?, line?): return "\(file), line \(line): \(message)"
        case let (file?, nil): return "\(file): \(message)"
        case let (nil, line?): return "line \(line): \(message)"
        case (nil, nil): return message
        }
    }
}
