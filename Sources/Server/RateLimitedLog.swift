import EventIO

/// At most one log line per `interval` for a condition that may recur thousands of times a second (running out
/// of descriptors, a socket cap reached): the first occurrence is told at once, later ones are counted and the
/// count goes with the next line told.
struct RateLimitedLog {
    let interval: UInt64
    private var lastToldAt: UInt64?
    private var untold = 0

    /// `interval` in nanoseconds of the monotonic clock.
    init(interval: Duration) {
        let (seconds, attoseconds) = interval.components
        self.interval = UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }

    /// Whether to tell this occurrence now (at monotonic `now`), and how many went untold since the last line.
    mutating func occurred(at now: UInt64) -> (tell: Bool, untold: Int) {
        if let lastToldAt, now >= lastToldAt, now - lastToldAt < interval {
            untold += 1
            return (false, 0)
        }
        let skipped = untold
        lastToldAt = now
        untold = 0
        return (true, skipped)
    }
}
