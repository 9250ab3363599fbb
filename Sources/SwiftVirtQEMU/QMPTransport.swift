import NIOCore
import NIOPosix
import SwiftVirtSystem

/// What the socket delivers to the client, in order.
enum QMPInbound: Sendable {
    case line(String)
    case failed(String)
}

/// Splits the byte stream into lines; QMP sends exactly one JSON object per line.
struct QMPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    /// A line longer than this is not QMP; stop instead of buffering without bound.
    static let maximumLineLength = 16 << 20

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength { throw QMPError.malformedMessage("line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let line = buffer.readSlice(length: length)
        buffer.moveReaderIndex(forwardBy: 1)
        if let line { context.fireChannelRead(wrapInboundOut(line)) }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Hands every line, and the end of the connection, to an AsyncStream so one task consumes them in order.
final class QMPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let continuation: AsyncStream<QMPInbound>.Continuation

    init(continuation: AsyncStream<QMPInbound>.Continuation) { self.continuation = continuation }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let text = buffer.readString(length: buffer.readableBytes) ?? ""
        let trimmed = text.hasSuffix("\r") ? String(text.dropLast()) : text
        if !trimmed.isEmpty { continuation.yield(.line(trimmed)) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A socket error (QEMU gone with data unread: "connection reset") is the end of the connection, like EOF;
        // only what the decoder refuses is a malformed message.
        if !(error is IOError) { continuation.yield(.failed("\(error)")) }
        continuation.finish()
        context.close(promise: nil)
    }
}

enum QMPTransport {
    /// Connects to the socket at `path`.
    static func connect(path: String, group: any EventLoopGroup) async throws
        -> (any Channel, AsyncStream<QMPInbound>)
    {
        let connected = try await connectWithSocket(path: path, group: group)
        return (connected.channel, connected.inbound)
    }

    /// Connects to the monitor socket at `path`, and returns the socket's descriptor too: commands that hand
    /// QEMU a descriptor (`getfd`) send on it directly.
    static func connectWithSocket(path: String, group: any EventLoopGroup) async throws
        -> (channel: any Channel, socket: CInt, inbound: AsyncStream<QMPInbound>)
    {
        let (stream, continuation) = AsyncStream<QMPInbound>.makeStream()
        let socket = try DescriptorPassing.connect(unixPath: path)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(QMPLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(QMPStreamHandler(continuation: continuation))
                }
            }
            .withConnectedSocket(socket).get()
        return (channel, socket, stream)
    }
}
