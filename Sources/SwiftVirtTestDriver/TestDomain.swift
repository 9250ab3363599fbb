import Glibc
import SwiftVirtCore

/// A running guest of the test driver: a state and nothing else. Transitions happen at once and are reported
/// to the observer like a real guest's.
actor TestDomain: RunningDomain {
    nonisolated let id: Int32
    let definition: DomainDefinition
    private(set) var state: DomainState
    private(set) var stateReason: DomainStateReason
    private let observer: any DomainObserver

    init(definition: DomainDefinition, id: Int32, paused: Bool, reason: DomainStateReason, observer: any DomainObserver) {
        self.definition = definition
        self.id = id
        self.state = paused ? .paused : .running
        self.stateReason = reason
        self.observer = observer
    }

    init(definition: DomainDefinition, saved: Saved, observer: any DomainObserver) {
        self.definition = definition
        self.id = saved.id
        self.state = saved.state
        self.stateReason = saved.reason
        self.observer = observer
    }

    var runtime: DomainRuntimeInfo { DomainRuntimeInfo(id: id) }

    /// What a daemon restart needs to find the guest again: id, state and reason, three words.
    struct Saved {
        var id: Int32
        var state: DomainState
        var reason: DomainStateReason

        init(id: Int32, state: DomainState, reason: DomainStateReason) {
            (self.id, self.state, self.reason) = (id, state, reason)
        }

        init?(_ bytes: [UInt8]) {
            guard bytes.count == 12 else { return nil }
            func word(_ at: Int) -> Int32 {
                Int32(bitPattern: bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) })
            }
            guard let state = DomainState(rawValue: word(4)) else { return nil }
            (id, self.state, reason) = (word(0), state, DomainStateReason(word(8)))
        }

        var bytes: [UInt8] {
            [id, state.rawValue, reason.rawValue].flatMap { v in
                (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (24 - 8 * $0)) }
            }
        }
    }

    nonisolated func statusData() -> [UInt8] {
        // The state is read on the actor by the registry right after; the id is what reattach must keep.
        Saved(id: id, state: .running, reason: .runningBooted).bytes
    }

    /// As libvirt's test driver: the wall clock, so the figure grows like a busy guest's.
    func cpuTimeNanoseconds() async -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    func shutdown() async throws {
        try requireActive()
        await stop(reason: .shutoffShutdown, event: .stoppedShutdown)
    }

    func destroy(graceful: Bool) async throws {
        try requireActive()
        await stop(reason: .shutoffDestroyed, event: .stoppedDestroyed)
    }

    func reboot() async throws {
        try requireActive()
        await observer.domainRebooted(definition.uuid)
    }

    func reset() async throws {
        try requireActive()
        await observer.domainRebooted(definition.uuid)
    }

    func suspend() async throws {
        try requireActive()
        guard state != .paused else { return }
        state = .paused
        stateReason = .pausedUser
    }

    func resume() async throws {
        try requireActive()
        guard state == .paused else {
            throw VirtError(.operationInvalid, domain: .test, detail: "domain is not paused")
        }
        state = .running
        stateReason = .runningUnpaused
    }

    func consolePath(device: String?) async throws -> String {
        throw VirtError(.noSupport, domain: .test, detail: "virDomainOpenConsole")
    }

    private func requireActive() throws {
        guard state != .shutoff else {
            throw VirtError(.operationInvalid, domain: .test, detail: "domain is not running")
        }
    }

    private func stop(reason: DomainStateReason, event: DomainLifecycleEvent) async {
        state = .shutoff
        stateReason = reason
        await observer.domainStopped(definition.uuid, reason: reason, event: event)
    }
}
