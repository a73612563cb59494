import DNSSEC
import DNSWire
import Synchronization
import TrustAnchors

/// The trust anchors every worker validates from, shared by all of them: static anchors from configuration and
/// the managed (RFC 5011) ones as the anchor manager last left them, with their health.
///
/// One worker's resolver owns the `AnchorManager` and posts each change here; every worker's `Validator` reads
/// from here, so a key that becomes trusted (or revoked) counts on all threads at once. A value snapshot behind
/// a lock, read once per validation: no I/O, no clock.
public final class AnchorBoard: Sendable {
    /// What the validators see.
    public struct Snapshot: Sendable {
        /// Static anchors, managed anchors' trusted keys, negative anchors.
        public var store: TrustAnchorStore
        /// The managed anchors, by zone, with their key states.
        public var managed: [Name: ManagedAnchor]
        /// Why a managed anchor cannot be used now (stale, or no trusted key signs); absent when it can.
        public var problems: [Name: String]
        /// The hold-downs the managed anchors run with.
        public var timers: HoldDowns

        /// The facts `trustanchor.` CH TXT and `anchord anchors` give.
        public func report(now: Int64) -> AnchorReport {
            AnchorReport(managed: Array(managed.values), store: store, problems: problems, timers: timers, now: now)
        }
    }

    private let state: Mutex<Snapshot>

    /// A board with `store` (static anchors and negative anchors) and `managed` anchors, whose trusted keys
    /// join the store.
    public init(store: TrustAnchorStore, managed: [ManagedAnchor] = [], timers: HoldDowns = HoldDowns()) {
        var snapshot = Snapshot(store: store, managed: [:], problems: [:], timers: timers)
        for anchor in managed {
            snapshot.managed[anchor.zone] = anchor
            snapshot.store.replace(anchor.trustedAnchor)
        }
        state = Mutex(snapshot)
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Post a managed anchor's new state and whether it can be used (`problem` nil) or not.
    public func post(_ anchor: ManagedAnchor, problem: String?) {
        state.withLock { snapshot in
            snapshot.managed[anchor.zone] = anchor
            snapshot.store.replace(anchor.trustedAnchor)
            snapshot.problems[anchor.zone] = problem
        }
    }

    /// The keys validation of `name` starts from (nil: unanchored or under a negative anchor). A managed anchor
    /// with a problem yields no keys but the problem, so that names below it are bogus, never unvalidated.
    public func keys(for name: Name) -> AnchorKeys? {
        state.withLock { snapshot in
            guard case let .anchor(anchor) = snapshot.store.lookup(name) else { return nil }
            if let problem = snapshot.problems[anchor.zone] {
                return AnchorKeys(zone: anchor.zone, problem: ValidationReason(.dnskeyMissing, "trust anchor for \(anchor.zone): \(problem)"))
            }
            return AnchorKeys(zone: anchor.zone, ds: anchor.dsRecords, dnskeys: anchor.dnskeyRecords)
        }
    }
}
