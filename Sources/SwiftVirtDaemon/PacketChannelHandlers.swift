import Glibc
import Logging
import NIOCore
import SwiftVirtSystem
import SwiftVirtWire

/// Turns the byte stream into libvirt packets with the pure `PacketDecoder`, and gives a CALL_WITH_FDS packet
/// the descriptors that came with it from the connection's inbox. A framing error closes only this connection,
/// with the reason logged.
final class PacketFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = Packet

    private var decoder = PacketDecoder()
    private let logger: Logger
    private let inbox: DescriptorInbox?

    init(logger: Logger, inbox: DescriptorInbox?) {
        self.logger = logger
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes) { decoder.append(bytes) }
        do {
            while var packet = try decoder.next() {
                if packet.header.type == .callWithFDs {
                    // The decoder returned the call after the descriptors' carrier bytes, so they are in the inbox.
                    let count = packet.payload.count >= 4 ? Int(packet.payload.prefix(4).reduce(0) { $0 << 8 | Int($1) }) : 0
                    packet.descriptors = inbox?.take(count) ?? []
                    if packet.descriptors.count < count {
                        for fd in packet.descriptors { close(fd) }
                        logger.warning("closing connection: a call announced \(count) descriptors, \(packet.descriptors.count) came")
                        context.close(promise: nil)
                        return
                    }
                }
                context.fireChannelRead(wrapInboundOut(packet))
            }
        } catch {
            logger.warning("closing connection: malformed packet: \(error)")
            context.close(promise: nil)
        }
    }

    /// The channel closed its socket: descriptors that arrived after the last call are closed with the inbox.
    func handlerRemoved(context: ChannelHandlerContext) { inbox?.close() }
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
