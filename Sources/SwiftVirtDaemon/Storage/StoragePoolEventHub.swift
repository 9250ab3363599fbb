import SwiftVirtCore
import SwiftVirtWire
import Synchronization

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

    private struct Callback {
        weak var session: ConnectionSession?
        var eventID: EventID
        var pool: DomainUUID?
    }

    private let state = Mutex<(callbacks: [Int32: Callback], next: Int32)>(([:], 1))

    func register(_ session: ConnectionSession, eventID: EventID, pool: DomainUUID?) -> Int32 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.callbacks[id] = Callback(session: session, eventID: eventID, pool: pool)
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

    func lifecycle(_ pool: RemoteNonnullStoragePool, _ event: Lifecycle) {
        publish(.lifecycle, pool) { id in
            StoragePoolEventLifecycleMsg(callbackID: id, pool: pool, event: event.rawValue, detail: 0)
        }
    }

    func refreshed(_ pool: RemoteNonnullStoragePool) {
        publish(.refresh, pool) { id in StoragePoolEventRefreshMsg(callbackID: id, pool: pool) }
    }

    private func publish<Message: XDRCodable>(
        _ eventID: EventID, _ pool: RemoteNonnullStoragePool, _ message: (Int32) -> Message
    ) {
        let uuid = DomainUUID(bytes: pool.uuid)
        let targets = state.withLock { s -> [(Int32, ConnectionSession)] in
            var found: [(Int32, ConnectionSession)] = []
            for (id, callback) in s.callbacks {
                guard let session = callback.session, !session.with({ $0.closed }) else {
                    s.callbacks[id] = nil
                    continue
                }
                if callback.eventID == eventID && (callback.pool == nil || callback.pool == uuid) {
                    found.append((id, session))
                }
            }
            return found.sorted { $0.0 < $1.0 }
        }
        let procedure: RemoteProcedure = eventID == .lifecycle ? .storagePoolEventLifecycle : .storagePoolEventRefresh
        for (id, session) in targets {
            var encoder = XDREncoder()
            encoder.encode(message(id))
            let header = PacketHeader(
                program: WireProgram.remote.rawValue, version: 1, procedure: procedure.rawValue, type: .message,
                serial: 0, status: .ok)
            session.send(Packet(header: header, payload: encoder.bytes))
        }
    }
}
