internal import CLibevent
import Glibc

/// Runs a closure on the loop's thread each time the process receives a POSIX signal (SIGTERM, SIGINT, SIGHUP…).
///
/// libevent catches the signal with its own handler and turns it into an ordinary event, so the closure may do
/// anything (log, reload configuration, `loop.stop()`); it is not a signal handler. While the object lives, the
/// signal's default action (e.g. terminating on SIGTERM) is replaced; freeing it restores the previous handler.
/// libevent delivers signals to one `event_base` per process: make all signal events on the main loop.
///
/// Making one also unblocks the signal on the calling thread (the loop's): a signal mask is inherited across
/// `fork`/`exec` and by new threads, so a supervisor that starts anchord with SIGHUP blocked, or a test runner's
/// worker thread, would otherwise never see it arrive. The mask is not restored when the event is freed.
public final class SignalEvent {
    let loop: EventLoop
    /// The signal number this event watches.
    public let signal: Int32
    /// The owned libevent event; freed (and the signal handler restored) in `deinit`.
    private let event: OpaquePointer
    private let handler: () -> Void

    /// Starts watching `signal`. Do not capture the returned object strongly in `handler`.
    public init(loop: EventLoop, signal: Int32, handler: @escaping () -> Void) throws(IOError) {
        self.loop = loop
        self.signal = signal
        self.handler = handler
        guard let event = event_new(loop.base, signal, Int16(EV_SIGNAL | EV_PERSIST), signalCallback, nil) else {
            throw IOError(.createEvent, code: ENOMEM)
        }
        self.event = event
        // The context is unretained: the event is freed in this object's deinit, so it never outlives `self`.
        let context = Unmanaged.passUnretained(self).toOpaque()
        event_assign(event, loop.base, signal, Int16(EV_SIGNAL | EV_PERSIST), signalCallback, context)
        guard event_add(event, nil) == 0 else { throw IOError(.createEvent, code: EINVAL) }
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, signal)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    deinit {
        event_free(event)
    }

    fileprivate func fire() {
        handler()
    }
}

extension EventLoop {
    /// Runs `handler` on this loop whenever `signal` arrives; keep the returned object for as long as you want that.
    public func onSignal(_ signal: Int32, handler: @escaping () -> Void) throws(IOError) -> SignalEvent {
        try SignalEvent(loop: self, signal: signal, handler: handler)
    }
}

private func signalCallback(fd: Int32, what: Int16, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let signalEvent = Unmanaged<SignalEvent>.fromOpaque(context).takeUnretainedValue()
    signalEvent.fire()
}
