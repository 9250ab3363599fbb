import SwiftVirtCore
import SwiftVirtSystem
import Synchronization

/// Per-domain jobs: lifecycle operations on one domain run one after another, in arrival order (libvirt's
/// "job"), while operations on different domains proceed in parallel. One `AsyncJobLock` per domain that has
/// a job running or waiting; the entry goes when its last user leaves.
final class DomainJobs: Sendable {
    private let locks = Mutex<[DomainUUID: (lock: AsyncJobLock, users: Int)]>([:])

    func run<T>(
        _ uuid: DomainUUID, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> sending T
    ) async throws -> sending T {
        let lock = locks.withLock { table in
            let lock = table[uuid]?.lock ?? AsyncJobLock()
            table[uuid] = (lock, (table[uuid]?.users ?? 0) + 1)
            return lock
        }
        defer {
            locks.withLock { table in
                let users = (table[uuid]?.users ?? 1) - 1
                table[uuid] = users > 0 ? (lock, users) : nil
            }
        }
        return try await lock.run(body)
    }
}
