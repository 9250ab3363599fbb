import NIOCore
import SwiftVirtWire

/// A libvirt data stream (a domain console): bytes from the daemon arrive on ``incoming``; bytes for the daemon
/// go through ``send(_:)``. ``finish()`` ends it cleanly, ``abort()`` abruptly.
public final class VirtStream: Sendable {
    /// Chunks as the daemon sends them. Ends when the daemon ends the stream (or after ``finish()``), and
    /// throws ``VirtClientError`` when the daemon reports a stream error or the connection drops.
    public let incoming: AsyncThrowingStream<[UInt8], any Error>
    let procedure: Int32
    let serial: UInt32
    let handler: NIOLoopBound<ClientChannelHandler>

    init(
        incoming: AsyncThrowingStream<[UInt8], any Error>, procedure: Int32, serial: UInt32,
        handler: NIOLoopBound<ClientChannelHandler>
    ) {
        self.incoming = incoming
        self.procedure = procedure
        self.serial = serial
        self.handler = handler
    }

    /// Sends `bytes` to the daemon (to the guest, for a console). Empty input sends nothing, since an empty
    /// data packet would mean end of stream.
    public func send(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        post(.continue, bytes)
    }

    /// Ends the stream normally; ``incoming`` ends once the daemon confirms.
    public func finish() { post(.ok, []) }

    /// Aborts the stream; ``incoming`` ends at once.
    public func abort() { post(.error, []) }

    private func post(_ status: PacketStatus, _ payload: [UInt8]) {
        let handler = handler
        let (procedure, serial) = (procedure, serial)
        handler.eventLoop.execute {
            handler.value.sendStream(procedure: procedure, serial: serial, status: status, payload: payload)
        }
    }
}

extension VirtConnection {
    /// Opens the console of `domain` (DOMAIN_OPEN_CONSOLE): `device` names a console or serial alias (nil for
    /// the first), `force` takes it over from another client.
    public func openConsole(_ domain: RemoteNonnullDomain, device: String? = nil, force: Bool = false)
        async throws(VirtClientError) -> VirtStream
    {
        let (incoming, sink) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let payload = DomainOpenConsoleArgs(dom: domain, devName: device, flags: force ? 1 : 0).xdrBytes()
        let procedure = RemoteProcedure.domainOpenConsole.rawValue
        let handler = handler
        let opened = channel.eventLoop.submit {
            handler.value.call(program: .remote, procedure: procedure, payload: payload, stream: sink)
        }
        let call: (serial: UInt32, reply: EventLoopFuture<Packet>)
        do {
            call = try await opened.get()
        } catch {
            throw VirtClientError.wrapping(error)
        }
        do {
            _ = try await Self.replyPayload(call.reply)
        } catch {
            sink.finish(throwing: error)
            throw error
        }
        return VirtStream(incoming: incoming, procedure: procedure, serial: call.serial, handler: handler)
    }
}
