import SwiftVirtCore
import SwiftVirtWire

/// Storage pool event callbacks (virConnectStoragePoolEventRegisterAny) across all connections. A callback
/// holds its connection weakly and dies with it: a closed connection's callbacks are dropped at the next event,
/// so no connection teardown hook is needed.
final class StoragePoolEventHub: Sendable {
    /// virStoragePoolEventID.
    enum EventID: Int32, Sendable {
        case lifecycle = 0
        case refresh = 1
    }

    /// virStoragePoolEventLifecycleType.
    enum Lifecycle: Int32, Sendable {
        case defined = 0
        case undefined, started, stopped, created, deleted
    }

    private let callbacks = SessionCallbacks<(eventID: EventID, pool: DomainUUID?)>()

    func register(_ session: ConnectionSession, eventID: EventID, pool: DomainUUID?) -> Int32 {
        callbacks.register(session, (eventID, pool))
    }

    /// Only the connection that registered a callback may remove it.
    func deregister(_ session: ConnectionSession, callbackID: Int32) -> Bool {
        callbacks.deregister(session, callbackID: callbackID)
    }

    func lifecycle(_ pool: RemoteNonnullStoragePool, _ event: Lifecycle) {
        for (id, session) in targets(.lifecycle, pool) {
            session.sendEvent(
                Remote.StoragePoolEventLifecycle.self,
                StoragePoolEventLifecycleMsg(callbackID: id, pool: pool, event: event.rawValue, detail: 0))
        }
    }

    func refreshed(_ pool: RemoteNonnullStoragePool) {
        for (id, session) in targets(.refresh, pool) {
            session.sendEvent(Remote.StoragePoolEventRefresh.self, StoragePoolEventRefreshMsg(callbackID: id, pool: pool))
        }
    }

    private func targets(_ eventID: EventID, _ pool: RemoteNonnullStoragePool) -> [(id: Int32, session: ConnectionSession)] {
        let uuid = DomainUUID(bytes: pool.uuid)
        return callbacks.targets { $0.eventID == eventID && ($0.pool == nil || $0.pool == uuid) }
    }
}
