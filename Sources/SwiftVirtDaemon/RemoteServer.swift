import Logging
import NIOCore
import NIOPosix
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire
import Synchronization

/// Listens on one unix socket and serves libvirt's remote protocol on every connection. Errors stay within
/// the connection that caused them.
struct RemoteServer: Sendable {
    let path: String
    let readOnly: Bool
    let services: DaemonServices
    let dispatcher: Dispatcher
    private static let connectionCounter = Atomic<Int>(0)

    /// An accepted connection: its packet channel and the session its quick-query handler shares.
    struct Accepted: Sendable {
        var channel: NIOAsyncChannel<Packet, Packet>
        var session: ConnectionSession
    }

    func bind() throws -> UnixListener {
        let listener = try UnixListener(path: path)
        // Read-write socket: owner only (root); read-only socket: anyone may look, as libvirt's 0666 -ro socket.
        chmod(path, readOnly ? 0o666 : 0o600)
        return listener
    }

    func serve(_ listener: UnixListener) async {
        let logger = services.logger
        await withDiscardingTaskGroup { group in
            for await fd in listener.connections(onError: { logger.error("\($0)") }) {
                let accepted: Accepted
                do {
                    accepted = try await adopt(fd)
                } catch {
                    logger.warning("dropping a new connection on \(path): \(error)")
                    continue
                }
                group.addTask { await self.handle(accepted.channel, session: accepted.session) }
            }
        }
    }

    /// Hands an accepted socket to NIO with the packet handlers in front of the connection's task.
    private func adopt(_ fd: CInt) async throws -> Accepted {
        let id = Self.connectionCounter.wrappingAdd(1, ordering: .relaxed).newValue
        // Registered before anything reads the socket; without it (a descriptor number beyond the table) calls
        // that send descriptors fail for want of them, and everything else works.
        let inbox = try? DescriptorInbox(socket: fd, owner: UInt64(bitPattern: Int64(id)))
        do {
            return try await bootstrap(fd, id: id, inbox: inbox)
        } catch {
            inbox?.close()
            throw error
        }
    }

    private func bootstrap(_ fd: CInt, id: Int, inbox: DescriptorInbox?) async throws -> Accepted {
        let logger = services.logger
        let readOnly = readOnly
        let pollers = services.busyPollers
        return try await ClientBootstrap(group: services.eventLoopGroup).withConnectedSocket(fd) { child in
            child.eventLoop.makeCompletedFuture {
                var connLogger = logger
                connLogger[metadataKey: "conn"] = "\(id)"
                let session = ConnectionSession(
                    id: id, readOnly: readOnly, channel: child, socket: fd, logger: connLogger)
                let poller = pollers.poller(for: child.eventLoop)
                poller?.watch(fd)
                try child.pipeline.syncOperations.addHandler(PacketFrameHandler(logger: logger, inbox: inbox))
                try child.pipeline.syncOperations.addHandler(PacketEncodeHandler(poller: poller))
                try child.pipeline.syncOperations.addHandler(QuickQueryHandler(session: session, poller: poller))
                return Accepted(
                    channel: try NIOAsyncChannel<Packet, Packet>(wrappingChannelSynchronously: child), session: session)
            }
        }
    }

    private func handle(_ connection: NIOAsyncChannel<Packet, Packet>, session: ConnectionSession) async {
        let logger = session.logger
        logger.debug("client connected\(readOnly ? " (read-only socket)" : "")")
        do {
            try await connection.executeThenClose { inbound, _ in
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { await keepalive(session, channel: connection.channel) }
                    defer { session.teardown(drivers: services.drivers) }
                    for try await packet in inbound {
                        session.with { $0.lastInbound = .now }
                        if dispatcher.runsInline(packet.header) {
                            if case .closeConnection(let reason) = await dispatcher.dispatchCall(
                                packet, services: services, session: session)
                            {
                                logger.warning("closing connection: \(reason)")
                                return
                            }
                            continue
                        }
                        if let reason = route(packet, session: session, channel: connection.channel, group: &group) {
                            logger.warning("closing connection: \(reason)")
                            return
                        }
                    }
                }
            }
        } catch {
            logger.debug("connection ended: \(error)")
        }
        session.teardown(drivers: services.drivers)
        logger.debug("client disconnected")
    }

    /// libvirtd's keepalive (by default interval 5 s, count 5), for clients that asked for it: after an interval
    /// of silence the server pings; a client silent for (count + 1) intervals is dead and its connection closed.
    private func keepalive(_ session: ConnectionSession, channel: any Channel) async {
        let interval = services.keepalive.interval
        let limit = services.keepalive.count
        var lastPing = ContinuousClock.now
        let tick = min(Duration.seconds(1), interval / 2)
        while (try? await Task.sleep(for: tick)) != nil {
            let (closed, enabled, last) = session.with { ($0.closed, $0.keepalive, $0.lastInbound) }
            if closed { return }
            guard enabled else { continue }
            let silence = ContinuousClock.now - last
            if silence >= interval * (limit + 1) {
                session.logger.warning("closing connection: no keepalive response for \(silence)")
                channel.close(promise: nil)
                return
            }
            if silence >= interval && ContinuousClock.now - lastPing >= interval {
                lastPing = .now
                let ping = PacketHeader(
                    program: WireProgram.keepalive.rawValue, version: 1, procedure: KeepaliveProcedure.ping.rawValue,
                    type: .message, serial: 0, status: .ok)
                session.send(Packet(header: ping, payload: []))
            }
        }
    }

    /// Returns a reason when the connection must be closed.
    private func route(
        _ packet: Packet, session: ConnectionSession, channel: any Channel,
        group: inout ThrowingDiscardingTaskGroup<any Error>
    ) -> String? {
        let header = packet.header
        if header.program == WireProgram.keepalive.rawValue {
            if header.procedure == KeepaliveProcedure.ping.rawValue && header.type == .message {
                var pong = header
                pong.procedure = KeepaliveProcedure.pong.rawValue
                session.send(Packet(header: pong, payload: []))
            }
            return nil
        }
        guard header.program == Remote.program || header.program == Qemu.program || header.program == Lxc.program,
            header.version == 1
        else {
            session.sendError(
                to: header,
                VirtError(
                    .rpc, domain: .rpc, detail: "Cannot find program \(header.program) version \(header.version)"))
            return "unknown program 0x\(String(header.program, radix: 16)) version \(header.version)"
        }
        switch header.type {
        case .call, .callWithFDs:
            let services = services
            let dispatcher = dispatcher
            group.addTask {
                if case .closeConnection(let reason) = await dispatcher.dispatchCall(
                    packet, services: services, session: session)
                {
                    session.logger.warning("closing connection: \(reason)")
                    session.teardown(drivers: services.drivers)
                    channel.close(promise: nil)
                }
            }
            return nil
        case .stream, .streamHole:
            let (console, volume, outbound) = session.with {
                ($0.consoles[header.serial], $0.volumeStreams[header.serial], $0.outboundStreams[header.serial])
            }
            if header.type == .stream {
                console?.clientPacket(packet)
                outbound?.clientPacket(packet)
            }
            volume?.clientPacket(packet)
            return nil
        default:
            return "unexpected packet type \(header.type) for procedure \(header.procedure)"
        }
    }
}
