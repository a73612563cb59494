internal import CLibevent
import Glibc

/// A socket descriptor and the persistent read event that watches it, owned together: the part `UDPSocket` and
/// `TCPListener` share. The owner sets `onReadable` (capturing itself `unowned`: it owns this object) and turns
/// watching on and off.
final class WatchedDescriptor {
    /// The owned descriptor; closed in `close()` or `deinit`, -1 after `close()`.
    private(set) var fd: Int32
    /// The owned read event; freed in `close()` or `deinit`, nil after `close()`.
    private var event: OpaquePointer?
    /// Whether the owner wants to hear of readability (`suspend()` pauses the event without changing this).
    private(set) var isWatching = false
    var onReadable: () -> Void = {}

    init(loop: EventLoop, descriptor: consuming Descriptor) throws(IOError) {
        fd = descriptor.release()
        // The context is unretained: the event is freed in close() or deinit, so it never outlives `self`.
        let context = Unmanaged.passUnretained(self).toOpaque()
        event = event_new(loop.base, fd, Int16(EV_READ | EV_PERSIST), watchedDescriptorCallback, context)
        if event == nil { throw IOError(.createEvent, code: ENOMEM) }
    }

    deinit {
        if let event { event_free(event) }
        if fd >= 0 { Glibc.close(fd) }
    }

    var isClosed: Bool { fd < 0 }

    /// Starts or stops calling `onReadable` when the descriptor is readable.
    func watch(_ wanted: Bool) {
        guard let event, wanted != isWatching else { return }
        if wanted { event_add(event, nil) } else { event_del(event) }
        isWatching = wanted
    }

    /// Stops the event for now, keeping `isWatching`; `resume()` starts it again if still wanted.
    func suspend() {
        if let event { event_del(event) }
    }

    func resume() {
        if let event, isWatching { event_add(event, nil) }
    }

    /// Frees the event, closes the descriptor and drops `onReadable`.
    func close() {
        guard let event else { return }
        event_free(event)
        self.event = nil
        isWatching = false
        Glibc.close(fd)
        fd = -1
        onReadable = {}
    }

    fileprivate func readable() {
        onReadable()
    }
}

private func watchedDescriptorCallback(fd: Int32, what: Int16, context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    // This strong local keeps the watcher alive through the call, and the owner's `unowned self` load in
    // `onReadable` holds the owner for its handler's duration, so a handler may drop the last outside reference.
    let watched = Unmanaged<WatchedDescriptor>.fromOpaque(context).takeUnretainedValue()
    watched.readable()
}
