import Synchronization
import Testing

@testable import SwiftVirtSystem

@Suite struct AsyncJobLockTests {
    /// Holds the lock until `open()`, so waiters can be queued in a known order behind it.
    final class Gate: Sendable {
        private let opened = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let isOpen = Mutex(false)
        func wait() async {
            await withCheckedContinuation { c in
                let now = isOpen.withLock { open in open }
                if now { c.resume() } else { opened.withLock { $0 = c } }
            }
        }
        func open() {
            isOpen.withLock { $0 = true }
            opened.withLock { c in
                c?.resume()
                c = nil
            }
        }
    }

    final class Log: Sendable {
        private let entries = Mutex<[Int]>([])
        func append(_ i: Int) { entries.withLock { $0.append(i) } }
        var all: [Int] { entries.withLock { $0 } }
    }

    struct Failure: Error {}

    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(2)) }
        #expect(condition())
    }

    /// Holds the lock in a task until the gate opens; returns once it is held.
    static func holder(_ lock: AsyncJobLock, _ gate: Gate) async throws -> Task<Void, any Error> {
        let held = Gate()
        let task = Task {
            try await lock.run {
                held.open()
                await gate.wait()
            }
        }
        await held.wait()
        return task
    }

    @Test func waitersRunInArrivalOrder() async throws {
        let lock = AsyncJobLock()
        let gate = Gate()
        let log = Log()
        let first = try await Self.holder(lock, gate)
        var tasks: [Task<Void, any Error>] = []
        for i in 1...8 {
            tasks.append(Task { try await lock.run { log.append(i) } })
            // Queue the next one only once this one waits, so arrival order is known.
            try await Self.waitUntil { lock.waitingCount == i }
        }
        gate.open()
        try await first.value
        for task in tasks { try await task.value }
        #expect(log.all == Array(1...8))
    }

    /// The lock passes straight to the first waiter: the releasing task asking again right away queues behind it
    /// (a lock that is merely freed and re-checked by the woken waiter lets it barge in first).
    @Test func aNewcomerDoesNotOvertakeAWaiter() async throws {
        let lock = AsyncJobLock()
        let gate = Gate()
        let log = Log()
        let held = Gate()
        let holder = Task {
            try await lock.run {
                held.open()
                await gate.wait()
            }
            try await lock.run { log.append(0) }
        }
        await held.wait()
        let waiter = Task { try await lock.run { log.append(1) } }
        try await Self.waitUntil { lock.waitingCount == 1 }
        gate.open()
        try await holder.value
        try await waiter.value
        #expect(log.all == [1, 0])
    }

    @Test func aCancelledWaiterLeavesTheQueueAndTheLockStillWorks() async throws {
        let lock = AsyncJobLock()
        let gate = Gate()
        let log = Log()
        let first = try await Self.holder(lock, gate)
        let cancelled = Task { try await lock.run { log.append(1) } }
        try await Self.waitUntil { lock.waitingCount == 1 }
        let next = Task { try await lock.run { log.append(2) } }
        try await Self.waitUntil { lock.waitingCount == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(lock.waitingCount == 1)
        gate.open()
        try await first.value
        try await next.value
        try await lock.run { log.append(3) }
        #expect(log.all == [2, 3])
    }

    @Test func aTaskCancelledBeforeItAsksNeverRunsItsBody() async throws {
        let lock = AsyncJobLock()
        let gate = Gate()
        let log = Log()
        let first = try await Self.holder(lock, gate)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await lock.run { log.append(1) }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        gate.open()
        try await first.value
        try await lock.run { log.append(2) }
        #expect(log.all == [2])
    }

    @Test func aThrowingBodyReleasesTheLock() async throws {
        let lock = AsyncJobLock()
        await #expect(throws: Failure.self) { try await lock.run { throw Failure() } }
        // A waiter queued behind a failing job gets the lock too.
        let gate = Gate()
        let holder = Task {
            try await lock.run {
                await gate.wait()
                throw Failure()
            }
        }
        try await Self.waitUntil { lock.waitingCount == 0 }
        let waiter = Task { try await lock.run { 42 } }
        try await Self.waitUntil { lock.waitingCount == 1 }
        gate.open()
        await #expect(throws: Failure.self) { try await holder.value }
        #expect(try await waiter.value == 42)
    }

    @Test func anActorsBodyRunsOnTheActor() async throws {
        actor Counter {
            let lock = AsyncJobLock()
            var value = 0
            func bump() async throws -> Int {
                try await lock.run {
                    value += 1  // actor state, no hop: the body runs in the actor's isolation
                    try await Task.sleep(for: .milliseconds(1))
                    return value
                }
            }
        }
        let counter = Counter()
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await counter.bump() } }
            var seen: Set<Int> = []
            for try await v in group { seen.insert(v) }
            #expect(seen == Set(1...20))
        }
    }
}
