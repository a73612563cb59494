internal import CLibevent
import Glibc

/// A non-blocking TCP connection on an `EventLoop`, over a libevent bufferevent: accepted by a `TCPListener`,
/// or opened with `init(loop:connectingTo:from:timeout:)`.
///
/// Reading: the bufferevent reads into its input buffer and calls `onData`; take whole messages with
/// `peekBytes`/`readBytes` and leave a partial one in the buffer until more arrives (`onData` runs again then).
/// Writing: `write` appends to the output queue at once and never blocks; the bufferevent writes it out as the
/// socket accepts it, in as many partial writes as it takes. `closeWhenFlushed()` closes after the queue drains.
///
/// Flow control: `setReadLimit` caps the input buffer (reading stops while it is that full), `pauseReading()`
/// stops reading altogether until `resumeReading()`, and `setWriteLowWatermark` makes `onWriteQueueDrained`
/// run whenever the queue falls to that many bytes, so an owner can stop taking requests while its answers pile
/// up. With `onReadClosed` set, a peer that shuts down its sending side (RFC 7766 §6.2.4: a query then
/// `shutdown(SHUT_WR)`) leaves the connection open for writing; without it, that ends the connection.
///
/// Handlers run on the loop's thread and receive the connection, so they need not capture it. `onClose` runs
/// once when the peer closes, an error occurs or a timeout fires — not after your own `close()`. Closing
/// releases all handlers. An accepted connection lives as long as you hold it: keep it in a table from
/// `onAccept` and drop it in `onClose`.
public final class TCPConnection {
    /// Why a connection ended.
    public enum CloseReason: Equatable, Sendable {
        /// The peer closed its side (end of stream).
        case peerClosed
        /// The connect timeout, or a read/write timeout from `setTimeouts`, expired.
        case timedOut
        /// Connecting, reading or writing failed (e.g. `ECONNREFUSED`, `ECONNRESET`).
        case failed(IOError)
    }

    public enum State: Equatable, Sendable {
        case connecting, open, closed
    }

    let loop: EventLoop
    /// The owned bufferevent (which owns and closes the socket); freed in `close()` or `deinit`.
    private var bufferEvent: OpaquePointer?
    private var connectTimer: EventTimer?
    private var closesWhenFlushed = false
    private var readingPaused = false
    /// The listener's connection count this connection takes part in, released once when it closes.
    private var slots: ConnectionSlots?

    public private(set) var state: State
    /// The peer's address.
    public let remoteAddress: SocketAddress
    /// Our side's address; known once connected.
    public private(set) var localAddress: SocketAddress?
    /// The peer has shut down its sending side; nothing more will arrive (only with `onReadClosed` set).
    public private(set) var isReadClosed = false

    /// A client connection is established; not called for accepted connections.
    public var onConnected: ((TCPConnection) -> Void)?
    /// New bytes are in the input buffer.
    public var onData: ((TCPConnection) -> Void)?
    /// The write queue has fallen to the write low watermark (by default 0: everything written so far has
    /// been handed to the kernel).
    public var onWriteQueueDrained: ((TCPConnection) -> Void)?
    /// The peer shut down its sending side: what it sent is in the input buffer, and writing still works. Set
    /// it to keep answering a half-closed connection; unset, end of stream closes (`onClose(.peerClosed)`).
    public var onReadClosed: ((TCPConnection) -> Void)?
    /// The connection ended for `CloseReason`; it is already closed when this runs.
    public var onClose: ((TCPConnection, CloseReason) -> Void)?

    /// Starts connecting to `remote` from `source` (the `outgoing-interface`, port 0) or a kernel-chosen address.
    /// `onConnected` or `onClose` tells how it went; `onClose(.timedOut)` if it takes longer than `timeout`.
    /// Writes made before the connection is up are queued and sent once it is.
    public convenience init(loop: EventLoop, connectingTo remote: SocketAddress, from source: SocketAddress? = nil,
                            timeout: Duration) throws(IOError) {
        if let source, source.family != remote.family { throw IOError(.bind, code: EAFNOSUPPORT) }
        let descriptor = try Descriptor(domain: remote.domain, type: SOCK_STREAM)
        try descriptor.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        if let source { try descriptor.bind(to: source) }
        try self.init(loop: loop, descriptor: descriptor, remote: remote, state: .connecting, slots: nil)
        let timer = try EventTimer(loop: loop) { [weak self] in self?.finish(.timedOut) }
        timer.schedule(after: timeout)
        connectTimer = timer
        guard let bufferEvent else { throw IOError(.createEvent, code: ENOMEM) }
        let result = remote.withSockAddr { bufferevent_socket_connect(bufferEvent, $0, Int32($1)) }
        guard result == 0 else {
            let error = IOError.lastError(.connect)
            teardown()
            throw error
        }
    }

    /// Wraps a socket `TCPListener` accepted.
    convenience init(loop: EventLoop, accepted descriptor: consuming Descriptor, remote: SocketAddress,
                     slots: ConnectionSlots) throws(IOError) {
        // Best effort: answers are written whole, so Nagle's delay would only hold back pipelined replies.
        try? descriptor.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        try self.init(loop: loop, descriptor: descriptor, remote: remote, state: .open, slots: slots)
        localAddress = socketAddress(of: bufferevent_getfd(bufferEvent), peer: false)
    }

    private init(loop: EventLoop, descriptor: consuming Descriptor, remote: SocketAddress, state: State,
                 slots: ConnectionSlots?) throws(IOError) {
        self.loop = loop
        self.remoteAddress = remote
        self.state = state
        self.slots = slots
        slots?.inUse += 1
        let fd = descriptor.release()
        guard let bufferEvent = bufferevent_socket_new(loop.base, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)
            throw IOError(.createEvent, code: ENOMEM)
        }
        self.bufferEvent = bufferEvent
        // The context is unretained: the bufferevent is freed in close() or deinit, so it never outlives `self`.
        let context = Unmanaged.passUnretained(self).toOpaque()
        bufferevent_setcb(bufferEvent, tcpReadCallback, tcpWriteCallback, tcpEventCallback, context)
        bufferevent_enable(bufferEvent, Int16(EV_READ | EV_WRITE))
    }

    deinit {
        if let bufferEvent { bufferevent_free(bufferEvent) }
        slots?.inUse -= 1
    }

    // MARK: Reading

    /// How many received bytes wait in the input buffer.
    public var availableByteCount: Int {
        guard let bufferEvent else { return 0 }
        return evbuffer_get_length(bufferevent_get_input(bufferEvent))
    }

    /// The first `count` buffered bytes, left in the buffer; nil if fewer are there.
    public func peekBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= availableByteCount, let bufferEvent else { return nil }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let copied = evbuffer_copyout(bufferevent_get_input(bufferEvent), buffer.baseAddress, count)
            initialized = max(copied, 0)
        }
    }

    /// Removes and returns the first `count` buffered bytes; nil (and nothing removed) if fewer are there.
    public func readBytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= availableByteCount, let bufferEvent else { return nil }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let removed = evbuffer_remove(bufferevent_get_input(bufferEvent), buffer.baseAddress, count)
            initialized = Int(max(removed, 0))
        }
    }

    /// Reading stops while `bytes` or more are buffered and resumes as they are taken; nil for no limit. Leave
    /// room for the largest whole message you wait for, or it can never complete.
    public func setReadLimit(_ bytes: Int?) {
        guard let bufferEvent else { return }
        bufferevent_setwatermark(bufferEvent, Int16(EV_READ), 0, max(bytes ?? 0, 0))
    }

    /// Stops reading from the socket (the kernel's buffer then fills and TCP holds the peer back).
    public func pauseReading() {
        guard let bufferEvent, !readingPaused else { return }
        readingPaused = true
        bufferevent_disable(bufferEvent, Int16(EV_READ))
    }

    /// Reads again after `pauseReading()`; nothing once the peer has closed its side.
    public func resumeReading() {
        guard let bufferEvent, readingPaused else { return }
        readingPaused = false
        if !isReadClosed { bufferevent_enable(bufferEvent, Int16(EV_READ)) }
    }

    public var isReadingPaused: Bool { readingPaused }

    // MARK: Writing

    /// `onWriteQueueDrained` runs each time a write leaves at most `bytes` queued.
    public func setWriteLowWatermark(_ bytes: Int) {
        guard let bufferEvent else { return }
        bufferevent_setwatermark(bufferEvent, Int16(EV_WRITE), max(bytes, 0), 0)
    }

    /// Queues `bytes` for sending; returns false (and queues nothing) once the connection is closed.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard let bufferEvent, !closesWhenFlushed else { return false }
        return bytes.withUnsafeBytes { bufferevent_write(bufferEvent, $0.baseAddress, $0.count) } == 0
    }

    /// Bytes queued and not yet handed to the kernel.
    public var pendingWriteByteCount: Int {
        guard let bufferEvent else { return 0 }
        return evbuffer_get_length(bufferevent_get_output(bufferEvent))
    }

    /// Closes the connection when no data has arrived for `read` (an idle timeout, RFC 7766 §6.2.3) or queued
    /// data could not be written for `write`; nil turns that timeout off. `onClose(.timedOut)` tells.
    public func setTimeouts(read: Duration?, write: Duration?) {
        guard let bufferEvent else { return }
        withUnsafeTemporaryAllocation(of: timeval.self, capacity: 2) { times in
            times[0] = read?.timeValue ?? timeval()
            times[1] = write?.timeValue ?? timeval()
            let readTime = read == nil ? nil : UnsafePointer(times.baseAddress)
            let writeTime = write == nil ? nil : UnsafePointer(times.baseAddress.map { $0 + 1 })
            bufferevent_set_timeouts(bufferEvent, readTime, writeTime)
        }
    }

    // MARK: Closing

    /// Closes at once; queued output is dropped. `onClose` does not run.
    public func close() {
        teardown()
    }

    /// Stops accepting writes and closes once the queued output has been written (at once if none is queued).
    public func closeWhenFlushed() {
        guard bufferEvent != nil else { return }
        if pendingWriteByteCount == 0 && state == .open {
            teardown()
        } else {
            closesWhenFlushed = true
        }
    }

    private func teardown() {
        connectTimer?.cancel()
        connectTimer = nil
        if let bufferEvent { bufferevent_free(bufferEvent) }
        bufferEvent = nil
        if state != .closed { slots?.inUse -= 1 }
        slots = nil
        state = .closed
        onConnected = nil
        onData = nil
        onWriteQueueDrained = nil
        onReadClosed = nil
        onClose = nil
    }

    /// Closes and tells `onClose` why.
    private func finish(_ reason: CloseReason) {
        guard state != .closed else { return }
        let handler = onClose
        teardown()
        handler?(self, reason)
    }

    // MARK: libevent callbacks

    fileprivate func handleData() {
        onData?(self)
    }

    fileprivate func handleWritten() {
        if closesWhenFlushed {
            if pendingWriteByteCount == 0 { teardown() }
        } else {
            onWriteQueueDrained?(self)
        }
    }

    fileprivate func handleEvent(_ what: Int32, code: Int32) {
        if what & BEV_EVENT_CONNECTED != 0 {
            connectTimer?.cancel()
            connectTimer = nil
            state = .open
            localAddress = bufferEvent.flatMap { socketAddress(of: bufferevent_getfd($0), peer: false) }
            if closesWhenFlushed && pendingWriteByteCount == 0 { return teardown() }
            onConnected?(self)
        } else if what & BEV_EVENT_EOF != 0 {
            // libevent has stopped reading; the output side is untouched.
            if let handler = onReadClosed, !isReadClosed {
                isReadClosed = true
                handler(self)
            } else {
                finish(.peerClosed)
            }
        } else if what & BEV_EVENT_TIMEOUT != 0 {
            finish(.timedOut)
        } else if what & BEV_EVENT_ERROR != 0 {
            let operation: IOError.Operation = state == .connecting ? .connect
                : what & BEV_EVENT_WRITING != 0 ? .send : .receive
            // An immediate refusal (loopback) reaches us later, with errno no longer set; name it anyway.
            finish(.failed(IOError(operation, code: code != 0 ? code : ECONNREFUSED)))
        }
    }
}

/// The count of open connections a listener has accepted, shared with those connections so that each one gives
/// its slot back when it closes, even after the listener is gone.
final class ConnectionSlots {
    var limit: Int
    var inUse = 0

    init(limit: Int) { self.limit = limit }
}

// Each callback holds a strong local reference, so the connection outlives its own handlers even if they drop
// the last outside reference; freeing a bufferevent inside its callback is allowed (libevent holds a reference).

private func tcpReadCallback(bufferEvent: OpaquePointer?, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<TCPConnection>.fromOpaque(context).takeUnretainedValue().handleData()
}

private func tcpWriteCallback(bufferEvent: OpaquePointer?, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<TCPConnection>.fromOpaque(context).takeUnretainedValue().handleWritten()
}

private func tcpEventCallback(bufferEvent: OpaquePointer?, what: Int16, context: UnsafeMutableRawPointer?) {
    let code = errno
    guard let context else { return }
    Unmanaged<TCPConnection>.fromOpaque(context).takeUnretainedValue().handleEvent(Int32(what), code: code)
}
