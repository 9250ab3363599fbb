import SwiftVirtCore
import SwiftVirtWire

/// QEMU monitor event callbacks (virConnectDomainQemuMonitorEventRegister, `virsh qemu-monitor-event`) across all
/// connections. As with pool events, a callback holds its connection weakly and is dropped once it is closed.
final class MonitorEventHub: Sendable {
    /// Which events a callback wants: all, one name (case-blind with NOCASE), or those a regular expression finds
    /// in the name (REGEX; libvirt uses POSIX extended expressions, which Swift's Regex reads the same for the
    /// patterns event names need).
    enum Filter: Sendable {
        case all
        case name(String, caseless: Bool)
        case pattern(String, caseless: Bool)

        func matches(_ event: String) -> Bool {
            switch self {
            case .all: return true
            case .name(let name, let caseless): return caseless ? name.lowercased() == event.lowercased() : name == event
            case .pattern(let pattern, let caseless):
                guard var regex = try? Regex(pattern) else { return false }
                if caseless { regex = regex.ignoresCase() }
                return (try? regex.firstMatch(in: event)) != nil
            }
        }
    }

    private let callbacks = SessionCallbacks<(domain: DomainUUID?, filter: Filter)>()

    func register(_ session: ConnectionSession, domain: DomainUUID?, filter: Filter) -> Int32 {
        callbacks.register(session, (domain, filter))
    }

    /// Only the connection that registered a callback may remove it.
    func deregister(_ session: ConnectionSession, callbackID: Int32) -> Bool {
        callbacks.deregister(session, callbackID: callbackID)
    }

    var isEmpty: Bool { callbacks.isEmpty }

    func publish(_ domain: DomainIdentity, _ event: MonitorEvent) {
        let targets = callbacks.targets { ($0.domain == nil || $0.domain == domain.uuid) && $0.filter.matches(event.name) }
        for (id, session) in targets {
            session.sendEvent(
                Qemu.DomainMonitorEvent.self,
                QemuDomainMonitorEventMsg(
                    callbackID: id, dom: domain.wire, event: event.name, seconds: event.seconds,
                    micros: event.microseconds, details: event.details))
        }
    }
}
