import SwiftVirtCore
import SwiftVirtWire
import Synchronization

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

    private struct Callback {
        weak var session: ConnectionSession?
        var domain: DomainUUID?
        var filter: Filter
    }

    private let state = Mutex<(callbacks: [Int32: Callback], next: Int32)>(([:], 1))

    func register(_ session: ConnectionSession, domain: DomainUUID?, filter: Filter) -> Int32 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.callbacks[id] = Callback(session: session, domain: domain, filter: filter)
            return id
        }
    }

    /// Only the connection that registered a callback may remove it.
    func deregister(_ session: ConnectionSession, callbackID: Int32) -> Bool {
        state.withLock { s in
            guard let callback = s.callbacks[callbackID], callback.session === session else { return false }
            s.callbacks[callbackID] = nil
            return true
        }
    }

    var isEmpty: Bool { state.withLock { $0.callbacks.isEmpty } }

    func publish(_ domain: DomainIdentity, _ event: MonitorEvent) {
        let targets = state.withLock { s -> [(Int32, ConnectionSession)] in
            var found: [(Int32, ConnectionSession)] = []
            for (id, callback) in s.callbacks {
                guard let session = callback.session, !session.with({ $0.closed }) else {
                    s.callbacks[id] = nil
                    continue
                }
                if (callback.domain == nil || callback.domain == domain.uuid) && callback.filter.matches(event.name) {
                    found.append((id, session))
                }
            }
            return found.sorted { $0.0 < $1.0 }
        }
        for (id, session) in targets {
            let message = QemuDomainMonitorEventMsg(
                callbackID: id, dom: domain.wire, event: event.name, seconds: event.seconds, micros: event.microseconds,
                details: event.details)
            let header = PacketHeader(
                program: Qemu.program, version: Qemu.version, procedure: Qemu.DomainMonitorEvent.info.number,
                type: .message, serial: 0, status: .ok)
            session.send(Packet(header: header, payload: message.xdrBytes()))
        }
    }
}
