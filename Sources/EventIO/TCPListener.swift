internal import CLibevent
import Glibc

/// A listening TCP socket on an `EventLoop` that accepts connections up to a cap.
///
/// Each wake accepts what is waiting (up to 64 at a time) and hands every new `TCPConnection` to `onAccept`.
/// Once `maxConnections` accepted connections are open, further ones are accepted and closed at once, so the
/// client hears "closed" instead of waiting in the backlog, and `refusedCount` counts them. `admits`, when set,
/// is asked first about each peer: one it turns away is closed at once, before it takes a slot or any memory.
/// When the process runs out of file descriptors, accepting pauses for a moment rather than spinning on a socket
/// that stays readable; `descriptorShortages` counts those moments and `onDescriptorShortage` hears of each.
public final class TCPListener {
    let loop: EventLoop
    /// The owned listening descriptor and its read event.
    private let watched: WatchedDescriptor
    private var pauseTimer: EventTimer?
    private let slots: ConnectionSlots

    /// The bound address, with the kernel's port if port 0 was asked for.
    public let localAddress: SocketAddress
    /// Connections turned away because the cap was reached.
    public private(set) var refusedCount = 0
    /// Connections `admits` turned away.
    public private(set) var notAdmittedCount = 0
    /// Times `accept` failed for want of descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`).
    public private(set) var descriptorShortages = 0

    /// Asked about each accepted peer before it gets a connection; false closes it at once.
    public var admits: ((SocketAddress) -> Bool)?
    /// Told of each failed `accept` for want of descriptors (accepting pauses 100 ms after it).
    public var onDescriptorShortage: ((IOError) -> Void)?

    /// Receives each accepted connection; keep it, or it closes when the handler returns. Setting it starts
    /// accepting, setting nil stops (waiting clients stay in the backlog).
    public var onAccept: ((TCPConnection) -> Void)? {
        didSet { watched.watch(onAccept != nil) }
    }

    /// The most accepted connections open at once; lowering it closes none, it only turns new ones away.
    public var maxConnections: Int {
        get { slots.limit }
        set { slots.limit = max(newValue, 0) }
    }

    /// Accepted connections still open.
    public var connectionCount: Int { slots.inUse }

    /// Binds and listens on `address`.
    public init(loop: EventLoop, boundTo address: SocketAddress, maxConnections: Int, backlog: Int32 = 256,
                options: SocketOptions = SocketOptions()) throws(IOError) {
        let descriptor = try Descriptor(domain: address.domain, type: SOCK_STREAM)
        try descriptor.apply(options)
        try descriptor.bind(to: address)
        guard Glibc.listen(descriptor.rawValue, backlog) == 0 else { throw IOError.lastError(.listen) }
        guard let local = descriptor.localAddress else { throw IOError.lastError(.address) }
        self.loop = loop
        self.localAddress = local
        self.slots = ConnectionSlots(limit: max(maxConnections, 0))
        watched = try WatchedDescriptor(loop: loop, descriptor: descriptor)
        watched.onReadable = { [unowned self] in acceptWaiting() }
    }

    /// Stops listening and closes the socket; connections already accepted stay open.
    public func close() {
        watched.close()
        pauseTimer = nil
        onAccept = nil
    }

    private func acceptWaiting() {
        for _ in 0..<64 {
            let fd = watched.fd
            guard fd >= 0, let handler = onAccept else { return }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let flags = Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let accepted = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { anchord_accept4(fd, $0, &length, flags) }
            }
            guard accepted >= 0 else {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    descriptorShortages += 1
                    pause()
                    onDescriptorShortage?(IOError(.accept, code: code))
                }
                return
            }
            let descriptor = Descriptor(adopting: accepted)
            // Dropping `descriptor` (at `continue`) closes it.
            guard let remote = SocketAddress(storage: storage, length: length) else { continue }
            if let admits, !admits(remote) {
                notAdmittedCount += 1
                continue
            }
            guard slots.inUse < slots.limit else {
                refusedCount += 1
                continue
            }
            guard let connection = try? TCPConnection(loop: loop, accepted: descriptor, remote: remote, slots: slots)
            else { continue }
            handler(connection)
        }
    }

    /// Stops accepting for 100 ms, so a lack of descriptors does not turn into a busy loop.
    private func pause() {
        guard pauseTimer == nil else { return }
        let timer = try? EventTimer(loop: loop) { [weak self] in
            self?.pauseTimer = nil
            self?.watched.resume()
        }
        guard let timer else { return }
        watched.suspend()
        timer.schedule(after: .milliseconds(100))
        pauseTimer = timer
    }
}
