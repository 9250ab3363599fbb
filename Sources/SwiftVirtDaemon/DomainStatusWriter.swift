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
            let next = state.withLock { s -> (uuid: DomainUUID, status: DomainStore.Status?)? in
                guard let next = s.pending.popFirst() else {
                    s.draining = false
                    return nil
                }
                return (next.key, next.value)
            }
            guard let (uuid, status) = next else { return }
            await BlockingIO.run { [store, logger] in
                guard let status else { return store.removeStatus(uuid: uuid) }
                do { try store.saveStatus(status) } catch { logger.error("cannot save status of \(status.name): \(error)") }
            }
        }
    }
}
