import AnchordConfig
import ArgumentParser
import Diagnostics
import DNSWire
import EventIO
import Glibc

/// `anchord reply-size-server --zone rs.lab. --listen 127.53.2.9@53`: the reply-size test responder (see
/// `ReplySizeResponder`) on UDP and TCP, for labs and for `anchord check`.
struct ReplySizeServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply-size-server",
        abstract: "Serve a reply-size test zone: how large a UDP answer reaches the resolver that asks.",
        discussion: """
            Delegate ZONE (and --alternate) to this server, then ask a resolver `dig +short rs.ZONE TXT`: a chain of three CNAMEs \
            whose answers are padded to the querier's EDNS size (at most --max-size), then TXT records saying \
            what EDNS size the resolver advertised and the largest answer that reached it. Stops on SIGTERM or \
            SIGINT. Prints "listening on ADDR" once it serves.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The zone to serve; the test name is rs.ZONE.", valueName: "ZONE"))
    var zone: String

    @Option(name: .long, help: ArgumentHelp("A second zone, delegated to this server too: the steps alternate between the two, so each is a query of its own for resolvers that take an in-zone CNAME chain as complete.",
                                            valueName: "ZONE"))
    var alternate: String?

    @Option(name: .long, help: ArgumentHelp("Address and port to serve on, UDP and TCP (repeatable).", valueName: "ADDR@PORT"))
    var listen: [String] = ["127.0.0.1@53"]

    @Option(name: .long, help: ArgumentHelp("The largest padded answer, in octets.", valueName: "OCTETS"))
    var maxSize: Int = 4096

    @Option(name: .long, help: ArgumentHelp("TTL of every record, in seconds.", valueName: "SECONDS"))
    var ttl: UInt32 = 5

    func run() throws {
        func parse(_ text: String, _ option: String) throws -> Name {
            do {
                return try Name(text.hasSuffix(".") ? text : text + ".")
            } catch {
                throw ValidationError("\(option) \(text): \(error)")
            }
        }
        let zoneName = try parse(zone, "--zone")
        let alternateName = try alternate.map { try parse($0, "--alternate") }
        var addresses: [SocketAddress] = []
        for entry in listen {
            guard let address = ReplySizeServerCommand.socketAddress(entry) else {
                throw ValidationError("--listen \(entry): expected ADDRESS@PORT, e.g. 127.53.2.9@53")
            }
            addresses.append(address)
        }
        let nameServer = addresses.lazy.compactMap { IPv4Address(octets: $0.addressBytes) }.first
        let responder = ReplySizeResponder(zone: zoneName, alternate: alternateName, maxSize: maxSize, ttl: ttl, nameServerAddress: nameServer)
        let loop = try EventLoop(receiveBatchSize: 16)
        let server = ReplySizeServer(loop: loop, responder: responder)
        for address in addresses { try server.serve(on: address) }
        let stop = { loop.stop() }
        let signals = [try loop.onSignal(SIGTERM, handler: stop), try loop.onSignal(SIGINT, handler: stop)]
        for address in addresses { print("listening on \(address) for \(responder.zones.map(\.text).joined(separator: " and ")) (test name \(responder.testName.text))") }
        fflush(nil)  // every stream: stdout may be a pipe the lab waits on
        try loop.run()
        _ = signals
    }

    /// `127.53.2.9@53`, `::1@5353`; a bare address means port 53 (the `interface` syntax of the configuration).
    static func socketAddress(_ text: String) -> SocketAddress? {
        guard let interface = Interface(text) else { return nil }
        return SocketAddress(addressBytes: interface.address.octets, port: interface.port ?? 53)
    }
}

/// The sockets of the reply-size responder: UDP sockets and TCP listeners, each connection in a table until it
/// closes (at most `maxConnections`, idle ones closed after 10 s).
final class ReplySizeServer {
    let loop: EventLoop
    let responder: ReplySizeResponder
    private var sockets: [UDPSocket] = []
    private var listeners: [TCPListener] = []
    private var connections: [ObjectIdentifier: TCPConnection] = [:]
    static let maxConnections = 64

    init(loop: EventLoop, responder: ReplySizeResponder) {
        self.loop = loop
        self.responder = responder
    }

    func serve(on address: SocketAddress) throws {
        let socket = try UDPSocket(loop: loop, boundTo: address)
        socket.onDatagram = { [unowned self, unowned socket] bytes, source in
            let client = ReplySizeServer.hostText(source)
            if let reply = responder.answer(bytes, from: client, over: .udp) { socket.enqueue(reply, to: source) }
        }
        sockets.append(socket)
        let listener = try TCPListener(loop: loop, boundTo: address, maxConnections: ReplySizeServer.maxConnections)
        listener.onAccept = { [unowned self] connection in accept(connection) }
        listeners.append(listener)
    }

    private func accept(_ connection: TCPConnection) {
        connections[ObjectIdentifier(connection)] = connection
        connection.setTimeouts(read: .seconds(10), write: .seconds(10))
        connection.onData = { [unowned self] connection in readFrames(connection) }
        connection.onClose = { [unowned self] connection, _ in connections[ObjectIdentifier(connection)] = nil }
    }

    /// RFC 1035 §4.2.2: two octets of length, then the message; answer each whole one, leave a partial one.
    private func readFrames(_ connection: TCPConnection) {
        while let prefix = connection.peekBytes(2) {
            let length = Int(prefix[0]) << 8 | Int(prefix[1])
            guard connection.availableByteCount >= 2 + length, let frame = connection.readBytes(2 + length) else { return }
            let client = ReplySizeServer.hostText(connection.remoteAddress)
            guard let reply = responder.answer(Array(frame.dropFirst(2)), from: client, over: .tcp) else { continue }
            _ = connection.write([UInt8(reply.count >> 8), UInt8(reply.count & 0xFF)] + reply)
        }
    }

    /// The address without its port, as the TXT answer names the resolver.
    static func hostText(_ address: SocketAddress) -> String {
        let text = address.description
        guard let hash = text.lastIndex(of: "#") else { return text }
        return String(text[..<hash]).trimmingCharacters(in: ["[", "]"])
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: set.contains).reversed().drop(while: set.contains).reversed())
    }
}
