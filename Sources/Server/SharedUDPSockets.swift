import EventIO
import ResolverCore

/// A few unconnected UDP sockets per address family that many upstream queries share, for when the socket
/// cap is reached or the kernel has no descriptor to spare: resolution goes on with a fixed handful of
/// descriptors instead of failing.
///
/// A reply is matched to its query by the server's address and port and the message ID, on the socket the
/// query left from; the core still checks the ID, the question and its 0x20 case. Sharing costs source-port
/// randomness, so each socket serves at most `usesPerSocket` queries and is then replaced by a fresh one on a
/// new kernel-chosen random port (closed once its last query is done), and each query picks one of the
/// sockets at random: a spoofer has to guess a port among those open as well as the ID.
final class SharedUDPSockets {
    /// Where a query went out: which socket, to whom, with which ID.
    struct Key: Hashable {
        var socket: ObjectIdentifier
        var server: ServerAddress
        var id: UInt16
    }

    static let socketsPerFamily = 8
    static let usesPerSocket = 64

    private final class Member {
        let socket: UDPSocket
        var uses = 0
        var waiting: [Key: QueryToken] = [:]
        var retired = false
        init(_ socket: UDPSocket) { self.socket = socket }
    }

    private let loop: EventLoop
    private let sourceV4: SocketAddress?
    private let sourceV6: SocketAddress?
    private var active: [Bool: [Member]] = [:]  // keyed by "is IPv4"
    private var members: [ObjectIdentifier: Member] = [:]
    /// A reply for a waiting query arrived.
    var onReply: (_ bytes: [UInt8], _ token: QueryToken, _ server: ServerAddress) -> Void = { _, _, _ in }

    init(loop: EventLoop, sourceV4: SocketAddress?, sourceV6: SocketAddress?) {
        self.loop = loop
        self.sourceV4 = sourceV4
        self.sourceV6 = sourceV6
        // One socket per family from the start, so that there is one to share even when the kernel has no
        // descriptor left to give.
        for family in [true, false] {
            if let member = try? open(family: family) { active[family] = [member] }
        }
    }

    /// Sockets open now, active and retired.
    var openCount: Int { members.count }

    /// Sends `bytes` (a query with message ID `id`) to `server`; the key is what `forget` takes when it is done.
    func send(_ bytes: [UInt8], id: UInt16, to server: ServerAddress, token: QueryToken) throws(IOError) -> Key {
        guard let destination = SocketAddress(server) else { throw IOError(.send, code: 0) }
        let member = try pick(for: server, id: id)
        let key = Key(socket: ObjectIdentifier(member.socket), server: server, id: id)
        member.waiting[key] = token
        member.uses += 1
        if member.uses >= SharedUDPSockets.usesPerSocket { retire(member, family: server.ip.isIPv4) }
        do {
            try member.socket.send(bytes, to: destination)
        } catch {
            forget(key)
            throw error
        }
        return key
    }

    /// The query is done (answered, timed out or given up): its replies are no longer taken.
    func forget(_ key: Key) {
        guard let member = members[key.socket] else { return }
        member.waiting[key] = nil
        if member.retired && member.waiting.isEmpty { close(member) }
    }

    func closeAll() {
        for member in Array(members.values) { close(member) }
        active = [:]
    }

    /// A random active socket of the server's family on which (server, ID) is not already waiting; a new one
    /// while the family has fewer than `socketsPerFamily`.
    private func pick(for server: ServerAddress, id: UInt16) throws(IOError) -> Member {
        let family = server.ip.isIPv4
        var pool = active[family, default: []]
        let free = pool.filter { $0.waiting[Key(socket: ObjectIdentifier($0.socket), server: server, id: id)] == nil }
        if pool.count >= SharedUDPSockets.socketsPerFamily, let chosen = free.randomElement() { return chosen }
        do {
            let member = try open(family: family)
            pool.append(member)
            active[family] = pool
            return member
        } catch {
            // No descriptor for a new one: use what is open, if anything fits.
            guard let chosen = free.randomElement() else { throw error }
            return chosen
        }
    }

    private func open(family isIPv4: Bool) throws(IOError) -> Member {
        let wildcard = isIPv4 ? SocketAddress(ipAddress: "0.0.0.0", port: 0) : SocketAddress(ipAddress: "::", port: 0)
        guard let bindAddress = (isIPv4 ? sourceV4 : sourceV6) ?? wildcard else { throw IOError(.bind, code: 0) }
        let socket = try UDPSocket(loop: loop, boundTo: bindAddress, options: SocketOptions(reuseAddress: false))
        let member = Member(socket)
        members[ObjectIdentifier(socket)] = member
        socket.onDatagram = { [weak self, unowned member] bytes, source in self?.received(bytes, from: source, on: member) }
        return member
    }

    private func received(_ bytes: [UInt8], from source: SocketAddress, on member: Member) {
        guard bytes.count >= 12, let server = source.serverAddress else { return }
        let id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard let token = member.waiting[Key(socket: ObjectIdentifier(member.socket), server: server, id: id)] else { return }
        onReply(bytes, token, server)
    }

    /// Takes a socket out of the choice; it closes once its last query is done.
    private func retire(_ member: Member, family: Bool) {
        member.retired = true
        active[family]?.removeAll { $0 === member }
        if member.waiting.isEmpty { close(member) }
    }

    private func close(_ member: Member) {
        member.socket.close()
        members[ObjectIdentifier(member.socket)] = nil
    }
}
