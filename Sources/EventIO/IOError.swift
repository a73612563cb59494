import Glibc

/// A failed system or libevent call: which operation, and the `errno` it left.
///
/// Every throwing API in EventIO throws this one type, so callers can log it as is
/// (`"bind failed: Address already in use"`) or branch on `code` (`EADDRINUSE`, `ECONNREFUSED`).
public struct IOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Operation: String, Sendable {
        case createLoop = "creating the event loop"
        case runLoop = "running the event loop"
        case createEvent = "creating an event"
        case socket, setOption = "setsockopt", bind, listen, connect, accept, send, receive
        case address = "reading a socket address"
    }

    public var operation: Operation
    /// The `errno` value; 0 when the failing call does not set one (libevent allocation failures report `ENOMEM`).
    public var code: Int32

    public init(_ operation: Operation, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The error for `operation` with the calling thread's current `errno`.
    static func lastError(_ operation: Operation) -> IOError {
        IOError(operation, code: errno)
    }

    /// True for `EAGAIN`/`EWOULDBLOCK`: the socket buffer was full (sending) or empty (receiving).
    public var isWouldBlock: Bool { code == EAGAIN || code == EWOULDBLOCK }

    /// True for `EADDRINUSE`: another socket serves the address.
    public var isAddressInUse: Bool { code == EADDRINUSE }

    /// True when the process or the system ran out of descriptors or buffer memory (`EMFILE`, `ENFILE`,
    /// `ENOBUFS`, `ENOMEM`): a condition to survive and report, not a fault of the peer.
    public var isResourceShortage: Bool { code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM }

    public var description: String {
        guard code != 0, let text = strerror(code) else { return "\(operation.rawValue) failed" }
        return "\(operation.rawValue) failed: \(String(cString: text))"
    }
}
