import Logging
import ResolverCore
import Server
import TrustAnchors

/// The trust anchors of one `anchord serve`: the shared board every worker validates from, and for managed
/// anchors the RFC 5011 manager (run by worker 0) with the locked state directory it saves to.
struct AnchorSetup {
    let board: AnchorBoard
    let manager: AnchorManager?
    let directory: AnchorStateDirectory?

    /// Load the managed anchors' state (or their initial keys) and take the state directory. Throws, with the
    /// path and the fix, when the directory cannot be used or a state file is not valid.
    static func prepare(_ settings: ServerSettings, logger: Logger, now: Int64) throws -> AnchorSetup {
        let timers = settings.holdDowns
        guard settings.validation, !settings.managedAnchors.isEmpty else {
            return AnchorSetup(board: AnchorBoard(store: settings.trustAnchors, timers: timers), manager: nil, directory: nil)
        }
        if timers.belowRFC {
            let warning = ("RFC 5011 hold-downs below the RFC's 30 days (add-holddown \(timers.addHoldDown) s, del-holddown "
                + "\(timers.delHoldDown) s, keep-missing \(timers.keepMissing) s): a forged key could become trusted that soon; "
                + "use this for test labs only")
            logger.warning("\(warning)")
        }
        let path = settings.anchorStateDirectory
        if settings.anchorReadOnly {
            var anchors: [ManagedAnchor] = []
            for initial in settings.managedAnchors {
                anchors.append(try AnchorStateDirectory.load(zone: initial.zone, directory: path) ?? ManagedAnchor(initial: initial, now: now))
            }
            let warning = ("trust-anchor-read-only: yes — the anchors for \(anchors.map(\.zone.text).joined(separator: ", ")) are used "
                + "as they are and not updated (RFC 5011 is off): a key roll of those zones will not be followed")
            logger.warning("\(warning)")
            return AnchorSetup(board: AnchorBoard(store: settings.trustAnchors, managed: anchors, timers: timers),
                               manager: nil, directory: nil)
        }
        let directory = try AnchorStateDirectory(path: path)
        var anchors: [ManagedAnchor] = []
        for initial in settings.managedAnchors {
            let anchor: ManagedAnchor
            if let saved = try AnchorStateDirectory.load(zone: initial.zone, directory: path) {
                anchor = saved
                logger.info("trust anchor for \(initial.zone): RFC 5011 state from \(directory.filePath(for: initial.zone))")
            } else {
                anchor = ManagedAnchor(initial: initial, now: now)
                try directory.save(anchor, now: now)
                let tags = anchor.keys.map { String($0.keyTag) }.joined(separator: ", ")
                logger.notice("trust anchor for \(initial.zone): starting RFC 5011 tracking from the initial keys \(tags); state in \(directory.filePath(for: initial.zone))")
            }
            anchors.append(anchor)
        }
        let board = AnchorBoard(store: settings.trustAnchors, managed: anchors, timers: timers)
        let manager = AnchorManager(anchors: anchors, timers: timers, signaling: settings.trustAnchorSignaling, board: board, now: now)
        return AnchorSetup(board: board, manager: manager, directory: directory)
    }
}

extension Logger {
    /// Write a line the resolver core chose.
    func log(_ entry: LogEntry) {
        switch entry.level {
        case .info: info("\(entry.message)")
        case .notice: notice("\(entry.message)")
        case .warning: warning("\(entry.message)")
        case .error: error("\(entry.message)")
        }
    }
}
