import DNSWire

/// An RRSIG's validity window, read in RFC 1982 serial-number arithmetic as RFC 4034 §3.1.5 requires: the
/// 32-bit times wrap in 2106, and "later" means "less than 2^31 seconds ahead".
public struct ValidityWindow: Hashable, Sendable {
    public var inception: UInt32
    public var expiration: UInt32

    public init(inception: UInt32, expiration: UInt32) {
        self.inception = inception
        self.expiration = expiration
    }

    public init(_ rrsig: RRSIG) {
        self.init(inception: rrsig.inception, expiration: rrsig.expiration)
    }

    /// Where `now` falls relative to the window.
    public enum Position: Hashable, Sendable {
        case valid
        case notYetValid
        case expired
        /// Expiration precedes inception: no moment is inside (RFC 8914 §4.26, EDE 25).
        case expiredBeforeValid
    }

    /// RFC 4035 §5.3.1: inception ≤ now ≤ expiration, each end widened by `skew` (RFC 1982 comparisons).
    /// `now` is wall-clock seconds since the epoch; only its low 32 bits matter, as on the wire.
    public func position(at now: Int64, skew: SignatureSkew) -> Position {
        let period = ValidityWindow.serialDistance(from: inception, to: expiration)
        guard period >= 0 else { return .expiredBeforeValid }
        let slack = Int64(skew.seconds(forPeriod: UInt32(period)))
        let clock = UInt32(truncatingIfNeeded: now)
        if ValidityWindow.serialDistance(from: clock, to: inception) > slack { return .notYetValid }
        if ValidityWindow.serialDistance(from: clock, to: expiration) < -slack { return .expired }
        return .valid
    }

    /// Seconds from `now` until expiration (no skew), zero once it has passed: the RFC 4035 §5.3.3 TTL bound.
    public func secondsRemaining(at now: Int64) -> UInt32 {
        let left = ValidityWindow.serialDistance(from: UInt32(truncatingIfNeeded: now), to: expiration)
        return left > 0 ? UInt32(left) : 0
    }

    /// RFC 1982 §3.2 for 32-bit serials: how far `b` lies after `a`, in −(2^31 − 1)…2^31 − 1. The one
    /// undefined case, a distance of exactly 2^31, is read as far in the past (never as valid).
    public static func serialDistance(from a: UInt32, to b: UInt32) -> Int64 {
        let difference = Int32(bitPattern: b &- a)
        return difference == Int32.min ? Int64(Int32.min) : Int64(difference)
    }
}
