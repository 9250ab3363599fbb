import NIOCore
import SwiftVirtWire

/// One piece of a stream from the daemon: bytes, or (in a sparse stream) a run of zero bytes it skipped.
public enum VirtStreamChunk: Sendable, Equatable {
    case data([UInt8])
    case hole(UInt64)
}

/// A libvirt data stream (a domain console, a volume upload or download): bytes from the daemon arrive on
/// ``incoming`` (or ``chunks``, holes included); bytes for the daemon go through ``send(_:)``. ``finish()``
/// ends it cleanly, ``abort()`` abruptly. Read either ``incoming`` or ``chunks``, once.
public final class VirtStream: Sendable {
    /// Data and holes as the daemon sends them (holes only in sparse downloads). Ends when the daemon ends the
    /// stream (or after ``finish()``), and throws ``VirtClientError`` when the daemon reports a stream error or
    /// the connection drops.
    public let chunks: AsyncThrowingStream<VirtStreamChunk, any Error>
    let procedure: Int32
    let serial: UInt32
    let handler: NIOLoopBound<ClientChannelHandler>

    init(
        chunks: AsyncThrowingStream<VirtStreamChunk, any Error>, procedure: Int32, serial: UInt32,
        handler: NIOLoopBound<ClientChannelHandler>
    ) {
        self.chunks = chunks
        self.procedure = procedure
        self.serial = serial
        self.handler = handler
    }

    /// The bytes of ``chunks``, holes filled with zeros (in pieces of at most 256 KiB).
    public var incoming: AsyncThrowingStream<[UInt8], any Error> {
        let reader = ChunkReader(chunks.makeAsyncIterator())
        return AsyncThrowingStream { try await reader.next() }
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

    /// Sends `bytes` as one data packet and returns once it is written to the socket, so a sender looping over
    /// a file never queues more than one chunk. Keep chunks at most 256 KiB (libvirt's stream packet size).
    public func write(_ bytes: [UInt8]) async throws(VirtClientError) {
        guard !bytes.isEmpty else { return }
        let handler = handler
        let (procedure, serial) = (procedure, serial)
        let promise = handler.eventLoop.makePromise(of: Void.self)
        handler.eventLoop.execute {
            handler.value.sendStream(
                procedure: procedure, serial: serial, status: .continue, payload: bytes, written: promise)
        }
        do {
            try await promise.futureResult.get()
        } catch {
            throw VirtClientError.wrapping(error)
        }
    }

    /// Finishes an upload and waits for the daemon's confirmation (or its error, e.g. a failed write).
    public func finishAndWait() async throws(VirtClientError) {
        finish()
        do {
            for try await _ in incoming {}
        } catch {
            throw VirtClientError.wrapping(error)
        }
    }

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
        try await openStream(
            .domainOpenConsole, DomainOpenConsoleArgs(dom: domain, devName: device, flags: force ? 1 : 0))
    }

    /// Calls a procedure that opens a data stream: STREAM packets with the call's serial go to the stream
    /// from the moment the call is sent, since data may follow the reply at once.
    func openStream<Args: XDRCodable>(_ proc: RemoteProcedure, _ args: Args) async throws(VirtClientError)
        -> VirtStream
    {
        let (chunks, sink) = AsyncThrowingStream<VirtStreamChunk, any Error>.makeStream()
        let payload = args.xdrBytes()
        let procedure = proc.rawValue
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
        return VirtStream(chunks: chunks, procedure: procedure, serial: call.serial, handler: handler)
    }
}

/// Turns chunks into plain bytes for ``VirtStream/incoming``.
private final class ChunkReader: @unchecked Sendable {
    // Unchecked: AsyncThrowingStream(unfolding:) calls `next` one call at a time, never concurrently, so the
    // iterator and the pending hole are only ever touched by one task at a time.
    private var iterator: AsyncThrowingStream<VirtStreamChunk, any Error>.AsyncIterator
    private var holeLeft: UInt64 = 0
    static let piece: UInt64 = 256 * 1024

    init(_ iterator: AsyncThrowingStream<VirtStreamChunk, any Error>.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> [UInt8]? {
        while true {
            if holeLeft > 0 {
                let n = min(holeLeft, Self.piece)
                holeLeft -= n
                return [UInt8](repeating: 0, count: Int(n))
            }
            switch try await iterator.next() {
            case nil: return nil
            case .data(let bytes)?: return bytes
            case .hole(let length)?: holeLeft = length
            }
        }
    }
}
