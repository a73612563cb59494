/// The refresh timers of RFC 5011 §2.3.
extension ManagedAnchor {
    static let fifteenDays: Int64 = 1_296_000
    static let oneDay: Int64 = 86_400

    /// RFC 5011 §2.3's active refresh: max(floor, min(15 days, ½ original TTL, ½ the remaining signature
    /// validity)), from the last accepted DNSKEY RRset; the floor when nothing is known.
    public func activeRefreshInterval(timers: HoldDowns, now: Int64) -> Int64 {
        timer(cap: ManagedAnchor.fifteenDays, divisor: 2, timers: timers, now: now)
    }

    /// RFC 5011 §2.3's retry after a failed refresh: max(floor, min(1 day, 0.1 × original TTL, 0.1 × the
    /// remaining signature validity)), from the last known TTL and expiry; the floor when neither is known.
    public func retryInterval(timers: HoldDowns, now: Int64) -> Int64 {
        timer(cap: ManagedAnchor.oneDay, divisor: 10, timers: timers, now: now)
    }

    private func timer(cap: Int64, divisor: Int64, timers: HoldDowns, now: Int64) -> Int64 {
        guard originalTTL != nil || signatureExpiration != nil else { return timers.timerFloor }
        var interval = cap
        if let originalTTL { interval = min(interval, Int64(originalTTL) / divisor) }
        if let signatureExpiration { interval = min(interval, max(0, signatureExpiration - now) / divisor) }
        return max(timers.timerFloor, interval)
    }

    /// The moments a hold-down ends after `now`: an ADDPEND key's add hold-down, a REVOKED key's remove hold-down.
    public func holdDownEnds(timers: HoldDowns, now: Int64) -> [Int64] {
        keys.compactMap { key -> Int64? in
            switch key.state {
            case .addPend: (key.firstSeen ?? key.since) + timers.addHoldDown
            case .revoked: key.since + timers.delHoldDown
            default: nil
            }
        }.filter { $0 > now }
    }

    /// nextRefresh = the refresh after `interval`, or a hold-down's end if sooner; never before now + 1.
    mutating func schedule(after interval: Int64, timers: HoldDowns, now: Int64) {
        let soonest = ([now + interval] + holdDownEnds(timers: timers, now: now)).min() ?? now + interval
        nextRefresh = max(now + 1, soonest)
    }
}
