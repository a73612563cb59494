import Diagnostics
import DNSWire
import EventIO
import Glibc

/// A one-question DNS client for `anchord check`: sends a DNSWire query over UDP or TCP to one server and waits
/// up to `timeout` for the matching response. Each exchange opens its own socket and closes it before returning.
/// Received bytes are only ever decoded by `Message(wire:)`, which throws on anything malformed.
struct StubClient {
    enum Transport { case udp, tcp }

    let server: SocketAddress
    var timeout: Duration = .seconds(3)

    /// Ask `question`; the outcome says what came back or why nothing usable did.
    func ask(_ question: Question, over transport: Transport, recursionDesired: Bool = true, dnssecOK: Bool = false,
             checkingDisabled: Bool = false, payloadSize: UInt16 = 4096) -> ProbeOutcome {
        let id = UInt16.random(in: 0...UInt16.max)
        var query = Message.query(id: id, question: question, recursionDesired: recursionDesired,
                                  checkingDisabled: checkingDisabled,
                                  edns: EDNS(udpPayloadSize: payloadSize, dnssecOK: dnssecOK))
        query.header.authenticData = true  // RFC 6840 §5.7: tell the server we understand AD
        guard let wire = try? query.encode() else { return .failed("the query cannot be encoded") }
        let deadline = EventLoop.monotonicNanoseconds() + UInt64(timeout.components.seconds) * 1_000_000_000
            + UInt64(timeout.components.attoseconds / 1_000_000_000)
        let socket: OwnedSocket
        do {
            socket = try OwnedSocket(connectingTo: server, tcp: transport == .tcp, deadline: deadline)
        } catch {
            return .failed(StubError.describe(error))
        }
        do {
            switch transport {
            case .udp:
                try socket.send(wire)
                while true {
                    let reply = try socket.receive(deadline: deadline)
                    if let message = matching(reply, id: id, question: question) { return .answered(message, size: reply.count) }
                }
            case .tcp:
                try socket.send([UInt8(wire.count >> 8), UInt8(wire.count & 0xFF)] + wire)
                let length = try socket.receive(exactly: 2, deadline: deadline)
                let reply = try socket.receive(exactly: Int(length[0]) << 8 | Int(length[1]), deadline: deadline)
                guard let message = matching(reply, id: id, question: question) else {
                    return .failed("a reply that does not match the query")
                }
                return .answered(message, size: reply.count)
            }
        } catch {
            return .failed(StubError.describe(error))
        }
    }

    /// The reply decoded, if it answers our query (same ID, question and QR set); nil otherwise.
    private func matching(_ bytes: [UInt8], id: UInt16, question: Question) -> Message? {
        guard let message = try? Message(wire: bytes), message.header.isResponse, message.header.id == id else { return nil }
        // A FORMERR may come without the question (RFC 6891 §7); everything else must echo it.
        guard message.questions.isEmpty || message.question == question else { return nil }
        return message
    }
}

/// Why an exchange failed, in words for the check table.
struct StubError: Error {
    let text: String
    static func describe(_ error: any Error) -> String { (error as? StubError)?.text ?? "\(error)" }
    static func system(_ what: String) -> StubError { StubError(text: "\(what): \(String(cString: strerror(errno)))") }
}

/// A connected, non-blocking socket that closes itself; waits with `poll` until a deadline (monotonic ns).
private final class OwnedSocket {
    private let fd: Int32

    init(connectingTo server: SocketAddress, tcp: Bool, deadline: UInt64) throws(StubError) {
        let type = tcp ? SOCK_STREAM : SOCK_DGRAM
        let domain = server.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(type.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StubError.system("socket") }
        self.fd = fd
        let result = server.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result != 0 {
            guard errno == EINPROGRESS else { throw StubError.system("connect to \(server)") }
            try wait(for: Int16(POLLOUT), deadline: deadline, what: "connect to \(server)")
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            guard error == 0 else { throw StubError(text: "connect to \(server): \(String(cString: strerror(error)))") }
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws(StubError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + sent }, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { throw StubError.system("send") }
            sent += count
        }
    }

    /// One datagram (UDP), or what the stream has (TCP); at least one octet.
    func receive(deadline: UInt64) throws(StubError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65_535)
        while true {
            try wait(for: Int16(POLLIN), deadline: deadline, what: "no answer")
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            if count < 0 { throw StubError.system("receive") }
            if count == 0 { throw StubError(text: "connection closed before the answer") }
            return Array(buffer[0..<count])
        }
    }

    /// Exactly `count` octets of a stream.
    func receive(exactly count: Int, deadline: UInt64) throws(StubError) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            try wait(for: Int16(POLLIN), deadline: deadline, what: "no answer")
            var chunk = [UInt8](repeating: 0, count: count - bytes.count)
            let got = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if got < 0, errno == EINTR || errno == EAGAIN { continue }
            if got < 0 { throw StubError.system("receive") }
            if got == 0 { throw StubError(text: "connection closed before the answer") }
            bytes += chunk[0..<got]
        }
        return bytes
    }

    private func wait(for events: Int16, deadline: UInt64, what: String) throws(StubError) {
        while true {
            let now = EventLoop.monotonicNanoseconds()
            guard now < deadline else { throw StubError(text: "\(what) (timed out)") }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let milliseconds = Int32(min((deadline - now) / 1_000_000 + 1, 60_000))
            let ready = poll(&entry, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            if ready < 0 { throw StubError.system("poll") }
            if ready > 0 {
                if entry.revents & Int16(POLLERR) != 0, events == Int16(POLLIN) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    throw StubError(text: "\(what): \(String(cString: strerror(error)))")
                }
                return
            }
        }
    }
}
