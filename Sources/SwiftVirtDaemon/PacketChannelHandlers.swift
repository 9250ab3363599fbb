import Logging
import NIOCore
import SwiftVirtWire

/// Turns the byte stream into libvirt packets with the pure `PacketDecoder`. A framing error closes only
/// this connection, with the reason logged.
final class PacketFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Packet

    private var decoder = PacketDecoder()
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { decoder.append(bytes) }
        do {
            while let packet = try decoder.next() {
                context.fireChannelRead(wrapInboundOut(packet))
            }
        } catch {
            logger.warning("closing connection: malformed packet: \(error)")
            context.close(promise: nil)
        }
    }
}

final class PacketEncodeHandler: ChannelOutboundHandler {
    typealias OutboundIn = Packet
    typealias OutboundOut = ByteBuffer

    private let poller: LoopPoller?

    init(poller: LoopPoller?) { self.poller = poller }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let packet = unwrapOutboundIn(data)
        let buffer = context.channel.allocator.buffer(bytes: packet.encoded())
        context.write(wrapOutboundOut(buffer), promise: promise)
        poller?.replied()
    }
}
