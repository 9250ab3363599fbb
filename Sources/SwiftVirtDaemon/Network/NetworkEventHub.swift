import SwiftVirtCore
import SwiftVirtWire
import Synchronization

/// virNetworkEventLifecycleType: what happened to a network.
enum NetworkLifecycleEvent: Int32, Sendable {
    case defined = 0
    case undefined = 1
    case started = 2
    case stopped = 3
}

/// Network lifecycle callbacks registered by connections (virConnectNetworkEventRegisterAny). Kept apart from the
/// domain EventHub: the hub holds each session weakly and drops callbacks of sessions that went away, so no
/// per-connection teardown hook is needed.
final class NetworkEventHub: Sendable {
    /// VIR_NETWORK_EVENT_ID_LIFECYCLE, the only network event id libvirt 9.0 has.
    static let lifecycleID: Int32 = 0

    private struct Callback: Sendable {
        weak var session: ConnectionSession?
        var sessionID: Int
        var network: DomainUUID?
    }

    private let state = Mutex<(callbacks: [Int32: Callback], next: Int32)>(([:], 1))

    func register(session: ConnectionSession, network: DomainUUID?) -> Int32 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.callbacks[id] = Callback(session: session, sessionID: session.id, network: network)
            return id
        }
    }

    /// Removes callback `id` if `session` registered it; false when it did not.
    func deregister(session: ConnectionSession, id: Int32) -> Bool {
        state.withLock { s in
            guard s.callbacks[id]?.sessionID == session.id else { return false }
            s.callbacks[id] = nil
            return true
        }
    }

    /// Sends the event to every matching callback, in registration order; publishing is synchronous so events
    /// reach clients in the order they happened.
    func publish(_ event: NetworkLifecycleEvent, name: String, uuid: DomainUUID) {
        let targets = state.withLock { s -> [(Int32, ConnectionSession)] in
            for (id, cb) in s.callbacks where cb.session == nil { s.callbacks[id] = nil }
            return s.callbacks.filter { $0.value.network == nil || $0.value.network == uuid }
                .sorted { $0.key < $1.key }
                .compactMap { id, cb in cb.session.map { (id, $0) } }
        }
        let net = RemoteNonnullNetwork(name: name, uuid: uuid.bytes)
        for (id, session) in targets {
            var encoder = XDREncoder()
            encoder.encode(NetworkEventLifecycleMsg(callbackID: id, net: net, event: event.rawValue, detail: 0))
            let header = PacketHeader(
                program: WireProgram.remote.rawValue, version: 1,
                procedure: RemoteProcedure.networkEventLifecycle.rawValue, type: .message, serial: 0, status: .ok)
            session.send(Packet(header: header, payload: encoder.bytes))
        }
    }
}
