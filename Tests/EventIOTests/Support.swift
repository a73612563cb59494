import EventIO
import Testing

/// Runs `loop` until the test stops it, or until a guard timer stops it after `limit`, keeping `objects` (timers,
/// sockets, signal events the test made) alive until then. Returns true when the guard had to stop the loop:
/// the test's own stop never came.
@discardableResult
func runLoop(_ loop: EventLoop, limit: Duration = .seconds(2), keepingAlive objects: AnyObject...) throws -> Bool {
    var guardFired = false
    let guardTimer = try EventTimer(loop: loop) {
        guardFired = true
        loop.stop()
    }
    guardTimer.schedule(after: limit)
    try withExtendedLifetime(objects) { try loop.run() }
    guardTimer.cancel()
    return guardFired
}

/// A timer that stops `loop` after `delay`; pass it to `runLoop(keepingAlive:)`.
func stopper(_ loop: EventLoop, after delay: Duration) throws -> EventTimer {
    let timer = try EventTimer(loop: loop) { loop.stop() }
    timer.schedule(after: delay)
    return timer
}

/// 127.0.0.1 with a port (0: let the kernel choose).
func loopbackV4(port: UInt16 = 0) throws -> SocketAddress {
    try #require(SocketAddress(ipAddress: "127.0.0.1", port: port))
}

/// ::1 with a port (0: let the kernel choose).
func loopbackV6(port: UInt16 = 0) throws -> SocketAddress {
    try #require(SocketAddress(ipAddress: "::1", port: port))
}

/// `count` bytes of a repeating pattern that starts at `seed`, so misordered or lost bytes show.
func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var value = UInt8(truncatingIfNeeded: seed)
    for index in bytes.indices {
        bytes[index] = value
        value &+= 31
    }
    return bytes
}

/// `payload` behind a 2-byte big-endian length, as DNS over TCP frames messages (RFC 1035 §4.2.2).
func framed(_ payload: [UInt8]) -> [UInt8] {
    [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
}

/// Takes every whole frame out of `connection`'s input buffer, leaving a partial one for later.
func takeFrames(from connection: TCPConnection) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    while let prefix = connection.peekBytes(2) {
        let length = Int(prefix[0]) << 8 | Int(prefix[1])
        guard connection.availableByteCount >= 2 + length, let frame = connection.readBytes(2 + length) else { break }
        frames.append(Array(frame.dropFirst(2)))
    }
    return frames
}
