import SwiftVirtCore

/// Where a domain is in its life, the one place the registry keeps its runtime state. A record moves from one
/// phase to another only through the transitions below; one its current phase does not allow throws libvirt's
/// "operation invalid".
///
///     inactive ──beginStart──▶ starting ──finishStart──▶ active ──stopped──▶ inactive
///        ▲                        │                        │ ▲
///        └──────abandonStart──────┘                        └─┘ changeState (running ⇄ paused ⇄ ...)
///
/// `starting` is held under the domain's job while the driver boots it: the domain shows as inactive (id -1)
/// until it runs, and what the driver reports about it meanwhile (its launcher's own state changes) is not
/// news to anyone, so observers' reports only apply to `active` records.
enum DomainPhase: Sendable {
    /// Not running; the reason is why it last stopped (libvirt's shut-off reason).
    case inactive(DomainStateReason)
    case starting
    case active(ActiveDomain)
}

/// A running (or paused, or shutting down) domain: the driver's handle and what it runs with.
struct ActiveDomain: Sendable {
    let running: any RunningDomain
    let id: Int32
    var state: DomainState
    var reason: DomainStateReason
    /// Kept out of line: records are copied often and a definition is kilobytes.
    private var liveBox: LiveBox
    var live: DomainDefinition { liveBox.value }
    mutating func replaceLive(_ def: DomainDefinition) { liveBox = LiveBox(def) }

    /// The same run with its live definition changed (a live setmem, setvcpus, metadata change).
    func replacingLive(_ live: DomainDefinition) -> ActiveDomain {
        ActiveDomain(running: running, live: live, id: id, state: state, reason: reason)
    }

    private final class LiveBox: Sendable {
        let value: DomainDefinition
        init(_ value: DomainDefinition) { self.value = value }
    }

    init(running: any RunningDomain, live: DomainDefinition, id: Int32, state: DomainState, reason: DomainStateReason) {
        self.running = running
        self.liveBox = LiveBox(live)
        self.id = id
        self.state = state
        self.reason = reason
    }
}

extension DomainRecord {
    var active: ActiveDomain? {
        if case .active(let a) = phase { return a }
        return nil
    }
    var running: (any RunningDomain)? { active?.running }
    var live: DomainDefinition? { active?.live }
    /// Changes the live definition of an active domain; false when it is not active.
    mutating func replaceLive(_ def: DomainDefinition) -> Bool {
        guard case .active(var a) = phase else { return false }
        a.replaceLive(def)
        phase = .active(a)
        return true
    }
    var id: Int32 { active?.id ?? -1 }
    var isActive: Bool { active != nil }
    var state: DomainState { active?.state ?? .shutoff }
    var reason: DomainStateReason {
        switch phase {
        case .inactive(let reason): reason
        case .starting: .shutoffUnknown
        case .active(let a): a.reason
        }
    }

    /// inactive → starting. A domain that is starting or running cannot be started again.
    mutating func beginStart() throws {
        guard case .inactive = phase else { throw DaemonError.domainAlreadyActive(config.name) }
        phase = .starting
    }

    /// starting → active.
    mutating func finishStart(_ domain: ActiveDomain) throws {
        guard case .starting = phase else { throw DaemonError.invalidTransition(config.name, to: "running") }
        phase = .active(domain)
    }

    /// starting → inactive, when the start failed.
    mutating func abandonStart() {
        if case .starting = phase { phase = .inactive(.shutoffFailed) }
    }

    /// inactive → active for a domain found running at daemon start-up.
    mutating func adopt(_ domain: ActiveDomain) throws {
        guard case .inactive = phase else { throw DaemonError.domainAlreadyActive(config.name) }
        phase = .active(domain)
    }

    /// active → active with another state; false when the record is not active (nothing changed).
    mutating func changeState(_ state: DomainState, _ reason: DomainStateReason) -> Bool {
        guard case .active(var a) = phase else { return false }
        a.state = state
        a.reason = reason
        phase = .active(a)
        return true
    }

    /// active → inactive; returns what ran.
    mutating func stopped(_ reason: DomainStateReason) throws -> ActiveDomain {
        guard case .active(let a) = phase else { throw DaemonError.domainNotRunning(config.name) }
        phase = .inactive(reason)
        return a
    }
}
