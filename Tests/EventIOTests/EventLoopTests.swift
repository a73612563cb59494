import EventIO
import Foundation
import Testing

@Suite("EventLoop: running, stopping, clocks and signals")
struct EventLoopTests {
    @Test func stopFromACallbackEndsRun() throws {
        let loop = try EventLoop()
        var fired = false
        let timer = try EventTimer(loop: loop) {
            fired = true
            loop.stop()
        }
        timer.schedule(after: .milliseconds(10))
        let guardFired = try runLoop(loop, keepingAlive: timer)
        #expect(fired)
        #expect(!guardFired)
    }

    @Test func stopBeforeRunMakesRunReturnAtOnce() throws {
        let loop = try EventLoop()
        loop.stop()
        let start = EventLoop.monotonicNanoseconds()
        let guardFired = try runLoop(loop)
        #expect(!guardFired)
        #expect(EventLoop.monotonicNanoseconds() - start < 500_000_000)
    }

    @Test func aStopHandleStopsTheLoopFromAnotherThread() throws {
        let loop = try EventLoop()
        let handle = try loop.makeStopHandle()
        #expect(try loop.makeStopHandle() === handle)
        Thread.detachNewThread {
            usleep(50_000)
            handle.stop()
        }
        let start = EventLoop.monotonicNanoseconds()
        let guardFired = try runLoop(loop)
        #expect(!guardFired)
        #expect(EventLoop.monotonicNanoseconds() - start >= 40_000_000)
    }

    @Test func runReturnsWhenNoEventIsLeft() throws {
        let loop = try EventLoop()
        var fired = false
        let timer = try EventTimer(loop: loop) { fired = true }
        timer.schedule(after: .milliseconds(5))
        try withExtendedLifetime(timer) { try loop.run() }
        #expect(fired)
    }

    @Test func theMonotonicClockMovesForwardAndTheWallClockIsTheRealTime() throws {
        let loop = try EventLoop()
        let first = loop.now
        usleep(2_000)
        let second = loop.now
        #expect(second > first)
        #expect(second - first >= 2_000_000)
        let wall = EventLoop.wallClockSeconds()
        #expect(abs(wall - Int64(time(nil))) <= 1)
        #expect(!loop.backendMethod.isEmpty)
    }

    @Test func aSignalEventRunsItsClosureOnTheLoop() throws {
        let loop = try EventLoop()
        var hangups = 0
        let hangup = try loop.onSignal(SIGHUP) {
            hangups += 1
            if hangups == 2 { loop.stop() }
        }
        let raiser = try EventTimer(loop: loop) { raise(SIGHUP) }
        raiser.scheduleRepeating(every: .milliseconds(20))
        let guardFired = try runLoop(loop, keepingAlive: hangup, raiser)
        #expect(!guardFired)
        #expect(hangups == 2)
        #expect(hangup.signal == SIGHUP)
    }
}

@Suite("EventTimer: one-shot, repeating, cancelled")
struct TimerTests {
    @Test func aOneShotTimerFiresOnce() throws {
        let loop = try EventLoop()
        var fires = 0
        let timer = try EventTimer(loop: loop) { fires += 1 }
        timer.schedule(after: .milliseconds(10))
        #expect(timer.isScheduled)
        try runLoop(loop, keepingAlive: timer, try stopper(loop, after: .milliseconds(150)))
        #expect(fires == 1)
        #expect(!timer.isScheduled)
    }

    @Test func aRepeatingTimerFiresUntilCancelled() throws {
        let loop = try EventLoop()
        var fires = 0
        var repeating: EventTimer?
        repeating = try EventTimer(loop: loop) {
            fires += 1
            if fires == 5 { repeating?.cancel() }
        }
        repeating?.scheduleRepeating(every: .milliseconds(5))
        try runLoop(loop, keepingAlive: try stopper(loop, after: .milliseconds(200)))
        #expect(fires == 5)
        #expect(repeating?.isScheduled == false)
        repeating = nil
    }

    @Test func aCancelledTimerDoesNotFire() throws {
        let loop = try EventLoop()
        var fired = false
        let timer = try EventTimer(loop: loop) { fired = true }
        timer.schedule(after: .milliseconds(20))
        timer.cancel()
        try runLoop(loop, keepingAlive: timer, try stopper(loop, after: .milliseconds(100)))
        #expect(!fired)
    }

    @Test func reschedulingReplacesTheEarlierScheduleAndMayTurnARepeatingTimerIntoAOneShot() throws {
        let loop = try EventLoop()
        var fireTimes: [UInt64] = []
        let start = loop.now
        let timer = try EventTimer(loop: loop) { fireTimes.append(loop.now - start) }
        timer.scheduleRepeating(every: .milliseconds(5))
        timer.schedule(after: .milliseconds(60))
        try runLoop(loop, keepingAlive: timer, try stopper(loop, after: .milliseconds(200)))
        #expect(fireTimes.count == 1)
        #expect((fireTimes.first ?? 0) >= 50_000_000)
    }

    @Test func droppingATimerCancelsIt() throws {
        let loop = try EventLoop()
        var fired = false
        var timer: EventTimer? = try EventTimer(loop: loop) { fired = true }
        timer?.schedule(after: .milliseconds(10))
        timer = nil
        try runLoop(loop, keepingAlive: try stopper(loop, after: .milliseconds(80)))
        #expect(!fired)
    }

    @Test func aTimerMayDropItsLastReferenceFromItsOwnHandler() throws {
        let loop = try EventLoop()
        var fires = 0
        var timer: EventTimer?
        timer = try EventTimer(loop: loop) {
            fires += 1
            timer = nil
        }
        timer?.scheduleRepeating(every: .milliseconds(5))
        try runLoop(loop, keepingAlive: try stopper(loop, after: .milliseconds(80)))
        #expect(fires == 1)
    }
}
