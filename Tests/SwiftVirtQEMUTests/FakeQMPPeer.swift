import Foundation
import NIOCore
import NIOPosix

/// An in-process QMP server for the error paths real QEMU rarely produces (garbage, a hang, a close while a
/// command is pending). It greets, accepts qmp_capabilities, and then does `behaviour` for every other command.
final class FakeQMPPeer: Sendable {
    enum Behaviour: Sendable {
        case closeConnection
        case sendGarbage
        case neverReply
    }

    let path: String
    private let channel: any Channel

    init(path: String, behaviour: Behaviour) async throws {
        self.path = path
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(FakePeerHandler(behaviour: behaviour))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
    }

    func stop() async { try? await channel.close() }
}

private final class FakePeerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let behaviour: FakeQMPPeer.Behaviour
    var received = ""

    init(behaviour: FakeQMPPeer.Behaviour) { self.behaviour = behaviour }

    func channelActive(context: ChannelHandlerContext) {
        send(context, #"{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}}, "capabilities": []}}"#)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readString(length: buffer.readableBytes) ?? ""
        while let newline = received.firstIndex(of: "\n") {
            let line = String(received[..<newline])
            received = String(received[received.index(after: newline)...])
            if line.contains("qmp_capabilities") {
                send(context, #"{"return": {}, "id": 1}"#)
                continue
            }
            switch behaviour {
            case .closeConnection:
                // Shut down, then close: tests run in parallel, and a process another test spawns meanwhile
                // (Foundation's Process lets children inherit descriptors; NIO's accepted sockets are not
                // close-on-exec) can hold a copy of this socket, which a bare close would leave open, so the
                // client would never see the end of the connection.
                context.close(mode: .output, promise: nil)
                context.close(promise: nil)
            case .sendGarbage: send(context, "this is not json")
            case .neverReply: break
            }
        }
    }

    private func send(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
