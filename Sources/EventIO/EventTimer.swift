internal import CLibevent
import Glibc

/// A one-shot or repeating timer on an `EventLoop`, backed by one libevent timeout event.
///
/// Named `EventTimer`, not `Timer`, so files that also import Foundation need not qualify it.
///
/// Cost: the `event` is allocated once, in `init`, and reused by every `schedule`, so re-arming a timer (one per
/// upstream query, re-armed on each retry) allocates nothing. libevent keeps pending timeouts in a min-heap:
/// adding or cancelling one is O(log n) without allocation, which is cheap enough for thousands of queries in
/// flight; a timer wheel would only pay off far beyond that.
///
/// The timer fires only while you hold it: dropping the last reference frees the event and cancels it. The
/// handler runs on the loop's thread. Do not capture the timer strongly in its own handler (that is a cycle);
/// capture it `weak` or `unowned`.
public final class EventTimer {
    let loop: EventLoop
    /// The owned libevent event; freed in `deinit`.
    private let event: OpaquePointer
    private let handler: () -> Void
    private var isRepeating = false

    /// Makes a timer that is not yet scheduled.
    public init(loop: EventLoop, handler: @escaping () -> Void) throws(IOError) {
        self.loop = loop
        self.handler = handler
        // The context is unretained: the event is freed in this object's deinit, so it never outlives `self`.
        guard let event = event_new(loop.base, -1, 0, timerCallback, nil) else {
            throw IOError(.createEvent, code: ENOMEM)
        }
        self.event = event
        assign(repeating: false)
    }

    deinit {
        event_free(event)
    }

    /// Fires the handler once, `delay` from now; replaces any earlier schedule.
    public func schedule(after delay: Duration) {
        arm(repeating: false, interval: delay)
    }

    /// Fires the handler every `interval` until cancelled; replaces any earlier schedule.
    public func scheduleRepeating(every interval: Duration) {
        arm(repeating: true, interval: interval)
    }

    /// Unschedules the timer; its handler will not run until it is scheduled again.
    public func cancel() {
        event_del(event)
    }

    /// Whether the timer is waiting to fire.
    public var isScheduled: Bool {
        event_pending(event, Int16(EV_TIMEOUT), nil) != 0
    }

    private func arm(repeating: Bool, interval: Duration) {
        event_del(event)
        if repeating != isRepeating { assign(repeating: repeating) }
        var time = interval.timeValue
        event_add(event, &time)
    }

    /// (Re)initialises the event; libevent allows this only while the event is not pending.
    private func assign(repeating: Bool) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        event_assign(event, loop.base, -1, repeating ? Int16(EV_PERSIST) : 0, timerCallback, context)
        isRepeating = repeating
    }

    fileprivate func fire() {
        handler()
    }
}

private func timerCallback(fd: Int32, what: Int16, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    // A strong local reference keeps the timer alive while its handler runs, even if the handler drops the
    // last outside reference; it is then freed after this callback returns, which libevent allows.
    let timer = Unmanaged<EventTimer>.fromOpaque(context).takeUnretainedValue()
    timer.fire()
}

extension Duration {
    /// This duration as a `timeval`, rounded down to microseconds; negative durations become zero.
    var timeValue: timeval {
        let (seconds, attoseconds) = components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return timeval(tv_sec: 0, tv_usec: 0) }
        return timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
