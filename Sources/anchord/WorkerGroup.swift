import EventIO
import Foundation
import Glibc
import Logging
import ResolverCore
import Server

/// The resolver's worker threads: one event loop, resolver and cache each. The first runs on the main thread
/// and also handles the signals; the others run on threads of their own and share nothing with it but the
/// listening ports (SO_REUSEPORT) and a mailbox for reloaded settings.
final class WorkerGroup: @unchecked Sendable {
    // @unchecked: `mailbox` is guarded by `lock`; everything else is written before the threads start.
    private let count: Int
    private let settings: ServerSettings
    private let anchors: AnchorSetup
    private let logger: Logger
    private let lock = NSLock()
    private var mailbox: (generation: Int, settings: ServerSettings?) = (0, nil)
    private var stopHandles: [LoopStopHandle] = []
    private var failures: [String] = []

    init(count: Int, settings: ServerSettings, anchors: AnchorSetup, logger: Logger) {
        self.count = count
        self.settings = settings
        self.anchors = anchors
        self.logger = logger
    }

    /// Run until SIGTERM or SIGINT. `reload` is called on SIGHUP and returns the new settings (nil: keep).
    func run(reload: @escaping () -> ServerSettings?) throws {
        // Several workers share their addresses through SO_REUSEPORT, which would let a second process share
        // them too, silently: make sure nobody serves them yet.
        if settings.reusePort { try ResolverServer.checkAddressesFree(settings) }
        let loop = try EventLoop()
        // Worker 0 runs the RFC 5011 refreshes for every worker; all of them validate from the shared board.
        let server = try ResolverServer(loop: loop, settings: settings, board: anchors.board, anchorManager: anchors.manager,
                                        anchorState: anchors.directory)
        server.log = { [logger] entry in logger.log(entry) }
        for address in server.listeningAddresses { logger.notice("listening on \(address) (UDP and TCP)") }
        logger.info("limits per worker: \(server.limitsSummary)")

        var threads: [Thread] = []
        let started = DispatchSemaphore(value: 0)
        for index in 1..<count {
            let thread = Thread { [self] in self.runWorker(index, started: started) }
            thread.name = "anchord-worker-\(index)"
            thread.start()
            threads.append(thread)
            started.wait()
        }
        lock.lock()
        let problems = failures
        lock.unlock()
        if let problem = problems.first {
            stopOthers()
            throw SettingsError(problem)
        }

        let stop: () -> Void = { [self] in
            logger.notice("stopping on signal")
            stopOthers()
            loop.stop()
        }
        let signals = [
            try loop.onSignal(SIGTERM, handler: stop),
            try loop.onSignal(SIGINT, handler: stop),
            try loop.onSignal(SIGHUP) { [self] in
                guard let fresh = reload() else { return }
                server.reload(fresh)
                lock.lock()
                mailbox = (mailbox.generation + 1, fresh)
                lock.unlock()
            },
        ]
        server.start()
        // The signal events must live while the loop runs (the optimiser may end an unused value's life early).
        try withExtendedLifetime(signals) { try loop.run() }
        server.shutdown()
        logger.info("worker 0 clients: \(keyValues(server.counters))")
        logger.info("worker 0 TCP listeners: \(server.listenerSummary)")
        logger.info("worker 0 resolver: \(server.statisticsSummary)")
    }

    private func runWorker(_ index: Int, started: DispatchSemaphore) {
        do {
            let loop = try EventLoop()
            let server = try ResolverServer(loop: loop, settings: settings, board: anchors.board)
            server.log = { [logger] entry in logger.log(entry) }
            let handle = try loop.makeStopHandle()
            lock.lock()
            stopHandles.append(handle)
            lock.unlock()
            var seen = 0
            let poll = try EventTimer(loop: loop) { [self] in
                lock.lock()
                let (generation, fresh) = mailbox
                lock.unlock()
                if generation != seen, let fresh {
                    seen = generation
                    server.reload(fresh)
                }
            }
            poll.scheduleRepeating(every: .seconds(1))
            started.signal()
            try withExtendedLifetime(poll) { try loop.run() }
            server.shutdown()
        } catch {
            lock.lock()
            failures.append("worker \(index): \(error)")
            lock.unlock()
            started.signal()
        }
    }

    private func stopOthers() {
        lock.lock()
        let handles = stopHandles
        lock.unlock()
        for handle in handles { handle.stop() }
    }
}

/// A counters value as `name=value` pairs in declaration order, for the stop log: `udpQueries=4 tcpQueries=0 …`.
func keyValues(_ value: Any) -> String {
    Mirror(reflecting: value).children.map { "\($0.label ?? "?")=\($0.value)" }.joined(separator: " ")
}
