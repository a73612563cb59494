/// The resolver's source of randomness: query IDs, 0x20 case bits, server choice among equals.
///
/// Production uses the system generator (getrandom), so IDs cannot be predicted; tests use a seeded
/// SplitMix64 so a scenario replays identically.
public struct ResolverRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private let seeded: Bool

    /// Unpredictable values from the operating system.
    public static var system: ResolverRandom { ResolverRandom(state: 0, seeded: false) }

    /// A repeatable sequence for tests.
    public static func seeded(_ seed: UInt64) -> ResolverRandom { ResolverRandom(state: seed, seeded: true) }

    private init(state: UInt64, seeded: Bool) {
        self.state = state
        self.seeded = seeded
    }

    public mutating func next() -> UInt64 {
        guard seeded else {
            var system = SystemRandomNumberGenerator()
            return system.next()
        }
        // SplitMix64 (Steele, Lea, Flood 2014).
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
