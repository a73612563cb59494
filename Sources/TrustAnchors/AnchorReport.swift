import DNSWire

/// What `anchord anchors` prints and a `trustanchor.` CH TXT query answers: one line per key of every anchor,
/// managed (with its RFC 5011 state, since when, the hold-down left and the last successful refresh) or static.
public struct AnchorReport: Sendable {
    public struct Row: Sendable, Hashable {
        public var zone: Name
        public var keyTag: UInt16
        public var algorithm: DNSSECAlgorithm
        /// The RFC 5011 state, or "STATIC" for a key of a static anchor.
        public var state: String
        public var since: Int64?
        /// Seconds until the add hold-down (ADDPEND) or remove hold-down (REVOKED) ends.
        public var holdDownRemaining: Int64?
        public var lastSuccess: Int64?
        public var managed: Bool
    }

    public var rows: [Row]
    /// Why a managed anchor cannot be used, by zone.
    public var problems: [Name: String]

    /// The rows for `managed` anchors and the other anchors of `store` (static ones), zones in canonical order.
    public init(managed: [ManagedAnchor], store: TrustAnchorStore, problems: [Name: String] = [:], timers: HoldDowns, now: Int64) {
        var rows: [Row] = []
        let managedZones = Set(managed.map(\.zone))
        for anchor in managed.sorted(by: { $0.zone < $1.zone }) {
            for key in anchor.keys {
                var remaining: Int64?
                switch key.state {
                case .addPend: remaining = max(0, (key.firstSeen ?? key.since) + timers.addHoldDown - now)
                case .revoked: remaining = max(0, key.since + timers.delHoldDown - now)
                default: remaining = nil
                }
                rows.append(Row(zone: anchor.zone, keyTag: key.keyTag, algorithm: key.algorithm, state: key.state.label,
                                since: key.since, holdDownRemaining: remaining, lastSuccess: anchor.lastSuccess, managed: true))
            }
        }
        for zone in store.anchors.keys.sorted() where !managedZones.contains(zone) {
            for key in store.anchors[zone]?.keys ?? [] {
                rows.append(Row(zone: zone, keyTag: key.keyTag, algorithm: key.algorithm, state: "STATIC",
                                since: nil, holdDownRemaining: nil, lastSuccess: nil, managed: false))
            }
        }
        self.rows = rows
        self.problems = problems
    }

    /// One line per key: `. 38696 RSASHA256 ADDPEND since 2026-12-04T21:00:00Z holddown-remaining 2591990s
    /// last-refresh 2026-12-04T21:00:00Z`; a line per unusable anchor after them.
    public var lines: [String] {
        var lines = rows.map { row -> String in
            var line = "\(row.zone.text) \(row.keyTag) \(row.algorithm) \(row.state)"
            if let since = row.since { line += " since \(UTCTime.text(since))" }
            if let remaining = row.holdDownRemaining { line += " holddown-remaining \(remaining)s" }
            if row.managed { line += " last-refresh " + (row.lastSuccess.map(UTCTime.text) ?? "never") }
            return line
        }
        for zone in problems.keys.sorted() {
            if let problem = problems[zone] { lines.append("\(zone.text) PROBLEM \(problem)") }
        }
        return lines
    }
}

