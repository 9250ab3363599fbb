import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import SwiftVirtCore
import SwiftVirtWire

/// One `virsh console` session: the host side of a guest's pty relayed as a libvirt stream on the
/// connection that opened it (type STREAM packets carrying the OPEN_CONSOLE call's serial).
final class ConsoleStream: Sendable {
    let serial: UInt32
    let domain: DomainUUID
    private let header: PacketHeader
    private let session: ConnectionSession
    private let channel: Mutex<Channel?> = Mutex(nil)
    private let finished = Atomic<Bool>(false)
    private let onClose: @Sendable (ConsoleStream) -> Void

    init(serial: UInt32, domain: DomainUUID, session: ConnectionSession, onClose: @escaping @Sendable (ConsoleStream) -> Void) {
        self.serial = serial
        self.domain = domain
        self.session = session
        self.onClose = onClose
        self.header = PacketHeader(
            program: WireProgram.remote.rawValue, version: 1, procedure: RemoteProcedure.domainOpenConsole.rawValue,
            type: .stream, serial: serial, status: .continue)
    }

    /// Opens the pty in raw mode and starts relaying guest output. Call after the OPEN_CONSOLE reply is queued.
    func start(ptyPath: String, group: any EventLoopGroup) async throws {
        let fd = open(ptyPath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw VirtError(
                .operationFailed, detail: "cannot open console '\(ptyPath)': \(String(cString: strerror(errno)))")
        }
        var attrs = termios()
        if tcgetattr(fd, &attrs) == 0 {
            cfmakeraw(&attrs)
            tcsetattr(fd, TCSANOW, &attrs)
        }
        let relay = PTYRelayHandler(stream: self)
        let ch = try await NIOPipeBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(relay) }
            }
            .takingOwnershipOfDescriptor(inputOutput: fd).get()
        channel.withLock { $0 = ch }
        if finished.load(ordering: .acquiring) { ch.close(promise: nil) }
    }

    /// Guest output → client.
    fileprivate func guestOutput(_ bytes: [UInt8]) {
        guard !finished.load(ordering: .acquiring) else { return }
        session.send(Packet(header: header, payload: bytes))
    }

    /// The pty went away (guest stopped): tell the client the stream has ended.
    fileprivate func guestClosed() {
        guard !finished.load(ordering: .acquiring) else { return }
        session.send(Packet(header: header, payload: []))
    }

    /// Client → guest, and the client's end-of-stream / abort.
    func clientPacket(_ packet: Packet) {
        switch packet.header.status {
        case .continue:
            guard !packet.payload.isEmpty else { return }
            let ch = channel.withLock { $0 }
            guard let ch else { return }
            ch.writeAndFlush(ch.allocator.buffer(bytes: packet.payload), promise: nil)
        case .ok, .error:
            // Finish or abort: both are acknowledged with an empty OK and the stream ends.
            var h = header
            h.status = .ok
            session.send(Packet(header: h, payload: []))
            close()
        }
    }

    func close() {
        guard !finished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        channel.withLock { $0 }?.close(promise: nil)
        onClose(self)
    }
}

private final class PTYRelayHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let stream: ConsoleStream
    init(stream: ConsoleStream) { self.stream = stream }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes), !bytes.isEmpty { stream.guestOutput(bytes) }
    }

    func channelInactive(context: ChannelHandlerContext) { stream.guestClosed() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EIO on the pty means QEMU closed its side: the guest is gone.
        context.close(promise: nil)
    }
}

/// At most one console per domain, as libvirt enforces; `force` takes it over.
final class ConsoleRegistry: Sendable {
    private let open = Mutex<[DomainUUID: ConsoleStream]>([:])

    func claim(_ stream: ConsoleStream, force: Bool, name: String) throws {
        let previous: ConsoleStream? = try open.withLock { map in
            if let existing = map[stream.domain] {
                guard force else { throw DaemonError.consoleBusy(name) }
                map[stream.domain] = stream
                return existing
            }
            map[stream.domain] = stream
            return nil
        }
        previous?.close()
    }

    func release(_ stream: ConsoleStream) {
        open.withLock { map in
            if map[stream.domain] === stream { map[stream.domain] = nil }
        }
    }
}
