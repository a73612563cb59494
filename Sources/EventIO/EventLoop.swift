internal import CLibevent
import Glibc

/// One libevent `event_base`: the loop a single thread runs, and the clocks the rest of anchord reads.
///
/// Thread confinement: an `EventLoop` and everything made on it (timers, sockets, signal events) belong to the
/// thread that calls `run()`. Their callbacks run on that thread, one at a time, so the code they call needs no
/// locks. None of these types is `Sendable`; the only way to reach a loop from another thread is its
/// `LoopStopHandle`.
///
/// Objects made on a loop keep it alive (they hold a strong reference), so the `event_base` is freed only after
/// the last event on it.
public final class EventLoop {
    /// The owned `event_base`; freed in `deinit`.
    let base: OpaquePointer
    /// Scratch memory for batched datagram I/O, shared by every UDP socket of this loop (see `DatagramScratch`).
    let datagramScratch: DatagramScratch

    private var isRunning = false
    private var stopRequested = false
    private var stopEvent: OpaquePointer?
    private var stopHandle: LoopStopHandle?

    /// Makes a loop.
    /// - Parameters:
    ///   - receiveBatchSize: how many datagrams one `recvmmsg` may return (1...1024).
    ///   - maxDatagramSize: the largest datagram a UDP socket of this loop accepts; longer ones are dropped and counted.
    public init(receiveBatchSize: Int = 32, maxDatagramSize: Int = 65_535) throws(IOError) {
        guard let base = event_base_new() else { throw IOError(.createLoop, code: ENOMEM) }
        self.base = base
        self.datagramScratch = DatagramScratch(
            slots: min(max(receiveBatchSize, 1), 1024), slotSize: min(max(maxDatagramSize, 1), 65_535))
    }

    deinit {
        if let stopEvent { event_free(stopEvent) }
        event_base_free(base)
    }

    /// Runs callbacks until `stop()` is called or no event is left. A `stop()` that came before `run()` makes it
    /// return at once.
    public func run() throws(IOError) {
        if stopRequested {
            stopRequested = false
            return
        }
        isRunning = true
        defer { isRunning = false }
        // -1: called again from inside a callback, or the kernel interface failed; neither leaves a useful errno.
        if event_base_dispatch(base) == -1 { throw IOError(.runLoop, code: 0) }
        stopRequested = false
    }

    /// Stops `run()` after the callback now running returns. Call it on the loop's thread: from a callback, a
    /// signal event, or before `run()`. From another thread use `makeStopHandle()`.
    public func stop() {
        if isRunning {
            event_base_loopbreak(base)
        } else {
            stopRequested = true
        }
    }

    /// A `Sendable` handle that stops this loop from any thread (it wakes the loop through an eventfd).
    /// Made once and then returned again. Until it is made, `run()` also returns when no event is left; after,
    /// the loop always has its wake-up event, so only a stop ends `run()`.
    public func makeStopHandle() throws(IOError) -> LoopStopHandle {
        if let stopHandle { return stopHandle }
        let fd = anchord_eventfd_nonblocking()
        guard fd >= 0 else { throw IOError.lastError(.createEvent) }
        let handle = LoopStopHandle(fd: fd)
        // The context is unretained: the event is freed in this loop's deinit, so it never outlives `self`.
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let event = event_new(base, fd, Int16(EV_READ | EV_PERSIST), eventLoopStopCallback, context) else {
            throw IOError(.createEvent, code: ENOMEM)
        }
        guard event_add(event, nil) == 0 else {
            event_free(event)
            throw IOError(.createEvent, code: ENOMEM)
        }
        stopEvent = event
        stopHandle = handle
        return handle
    }

    fileprivate func drainStopRequest(fd: Int32) {
        var counter: UInt64 = 0
        _ = read(fd, &counter, MemoryLayout<UInt64>.size)
        stop()
    }

    /// The name of the kernel interface libevent chose, e.g. "epoll".
    public var backendMethod: String {
        guard let name = event_base_get_method(base) else { return "unknown" }
        return String(cString: name)
    }

    // MARK: Clocks

    /// Monotonic time in nanoseconds: for timeouts and round-trip times, never for TTLs.
    public var now: UInt64 { Self.monotonicNanoseconds() }

    /// `clock_gettime(CLOCK_MONOTONIC)` in nanoseconds; unaffected by changes of the wall clock.
    public static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// `clock_gettime(CLOCK_REALTIME)` in whole seconds since 1970: for TTLs, signature validity and RFC 5011
    /// timers. It goes through glibc, so `faketime` moves it. (libfaketime also fakes CLOCK_MONOTONIC unless
    /// `FAKETIME_DONT_FAKE_MONOTONIC=1`.)
    public static func wallClockSeconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec)
    }
}

/// Stops an `EventLoop` from any thread, or from a POSIX signal handler (it only `write`s to an eventfd).
///
/// Sendable without `@unchecked`: its only state is an immutable file descriptor, and concurrent `write`s to
/// an eventfd are safe. It owns the descriptor, and the loop holds the handle, so the descriptor outlives both
/// the loop's event on it and every thread that still has the handle.
public final class LoopStopHandle: Sendable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Asks the loop to stop; `run()` returns after the loop next wakes (at once if it is idle).
    public func stop() {
        var one: UInt64 = 1
        _ = write(fd, &one, MemoryLayout<UInt64>.size)
    }
}

private func eventLoopStopCallback(fd: Int32, what: Int16, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    Unmanaged<EventLoop>.fromOpaque(context).takeUnretainedValue().drainStopRequest(fd: fd)
}
