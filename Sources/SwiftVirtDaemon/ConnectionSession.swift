import Glibc
import Logging
import NIOCore
import Synchronization
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire

/// Per-connection state. Calls on one connection may run concurrently, and event sinks read the callback table
/// synchronously, so the state sits behind a mutex rather than in an actor.
final class ConnectionSession: Sendable {
    struct EventCallback: Sendable {
        var eventID: Int32
        var domain: DomainUUID?
    }

    struct State: Sendable {
        var opened = false
        var readOnly: Bool
        var callbacks: [Int32: EventCallback] = [:]
        var nextCallbackID: Int32 = 1
        var consoles: [UInt32: ConsoleStream] = [:]
        var volumeStreams: [UInt32: VolumeStream] = [:]
        /// Streams of bytes the daemon sends whole (screenshots), until the client finishes them.
        var outboundStreams: [UInt32: OutboundStream] = [:]
        var hubToken: Int?
        var keepalive = false
        var closed = false
        /// When the client last sent anything; any frame counts as a sign of life.
        var lastInbound = ContinuousClock.now
        var uri = "qemu:///system"
        /// The driver CONNECT_OPEN chose; nil until then.
        var driver: ConnectionDriver?
    }

    let id: Int
    let socketIsReadOnly: Bool
    let logger: Logger
    /// Replies go straight to the channel (NIO orders writes per caller and hops to the event loop itself);
    /// an intermediate stream and writer task cost two extra thread hand-offs per call.
    private let channel: any Channel
    /// The channel's descriptor (owned by the channel), for replies that carry descriptors.
    private let socket: CInt
    private let state: Mutex<State>
    /// Payload bytes queued for the socket but not yet written; bulk senders (volume downloads) wait while it
    /// is high, so a multi-GiB download never sits in memory.
    private let pendingOutput = Atomic<Int>(0)

    init(id: Int, readOnly: Bool, channel: any Channel, socket: CInt, logger: Logger) {
        self.id = id
        self.socketIsReadOnly = readOnly
        self.channel = channel
        self.socket = socket
        self.logger = logger
        self.state = Mutex(State(readOnly: readOnly))
    }

    func with<T>(_ body: (inout State) throws -> T) rethrows -> T { try state.withLock { try body(&$0) } }

    var isOpen: Bool { state.withLock { $0.opened } }
    var isReadOnly: Bool { state.withLock { $0.readOnly } }

    /// Queues a packet; packets sent by one task go out in the order sent. After teardown, nothing more is sent.
    /// Stream data is counted until the socket has taken it, so bulk senders can wait (back-pressure).
    func send(_ packet: Packet) {
        if state.withLock({ $0.closed }) { return }
        guard packet.header.type == .stream, !packet.payload.isEmpty else {
            channel.writeAndFlush(packet, promise: nil)
            return
        }
        let size = packet.payload.count
        pendingOutput.add(size, ordering: .relaxed)
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [self] _ in self.pendingOutput.subtract(size, ordering: .relaxed) }
        channel.writeAndFlush(packet, promise: written)
    }

    var pendingOutputBytes: Int { pendingOutput.load(ordering: .relaxed) }

    func sendReply(to header: PacketHeader, payload: [UInt8]) {
        var h = header
        h.type = .reply
        h.status = .ok
        send(Packet(header: h, payload: payload))
    }

    /// A reply carrying descriptors (REPLY_WITH_FDS): their count leads the payload, and after the packet each
    /// descriptor follows in its own sendmsg with one byte of data, as libvirt's client reads them. NIO cannot send
    /// descriptors, so packet and descriptors go to the socket directly, on the event loop, once an empty write
    /// through NIO has drained what was queued before; no other write can come in between. The descriptors are
    /// closed once sent (or when sending fails).
    func sendReply(to header: PacketHeader, payload: [UInt8], passing descriptors: [CInt]) async throws {
        defer { for fd in descriptors { close(fd) } }
        if state.withLock({ $0.closed }) { return }
        var h = header
        h.type = .replyWithFDs
        h.status = .ok
        var encoder = XDREncoder()
        encoder.encode(UInt32(descriptors.count))
        encoder.appendRaw(payload)
        let bytes = Packet(header: h, payload: encoder.bytes).encoded()
        let (channel, socket) = (self.channel, self.socket)
        try await channel.eventLoop.flatSubmit {
            do {
                // Written from the encoder's context: the empty buffer is bytes already, not a packet.
                let encoderContext = try channel.pipeline.syncOperations.context(handlerType: PacketEncodeHandler.self)
                return encoderContext.writeAndFlush(NIOAny(ByteBuffer())).flatMapThrowing {
                    // Closing happens on this event loop too: while the channel is active its descriptor is ours.
                    guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
                    try DescriptorPassing.writeAll(bytes, on: socket)
                    for fd in descriptors { try DescriptorPassing.send([0], attaching: fd, on: socket) }
                }
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.get()
    }

    func sendError(to header: PacketHeader, _ error: VirtError) {
        var h = header
        h.type = .reply
        h.status = .error
        send(Packet(header: h, payload: Self.encode(error)))
    }

    static func encode(_ error: VirtError) -> [UInt8] {
        let remote = RemoteError(
            code: error.code.rawValue, domain: error.domain.rawValue, message: error.message, level: 2, dom: nil,
            str1: nil, str2: nil, str3: nil, int1: -1, int2: -1, net: nil)
        var encoder = XDREncoder()
        encoder.encode(remote)
        return encoder.bytes
    }

    /// Delivers a domain event to every matching callback this connection registered.
    func deliver(_ notice: DomainEventNotice) {
        let targets = state.withLock { s in
            s.callbacks.filter { $0.value.eventID == notice.kind.rawValue && ($0.value.domain == nil || $0.value.domain == notice.domain.uuid) }
                .map(\.key).sorted()
        }
        let dom = RemoteNonnullDomain(name: notice.domain.name, uuid: notice.domain.uuid.bytes, id: notice.domain.id)
        for callbackID in targets {
            var encoder = XDREncoder()
            let procedure: RemoteProcedure
            switch notice.kind {
            case .lifecycle:
                guard let event = notice.lifecycle else { continue }
                procedure = .domainEventCallbackLifecycle
                encoder.encode(
                    DomainEventCallbackLifecycleMsg(
                        callbackID: callbackID, msg: DomainEventLifecycleMsg(dom: dom, event: event.event, detail: event.detail)))
            case .reboot:
                procedure = .domainEventCallbackReboot
                encoder.encode(DomainEventCallbackRebootMsg(callbackID: callbackID, msg: DomainEventRebootMsg(dom: dom)))
            case .watchdog:
                guard let action = notice.watchdogAction else { continue }
                procedure = .domainEventCallbackWatchdog
                encoder.encode(
                    DomainEventCallbackWatchdogMsg(
                        callbackID: callbackID, msg: DomainEventWatchdogMsg(dom: dom, action: action.rawValue)))
            case .deviceRemoved:
                guard let alias = notice.deviceAlias else { continue }
                procedure = .domainEventCallbackDeviceRemoved
                encoder.encode(
                    DomainEventCallbackDeviceRemovedMsg(
                        callbackID: callbackID, msg: DomainEventDeviceRemovedMsg(dom: dom, devAlias: alias)))
            case .deviceAdded:
                guard let alias = notice.deviceAlias else { continue }
                procedure = .domainEventCallbackDeviceAdded
                encoder.encode(DomainEventCallbackDeviceAddedMsg(callbackID: callbackID, dom: dom, devAlias: alias))
            case .trayChange:
                guard case .trayMoved(let alias, let open) = notice.guestNotice else { continue }
                procedure = .domainEventCallbackTrayChange
                encoder.encode(
                    DomainEventCallbackTrayChangeMsg(
                        callbackID: callbackID,
                        msg: DomainEventTrayChangeMsg(dom: dom, devAlias: alias, reason: open ? 0 : 1)))
            case .rtcChange:
                guard case .rtcChanged(let offset) = notice.guestNotice else { continue }
                procedure = .domainEventCallbackRtcChange
                encoder.encode(
                    DomainEventCallbackRtcChangeMsg(
                        callbackID: callbackID, msg: DomainEventRtcChangeMsg(dom: dom, offset: offset)))
            case .balloonChange:
                guard let actual = notice.balloonActualKiB else { continue }
                procedure = .domainEventCallbackBalloonChange
                encoder.encode(
                    DomainEventCallbackBalloonChangeMsg(
                        callbackID: callbackID, msg: DomainEventBalloonChangeMsg(dom: dom, actual: actual)))
            case .metadataChange:
                guard let metadata = notice.metadata else { continue }
                procedure = .domainEventCallbackMetadataChange
                encoder.encode(
                    DomainEventCallbackMetadataChangeMsg(
                        callbackID: callbackID, dom: dom, type: metadata.type, nsuri: metadata.uri))
            case .agentLifecycle:
                guard let agent = notice.agentLifecycle else { continue }
                procedure = .domainEventCallbackAgentLifecycle
                encoder.encode(
                    DomainEventCallbackAgentLifecycleMsg(
                        callbackID: callbackID, dom: dom, state: agent.state, reason: agent.reason))
            }
            let header = PacketHeader(
                program: WireProgram.remote.rawValue, version: 1, procedure: procedure.rawValue, type: .message,
                serial: 0, status: .ok)
            send(Packet(header: header, payload: encoder.bytes))
        }
    }

    /// The driver CONNECT_OPEN chose, if it has been called.
    var driver: ConnectionDriver? { state.withLock { $0.driver } }

    /// Ends everything the connection owns, and lets go of its driver. Safe to call more than once.
    func teardown(drivers: DriverTable) {
        let (token, driver, consoles, volumeStreams) = state.withLock {
            s -> (Int?, ConnectionDriver?, [ConsoleStream], [VolumeStream]) in
            s.closed = true
            let result = (s.hubToken, s.driver, Array(s.consoles.values), Array(s.volumeStreams.values))
            s.hubToken = nil
            s.driver = nil
            s.consoles = [:]
            s.volumeStreams = [:]
            s.outboundStreams = [:]
            s.callbacks = [:]
            return result
        }
        if let driver {
            if let token { driver.domains.events.unsubscribe(token) }
            Task { await drivers.close(driver) }
        }
        for console in consoles { console.close() }
        for stream in volumeStreams { stream.abandon() }
    }
}
