import SwiftVirtCore
import SwiftVirtWire

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

    private let callbacks = SessionCallbacks<DomainUUID?>()

    /// `network` nil: every network.
    func register(session: ConnectionSession, network: DomainUUID?) -> Int32 {
        callbacks.register(session, network)
    }

    /// Removes callback `id` if `session` registered it; false when it did not.
    func deregister(session: ConnectionSession, id: Int32) -> Bool {
        callbacks.deregister(session, callbackID: id)
    }

    /// Sends the event to every matching callback, in registration order; publishing is synchronous so events
    /// reach clients in the order they happened.
    func publish(_ event: NetworkLifecycleEvent, name: String, uuid: DomainUUID) {
        let net = RemoteNonnullNetwork(name: name, uuid: uuid.bytes)
        for (id, session) in callbacks.targets({ $0 == nil || $0 == uuid }) {
            session.sendEvent(
                Remote.NetworkEventLifecycle.self,
                NetworkEventLifecycleMsg(callbackID: id, net: net, event: event.rawValue, detail: 0))
        }
    }
}
