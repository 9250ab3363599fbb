import Logging
import SwiftVirtCore
import SwiftVirtSystem
import Synchronization

/// Writes and removes running domains' status files (`RUN/domains/UUID.json`) on the blocking executor, so the
/// registry never waits for their flushes. Per domain the newest request wins, and one file operation runs at a
/// time, in a single drain task: a removal can never be overtaken by an older write, which would leave a status
/// for a domain that is gone.
final class DomainStatusWriter: Sendable {
    private struct State {
        /// The latest request per domain not yet on disk: a status to write, or nil to remove the file.
        var pending: [DomainUUID: DomainStore.Status?] = [:]
        var draining = false
        /// `flushed()` callers, resumed when nothing is pending any more.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let store: any DomainPersistence
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any DomainPersistence, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func save(_ status: DomainStore.Status, for uuid: DomainUUID) { request(uuid, status) }

    func remove(_ uuid: DomainUUID) { request(uuid, nil) }

    /// Returns when every request made before it is on disk.
    func flushed() async {
        await withCheckedContinuation { continuation in
            let idle = state.withLock { s -> Bool in
                if !s.draining && s.pending.isEmpty { return true }
                s.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }

    private func request(_ uuid: DomainUUID, _ status: DomainStore.Status?) {
        let start = state.withLock { s in
            s.pending[uuid] = .some(status)
            defer { s.draining = true }
            return !s.draining
        }
        if start { Task { await drain() } }
    }

    private func drain() async {
        while true {
            let (next, waiters) = state.withLock { s -> ((uuid: DomainUUID, status: DomainStore.Status?)?, [CheckedContinuation<Void, Never>]) in
                guard let next = s.pending.popFirst() else {
                    s.draining = false
                    defer { s.waiters = [] }
                    return (nil, s.waiters)
                }
                return ((next.key, next.value), [])
            }
            guard let (uuid, status) = next else {
                for waiter in waiters { waiter.resume() }
                return
            }
            await BlockingIO.run { [store, logger] in
                guard let status else { return store.removeStatus(uuid: uuid) }
                do { try store.saveStatus(status) } catch { logger.error("cannot save status of \(status.name): \(error)") }
            }
        }
    }
}
