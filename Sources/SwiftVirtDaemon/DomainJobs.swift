import SwiftVirtCore

/// A per-domain FIFO lock: lifecycle operations on one domain run one after another (libvirt's "job"),
/// while operations on different domains proceed in parallel.
actor DomainJobs {
    private var busy: Set<DomainUUID> = []
    private var waiters: [DomainUUID: [CheckedContinuation<Void, Never>]] = [:]

    func run<T: Sendable>(_ uuid: DomainUUID, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(uuid)
        defer { release(uuid) }
        return try await body()
    }

    private func acquire(_ uuid: DomainUUID) async {
        if !busy.contains(uuid) {
            busy.insert(uuid)
            return
        }
        await withCheckedContinuation { waiters[uuid, default: []].append($0) }
    }

    private func release(_ uuid: DomainUUID) {
        if var queue = waiters[uuid], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[uuid] = queue.isEmpty ? nil : queue
            next.resume()  // ownership passes to the next waiter; `busy` stays set
        } else {
            busy.remove(uuid)
        }
    }
}
