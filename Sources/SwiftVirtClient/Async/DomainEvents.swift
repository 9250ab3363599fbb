import NIOCore
import SwiftVirtWire
import Synchronization

/// A domain event delivered by the daemon.
public struct DomainEvent: Sendable, Equatable {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// A lifecycle change: the event (virDomainEventType) and its detail number.
        case lifecycle(DomainLifecycleEvent, detail: Int32)
        /// The guest rebooted.
        case reboot
        /// Metadata of the domain changed: virDomainMetadataType (0 description, 1 title, 2 element) and, for
        /// an element, its namespace URI.
        case metadataChange(type: Int32, uri: String?)
        /// An event of another family, delivered with its domain only (this client does not decode its
        /// details).
        case other(DomainEventFamily)
    }

    /// The domain the event is about (its id as the daemon saw it when sending).
    public var domain: RemoteNonnullDomain
    public var kind: Kind

    /// The event as virsh's `event` command prints it, e.g.
    /// `event 'lifecycle' for domain 'vm1': Stopped Destroyed`.
    public var virshText: String {
        switch kind {
        case .lifecycle(let event, let detail):
            return "event 'lifecycle' for domain '\(domain.name)': \(event.name) \(event.detailName(detail))"
        case .reboot:
            return "event 'reboot' for domain '\(domain.name)'"
        case .metadataChange(let type, let uri):
            let types = ["description", "title", "element"]
            let typeName = types.indices.contains(Int(type)) ? types[Int(type)] : "unknown"
            return "event 'metadata-change' for domain '\(domain.name)': type \(typeName), uri \(uri ?? "<null>")"
        case .other(let family):
            return "event '\(family.name)' for domain '\(domain.name)'"
        }
    }
}

/// virDomainEventType, with virsh's words for the events and their details.
public enum DomainLifecycleEvent: Int32, Sendable, CaseIterable {
    case defined = 0
    case undefined, started, suspended, resumed, stopped, shutdown, pmSuspended, crashed

    /// virsh's name of the event ("Started", "Stopped", ...).
    public var name: String {
        ["Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown", "PMSuspended", "Crashed"][
            Int(rawValue)]
    }

    /// virsh's name of `detail` for this event, or "Unknown".
    public func detailName(_ detail: Int32) -> String {
        let names: [String]
        switch self {
        case .defined: names = ["Added", "Updated", "Renamed", "Snapshot"]
        case .undefined: names = ["Removed", "Renamed"]
        case .started: names = ["Booted", "Migrated", "Restored", "Snapshot", "Event wakeup"]
        case .suspended:
            names = [
                "Paused", "Migrated", "I/O Error", "Watchdog", "Restored", "Snapshot", "API error", "Post-copy",
                "Post-copy Error",
            ]
        case .resumed: names = ["Unpaused", "Migrated", "Snapshot", "Post-copy", "Post-copy Error"]
        case .stopped: names = ["Shutdown", "Destroyed", "Crashed", "Migrated", "Saved", "Failed", "Snapshot"]
        case .shutdown: names = ["Finished", "Finished after guest request", "Finished after host request"]
        case .pmSuspended: names = ["Memory", "Disk"]
        case .crashed: names = ["Panicked", "Crashloaded"]
        }
        return names.indices.contains(Int(detail)) ? names[Int(detail)] : "Unknown"
    }
}

/// Which event families to subscribe to: libvirt 9.0's domain event ids (virDomainEventID), in order.
public enum DomainEventFamily: Int32, Sendable, CaseIterable {
    case lifecycle = 0
    case reboot, rtcChange, watchdog, ioError, graphics, ioErrorReason, controlError, blockJob, diskChange
    case trayChange, pmWakeup, pmSuspend, balloonChange, pmSuspendDisk, deviceRemoved, blockJob2, tunable
    case agentLifecycle, deviceAdded, migrationIteration, jobCompleted, deviceRemovalFailed, metadataChange
    case blockThreshold, memoryFailure, memoryDeviceSizeChange

    /// virsh's name for the family (`event --event NAME`).
    public var name: String { Self.names[Int(rawValue)] }

    private static let names = [
        "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics", "io-error-reason", "control-error",
        "block-job", "disk-change", "tray-change", "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk",
        "device-removed", "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
        "job-completed", "device-removal-failed", "metadata-change", "block-threshold", "memory-failure",
        "memory-device-size-change",
    ]

    /// The family virsh calls `name`, if any.
    public init?(name: String) {
        guard let index = Self.names.firstIndex(of: name) else { return nil }
        self.init(rawValue: Int32(index))
    }
}

/// The leading fields every DOMAIN_EVENT_CALLBACK_* message shares: the callback id, then the domain.
/// `rest` is positioned on the family's own fields.
struct DomainEventCallbackPrefix {
    var callbackID: Int32
    var dom: RemoteNonnullDomain
    var rest: XDRDecoder

    init?(payload: [UInt8]) {
        var decoder = XDRDecoder(payload)
        guard let id = try? decoder.decode(Int32.self), let dom = try? decoder.decode(RemoteNonnullDomain.self)
        else { return nil }
        callbackID = id
        self.dom = dom
        rest = decoder
    }

    /// The family's kind: decoded where this client knows the fields ({int type; string? nsuri} for
    /// metadata-change), else just the family.
    mutating func kind(of family: DomainEventFamily) -> DomainEvent.Kind {
        guard family == .metadataChange else { return .other(family) }
        do {
            // Decoded apart: `try?` would flatten a legitimately absent URI into a failure.
            let type = try rest.decode(Int32.self)
            return .metadataChange(type: type, uri: try rest.decodeOptionalString())
        } catch {
            return .other(family)
        }
    }
}

/// Routes event MESSAGEs to the subscriber whose callback id they carry. Binding happens on the event loop
/// right when the registration reply is processed, so no event sent after the reply is missed.
final class EventRouter: Sendable {
    /// Network and storage pool event subscribers (their callback ids are numbered apart from domain ones).
    let objects = ObjectEventRouter()
    private let sinks = Mutex<[Int32: (family: DomainEventFamily, sink: AsyncStream<DomainEvent>.Continuation)]>([:])

    func bind(_ callbackID: Int32, family: DomainEventFamily, to sink: AsyncStream<DomainEvent>.Continuation) {
        sinks.withLock { $0[callbackID] = (family, sink) }
    }

    func unbind(_ callbackID: Int32) {
        sinks.withLock { _ = $0.removeValue(forKey: callbackID) }
    }

    func dispatch(_ packet: Packet) {
        guard packet.header.program == WireProgram.remote.rawValue else { return }
        if objects.dispatch(packet) { return }
        let callbackID: Int32
        let event: DomainEvent
        switch RemoteProcedure(rawValue: packet.header.procedure) {
        case .domainEventCallbackLifecycle?:
            guard let msg = try? DomainEventCallbackLifecycleMsg(xdrBytes: packet.payload),
                let kind = DomainLifecycleEvent(rawValue: msg.msg.event)
            else { return }
            callbackID = msg.callbackID
            event = DomainEvent(domain: msg.msg.dom, kind: .lifecycle(kind, detail: msg.msg.detail))
        case .domainEventCallbackReboot?:
            guard let msg = try? DomainEventCallbackRebootMsg(xdrBytes: packet.payload) else { return }
            callbackID = msg.callbackID
            event = DomainEvent(domain: msg.msg.dom, kind: .reboot)
        default:
            // Families without a decoder here still reach their subscriber, by the callback id the daemon
            // echoes (only domain-event callback ids are ever bound).
            guard packet.header.type == .message,
                var prefix = DomainEventCallbackPrefix(payload: packet.payload),
                let family = sinks.withLock({ $0[prefix.callbackID]?.family })
            else { return }
            callbackID = prefix.callbackID
            event = DomainEvent(domain: prefix.dom, kind: prefix.kind(of: family))
        }
        let sink = sinks.withLock { $0[callbackID]?.sink }
        sink?.yield(event)
    }
}

extension VirtConnection {
    /// Subscribes to domain events (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, one registration per family)
    /// for `domain`, or every domain when nil. The sequence ends when the connection closes; ending the
    /// iteration (or cancelling its task) deregisters the callbacks. With `skipUnsupported`, families the daemon
    /// refuses as unsupported are left out instead of failing the whole subscription.
    public func domainEvents(
        _ families: [DomainEventFamily] = [.lifecycle], domain: RemoteNonnullDomain? = nil,
        skipUnsupported: Bool = false
    ) async throws(VirtClientError) -> AsyncStream<DomainEvent> {
        let (stream, sink) = AsyncStream<DomainEvent>.makeStream()
        var ids: [Int32] = []
        let router = events
        let handler = handler
        for family in families {
            let payload = ConnectDomainEventCallbackRegisterAnyArgs(eventID: family.rawValue, dom: domain).xdrBytes()
            let future = channel.eventLoop.flatSubmit {
                handler.value.call(
                    program: .remote, procedure: RemoteProcedure.connectDomainEventCallbackRegisterAny.rawValue,
                    payload: payload
                ).reply.map { packet in
                    // Bind on the loop before the next packet is read; see EventRouter.
                    if packet.header.status == .ok, let ret = try? ConnectDomainEventCallbackRegisterAnyRet(xdrBytes: packet.payload) {
                        router.bind(ret.callbackID, family: family, to: sink)
                    }
                    return packet
                }
            }
            do {
                let bytes = try await Self.replyPayload(future)
                ids.append(try ConnectDomainEventCallbackRegisterAnyRet(xdrBytes: bytes).callbackID)
            } catch let error as VirtClientError {
                if skipUnsupported, error.libvirtError?.isUnsupported == true { continue }
                await deregister(ids)
                throw error
            } catch {
                await deregister(ids)
                throw .protocolViolation("event registration reply does not decode: \(error)")
            }
        }
        let registered = ids
        sink.onTermination = { [weak self] _ in
            guard let self else { return }
            Task { await self.deregister(registered) }
        }
        channel.closeFuture.whenComplete { _ in sink.finish() }
        return stream
    }

    /// Lifecycle events only; see ``domainEvents(_:domain:)``.
    public func lifecycleEvents(domain: RemoteNonnullDomain? = nil) async throws(VirtClientError)
        -> AsyncStream<DomainEvent>
    {
        try await domainEvents([.lifecycle], domain: domain)
    }

    private func deregister(_ ids: [Int32]) async {
        for id in ids {
            events.unbind(id)
            _ = try? await call(Remote.ConnectDomainEventCallbackDeregisterAny.self, ConnectDomainEventCallbackDeregisterAnyArgs(callbackID: id))
        }
    }
}
