import NIOCore
import SwiftVirtWire
import Synchronization

/// A network lifecycle event (virConnectNetworkEventRegisterAny, VIR_NETWORK_EVENT_ID_LIFECYCLE).
public struct NetworkEvent: Sendable, Equatable {
    /// virNetworkEventLifecycleType.
    public enum Lifecycle: Int32, Sendable {
        case defined = 0
        case undefined, started, stopped

        /// virsh's word for the event.
        public var name: String { ["Defined", "Undefined", "Started", "Stopped"][Int(rawValue)] }
    }

    /// The network the event is about.
    public var network: RemoteNonnullNetwork
    public var event: Lifecycle
    /// The event's detail number (always 0 in libvirt 9.0).
    public var detail: Int32

    /// The event as virsh's net-event prints it: `event 'lifecycle' for network lab: Started`.
    public var virshText: String { "event 'lifecycle' for network \(network.name): \(event.name)" }
}

/// A storage pool event (virConnectStoragePoolEventRegisterAny).
public struct StoragePoolEvent: Sendable, Equatable {
    /// Which family to subscribe to (virStoragePoolEventID).
    public enum Family: Int32, Sendable, CaseIterable {
        case lifecycle = 0
        case refresh

        /// virsh's name of the family (`pool-event --event NAME`).
        public var name: String { self == .lifecycle ? "lifecycle" : "refresh" }

        /// The family virsh calls `name`, if any.
        public init?(name: String) {
            guard let family = Self.allCases.first(where: { $0.name == name }) else { return nil }
            self = family
        }
    }

    /// virStoragePoolEventLifecycleType.
    public enum Lifecycle: Int32, Sendable {
        case defined = 0
        case undefined, started, stopped, created, deleted

        /// virsh's word for the event.
        public var name: String { ["Defined", "Undefined", "Started", "Stopped", "Created", "Deleted"][Int(rawValue)] }
    }

    public enum Kind: Sendable, Equatable {
        /// A lifecycle change and its detail number.
        case lifecycle(Lifecycle, detail: Int32)
        /// The pool was refreshed.
        case refresh
    }

    /// The pool the event is about.
    public var pool: RemoteNonnullStoragePool
    public var kind: Kind

    /// The event as virsh's pool-event prints it, e.g. `event 'lifecycle' for storage pool p1: Started`.
    public var virshText: String {
        switch kind {
        case .lifecycle(let event, _): return "event 'lifecycle' for storage pool \(pool.name): \(event.name)"
        case .refresh: return "event 'refresh' for storage pool \(pool.name)"
        }
    }
}

/// Routes network and storage pool event MESSAGEs to their subscribers. libvirt numbers callback ids per object
/// type, so each type has its own table.
final class ObjectEventRouter: Sendable {
    private let networkSinks = Mutex<[Int32: AsyncStream<NetworkEvent>.Continuation]>([:])
    private let poolSinks = Mutex<[Int32: AsyncStream<StoragePoolEvent>.Continuation]>([:])

    func bind(network id: Int32, to sink: AsyncStream<NetworkEvent>.Continuation) {
        networkSinks.withLock { $0[id] = sink }
    }

    func bind(pool id: Int32, to sink: AsyncStream<StoragePoolEvent>.Continuation) {
        poolSinks.withLock { $0[id] = sink }
    }

    func unbind(network id: Int32) { networkSinks.withLock { _ = $0.removeValue(forKey: id) } }
    func unbind(pool id: Int32) { poolSinks.withLock { _ = $0.removeValue(forKey: id) } }

    /// Delivers `packet` when it is a network or pool event; true when it was one (even undecodable).
    func dispatch(_ packet: Packet) -> Bool {
        switch RemoteProcedure(rawValue: packet.header.procedure) {
        case .networkEventLifecycle?:
            if let msg = try? NetworkEventLifecycleMsg(xdrBytes: packet.payload),
                let event = NetworkEvent.Lifecycle(rawValue: msg.event)
            {
                let sink = networkSinks.withLock { $0[msg.callbackID] }
                sink?.yield(NetworkEvent(network: msg.net, event: event, detail: msg.detail))
            }
            return true
        case .storagePoolEventLifecycle?:
            if let msg = try? StoragePoolEventLifecycleMsg(xdrBytes: packet.payload),
                let event = StoragePoolEvent.Lifecycle(rawValue: msg.event)
            {
                let sink = poolSinks.withLock { $0[msg.callbackID] }
                sink?.yield(StoragePoolEvent(pool: msg.pool, kind: .lifecycle(event, detail: msg.detail)))
            }
            return true
        case .storagePoolEventRefresh?:
            if let msg = try? StoragePoolEventRefreshMsg(xdrBytes: packet.payload) {
                let sink = poolSinks.withLock { $0[msg.callbackID] }
                sink?.yield(StoragePoolEvent(pool: msg.pool, kind: .refresh))
            }
            return true
        default:
            return false
        }
    }
}

extension VirtConnection {
    /// Subscribes to network lifecycle events (CONNECT_NETWORK_EVENT_REGISTER_ANY) of `network`, or of every
    /// network when nil. The sequence ends when the connection closes; ending the iteration deregisters.
    public func networkEvents(network: RemoteNonnullNetwork? = nil) async throws(VirtClientError)
        -> AsyncStream<NetworkEvent>
    {
        let (stream, sink) = AsyncStream<NetworkEvent>.makeStream()
        let router = events.objects
        let payload = ConnectNetworkEventRegisterAnyArgs(eventID: 0, net: network).xdrBytes()
        let id = try await register(.connectNetworkEventRegisterAny, payload) { router.bind(network: $0, to: sink) }
        sink.onTermination = { [weak self] _ in
            router.unbind(network: id)
            guard let self else { return }
            Task { _ = try? await self.call(Remote.ConnectNetworkEventDeregisterAny.self, ConnectNetworkEventDeregisterAnyArgs(callbackID: id)) }
        }
        channel.closeFuture.whenComplete { _ in sink.finish() }
        return stream
    }

    /// Subscribes to storage pool events of `families` (CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, one
    /// registration each) for `pool`, or every pool when nil. Ends like ``networkEvents(network:)``.
    public func storagePoolEvents(
        _ families: [StoragePoolEvent.Family] = [.lifecycle], pool: RemoteNonnullStoragePool? = nil
    ) async throws(VirtClientError) -> AsyncStream<StoragePoolEvent> {
        let (stream, sink) = AsyncStream<StoragePoolEvent>.makeStream()
        let router = events.objects
        var ids: [Int32] = []
        for family in families {
            let payload = ConnectStoragePoolEventRegisterAnyArgs(eventID: family.rawValue, pool: pool).xdrBytes()
            do {
                ids.append(
                    try await register(.connectStoragePoolEventRegisterAny, payload) { router.bind(pool: $0, to: sink) }
                )
            } catch {
                await deregisterPoolCallbacks(ids)
                throw error
            }
        }
        let registered = ids
        sink.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.deregisterPoolCallbacks(registered) }
        }
        channel.closeFuture.whenComplete { _ in sink.finish() }
        return stream
    }

    private func deregisterPoolCallbacks(_ ids: [Int32]) async {
        for id in ids {
            events.objects.unbind(pool: id)
            _ = try? await call(Remote.ConnectStoragePoolEventDeregisterAny.self, ConnectStoragePoolEventDeregisterAnyArgs(callbackID: id))
        }
    }

    /// Sends an event registration and runs `bind` with the callback id on the event loop as soon as the reply
    /// is read, so no event the daemon sends right after the reply is lost.
    private func register(
        _ procedure: RemoteProcedure, _ payload: [UInt8], bind: @escaping @Sendable (Int32) -> Void
    ) async throws(VirtClientError) -> Int32 {
        let handler = handler
        let future = channel.eventLoop.flatSubmit {
            handler.value.call(program: .remote, procedure: procedure.rawValue, payload: payload).reply.map {
                packet in
                // Every *_event_register_any_ret is `int callbackID` alone.
                if packet.header.status == .ok, let callbackID = try? Int32(xdrBytes: packet.payload) {
                    bind(callbackID)
                }
                return packet
            }
        }
        let bytes = try await Self.replyPayload(future)
        do {
            return try Int32(xdrBytes: bytes)
        } catch {
            throw .protocolViolation("event registration reply does not decode: \(error)")
        }
    }
}
