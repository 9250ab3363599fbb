import NIOCore
import SwiftVirtWire

/// The data and holes of one stream (console, volume download) as they arrive, then its end or error.
typealias StreamContinuation = AsyncThrowingStream<VirtStreamChunk, any Error>.Continuation

/// The client end of one libvirt connection, living on the channel's event loop: it numbers calls, matches
/// replies to calls by serial (so any number of calls can be in flight and answered in any order), answers the
/// daemon's keepalive PINGs, routes stream packets to their stream and hands event MESSAGEs to `onMessage`.
///
/// All state is touched only on the event loop; `VirtConnection` reaches it through `NIOLoopBound`.
final class ClientChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var decoder = PacketDecoder()
    private var context: ChannelHandlerContext?
    private var nextSerial: UInt32 = 0
    private var pending: [UInt32: EventLoopPromise<Packet>] = [:]
    private var streams: [UInt32: StreamContinuation] = [:]
    private var closed = false
    /// Keepalive this side started: how many PINGs went unanswered by any inbound packet.
    private var unansweredPings = 0
    private var keepaliveTask: RepeatedTask?
    /// Event MESSAGEs of the REMOTE program (lifecycle, reboot, ...).
    let onMessage: @Sendable (Packet) -> Void

    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop, onMessage: @escaping @Sendable (Packet) -> Void) {
        self.eventLoop = eventLoop
        self.onMessage = onMessage
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    // MARK: Outbound

    /// Sends a CALL and returns the future of its REPLY packet (OK or ERROR). When `stream` is given, STREAM
    /// packets carrying this call's serial go to it from now on (data may follow the reply at once).
    func call(program: WireProgram, procedure: Int32, payload: [UInt8], stream: StreamContinuation? = nil)
        -> (serial: UInt32, reply: EventLoopFuture<Packet>)
    {
        let serial = nextSerial
        nextSerial &+= 1
        guard context != nil, !closed else {
            stream?.finish(throwing: VirtClientError.connectionClosed)
            return (serial, eventLoop.makeFailedFuture(VirtClientError.connectionClosed))
        }
        let promise = eventLoop.makePromise(of: Packet.self)
        pending[serial] = promise
        if let stream { streams[serial] = stream }
        write(Packet(header: header(program, procedure, .call, serial, .ok), payload: payload))
        return (serial, promise.futureResult)
    }

    /// Sends one STREAM packet for the stream opened by call `serial`: data (`.continue`), finish (`.ok`, empty)
    /// or abort (`.error`, empty).
    /// `written`, when given, completes once the packet is handed to the socket (the back-pressure of uploads).
    func sendStream(
        procedure: Int32, serial: UInt32, status: PacketStatus, payload: [UInt8],
        written: EventLoopPromise<Void>? = nil
    ) {
        guard !closed else {
            written?.fail(VirtClientError.connectionClosed)
            return
        }
        write(Packet(header: header(.remote, procedure, .stream, serial, status), payload: payload), promise: written)
        // After an abort the daemon's answer carries nothing the caller waits for.
        if status == .error { streams.removeValue(forKey: serial)?.finish() }
    }

    /// Pings the daemon after `interval` of silence and closes the connection after `count` unanswered pings,
    /// as libvirt clients do once the daemon agreed to keepalive.
    func startKeepalive(interval: TimeAmount, count: Int) {
        guard let context, keepaliveTask == nil else { return }
        // The task runs on this handler's loop, so the loop-bound reference is always valid there.
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        keepaliveTask = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let `self` = bound.value
            guard !self.closed else { return }
            if self.unansweredPings >= count {
                self.context?.close(promise: nil)
                return
            }
            self.unansweredPings += 1
            self.write(
                Packet(header: self.header(.keepalive, KeepaliveProcedure.ping.rawValue, .message, 0, .ok), payload: [])
            )
        }
    }

    private func header(
        _ program: WireProgram, _ procedure: Int32, _ type: PacketType, _ serial: UInt32, _ status: PacketStatus
    )
        -> PacketHeader
    {
        PacketHeader(
            program: program.rawValue, version: Remote.version, procedure: procedure, type: type, serial: serial,
            status: status)
    }

    private func write(_ packet: Packet, promise: EventLoopPromise<Void>? = nil) {
        guard let context else {
            promise?.fail(VirtClientError.connectionClosed)
            return
        }
        context.writeAndFlush(
            wrapOutboundOut(context.channel.allocator.buffer(bytes: packet.encoded())), promise: promise)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        decoder.append(buffer.readableBytesView)
        unansweredPings = 0
        do {
            while let packet = try decoder.next() { handle(packet) }
        } catch {
            failAll(.protocolViolation(Self.describe(error, limit: decoder.maxPacketLength)))
            context.close(promise: nil)
        }
    }

    /// libvirt's wording for a length word out of bounds; the decoder rejects it as soon as the 4 bytes
    /// arrive, so an oversize packet is never buffered.
    static func describe(_ error: FramingError, limit: Int) -> String {
        switch error {
        case .lengthTooLarge(let length):
            return "packet \(length - 4) bytes received from server too large, want \(limit)"
        case .lengthTooSmall(let length):
            return "packet \(length) bytes received from server too small, want \(Packet.minimumLength)"
        case .invalidType(let type): return "bad packet framing: unknown packet type \(type)"
        case .invalidStatus(let status): return "bad packet framing: unknown packet status \(status)"
        case .tooManyDescriptors(let count):
            return "Received too many FDs \(count), expected \(PacketDecoder.maxDescriptors) maximum"
        }
    }

    private func handle(_ packet: Packet) {
        let header = packet.header
        if header.program == WireProgram.keepalive.rawValue {
            if header.procedure == KeepaliveProcedure.ping.rawValue {
                write(
                    Packet(
                        header: self.header(.keepalive, KeepaliveProcedure.pong.rawValue, .message, 0, .ok), payload: []
                    ))
            }
            return
        }
        switch header.type {
        case .reply, .replyWithFDs:
            pending.removeValue(forKey: header.serial)?.succeed(packet)
        case .streamHole:
            // Only sparse downloads get these: a run of zeros the daemon skipped.
            guard let stream = streams[header.serial] else { return }
            guard let hole = try? StreamHole(xdrBytes: packet.payload), hole.length >= 0 else {
                streams.removeValue(forKey: header.serial)?.finish(
                    throwing: VirtClientError.protocolViolation("malformed stream hole packet"))
                return
            }
            stream.yield(.hole(UInt64(hole.length)))
        case .stream:
            guard let stream = streams[header.serial] else { return }
            switch header.status {
            case .continue where !packet.payload.isEmpty:
                stream.yield(.data(packet.payload))
            case .continue:
                // The daemon's end of data: confirm with an empty OK, as libvirt clients do.
                sendStream(procedure: header.procedure, serial: header.serial, status: .ok, payload: [])
                streams.removeValue(forKey: header.serial)?.finish()
            case .ok:
                streams.removeValue(forKey: header.serial)?.finish()
            case .error:
                let error = (try? RemoteError(xdrBytes: packet.payload)).map {
                    VirtClientError.remote(LibvirtError($0))
                }
                streams.removeValue(forKey: header.serial)?.finish(throwing: error ?? VirtClientError.connectionClosed)
            }
        case .message:
            onMessage(packet)
        default:
            return
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(.connectFailed(uri: "", reason: String(describing: error)))
        context.close(promise: nil)
    }

    private func failAll(_ error: VirtClientError) {
        closed = true
        keepaliveTask?.cancel()
        keepaliveTask = nil
        let waiting = pending
        pending = [:]
        for promise in waiting.values { promise.fail(error) }
        let open = streams
        streams = [:]
        for stream in open.values { stream.finish(throwing: error) }
    }
}
