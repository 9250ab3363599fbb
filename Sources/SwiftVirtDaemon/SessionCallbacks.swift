import Synchronization
import SwiftVirtWire

/// Event callbacks that connections registered, each with what it asks for (`Filter`). Connections are held
/// weakly: a closed connection's callbacks are dropped at the next event, so no teardown hook is needed. The
/// callback ids are the ones sent to clients; only the connection that registered one may remove it.
final class SessionCallbacks<Filter: Sendable>: Sendable {
    private struct Callback {
        weak var session: ConnectionSession?
        var filter: Filter
    }

    private let state = Mutex<(callbacks: [Int32: Callback], next: Int32)>(([:], 1))

    func register(_ session: ConnectionSession, _ filter: Filter) -> Int32 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            s.callbacks[id] = Callback(session: session, filter: filter)
            return id
        }
    }

    /// Removes callback `id` if `session` registered it; false when it did not.
    func deregister(_ session: ConnectionSession, callbackID id: Int32) -> Bool {
        state.withLock { s in
            guard let callback = s.callbacks[id], callback.session === session else { return false }
            s.callbacks[id] = nil
            return true
        }
    }

    var isEmpty: Bool { state.withLock { $0.callbacks.isEmpty } }

    /// The callbacks of open connections whose filter `accepts`, in registration order.
    func targets(_ accepts: (Filter) -> Bool) -> [(id: Int32, session: ConnectionSession)] {
        state.withLock { s in
            var found: [(id: Int32, session: ConnectionSession)] = []
            for (id, callback) in s.callbacks {
                guard let session = callback.session, !session.with({ $0.closed }) else {
                    s.callbacks[id] = nil
                    continue
                }
                if accepts(callback.filter) { found.append((id, session)) }
            }
            return found.sorted { $0.id < $1.id }
        }
    }
}

extension ConnectionSession {
    /// Sends an event: a MESSAGE of `procedure`'s program carrying `message`, serial 0.
    func sendEvent<P: WireProcedure>(_ procedure: P.Type, _ message: P.Args) {
        let info = P.info
        let header = PacketHeader(
            program: info.program, version: 1, procedure: info.number, type: .message, serial: 0, status: .ok)
        send(Packet(header: header, payload: message.xdrBytes()))
    }
}
