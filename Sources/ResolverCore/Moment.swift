/// The two clocks the core is told about, read once by the caller per event.
///
/// `wall` (seconds since the Unix epoch, from CLOCK_REALTIME) drives TTLs, signature validity and RFC 5011
/// timers, so tests and `faketime` control it. `monotonic` (nanoseconds from an arbitrary origin, from
/// CLOCK_MONOTONIC) drives timeouts, RTTs and backoff, which must not jump when the wall clock is set.
public struct Moment: Sendable, Equatable {
    public var wall: Int64
    public var monotonic: UInt64

    public init(wall: Int64, monotonic: UInt64) {
        self.wall = wall
        self.monotonic = monotonic
    }

    /// Milliseconds on the monotonic clock.
    public var milliseconds: UInt64 { monotonic / 1_000_000 }

    /// This moment advanced by `milliseconds` on both clocks.
    public func adding(milliseconds: UInt64) -> Moment {
        Moment(wall: wall + Int64(milliseconds / 1000), monotonic: monotonic + milliseconds * 1_000_000)
    }
}
