import NIOCore
import Synchronization

/// A fair asynchronous lock: jobs run one at a time, in the order they asked (libvirt's per-object "job").
/// It is held across suspension points, which an actor alone does not give: an actor runs other calls while
/// one of its methods awaits, so a lifecycle call that awaits QEMU or the blocking executor would otherwise
/// interleave with the next one.
///
/// - A task cancelled while it waits leaves the queue and throws `CancellationError`; its body never runs.
///   Once a task holds the lock, cancellation is the body's business.
/// - The lock is released however the body ends, by returning or by throwing.
/// - Not reentrant: a body that asks for the same lock again waits for itself forever.
public final class AsyncJobLock: Sendable {
    private struct State {
        var held = false
        var nextTicket: UInt64 = 0
        /// Waiters in arrival order; the ticket finds a cancelled waiter's entry.
        var waiters = CircularBuffer<(ticket: UInt64, continuation: CheckedContinuation<Void, any Error>)>()
    }

    private let state = Mutex(State())

    public init() {}

    /// Runs `body` once every job that asked before it has finished, and returns what it returns. `body` runs
    /// in the caller's isolation (an actor's method can pass a closure that touches the actor's state).
    public func run<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> sending T
    ) async throws -> sending T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let ticket: UInt64? = state.withLock { s in
            guard s.held else {
                s.held = true
                return nil
            }
            defer { s.nextTicket &+= 1 }
            return s.nextTicket
        }
        guard let ticket else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Cancelled before queueing: the handler below ran and found nothing to remove, so leave now.
                let cancelled = state.withLock { s in
                    if Task.isCancelled { return true }
                    s.waiters.append((ticket, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let removed = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                guard let i = s.waiters.firstIndex(where: { $0.ticket == ticket }) else { return nil }
                return s.waiters.remove(at: i).continuation
            }
            removed?.resume(throwing: CancellationError())
        }
    }

    /// How many tasks wait for the lock (for tests).
    var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Hands the lock straight to the first waiter (it stays held), or frees it when nobody waits.
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            guard !s.waiters.isEmpty else {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
