import SwiftVirtWire

/// A synchronous client for libvirt's remote protocol over a unix socket: one call at a time, each waiting
/// for its reply. Keepalive PINGs that arrive meanwhile are answered; event MESSAGEs are ignored.
///
/// Not Sendable: it owns a socket and a serial counter and is meant for one thread (a CLI, a test).
public final class RemoteClient {
    public let socketPath: String
    private let socket: UnixStreamSocket
    private var packets = PacketDecoder()
    private var nextSerial: UInt32 = 0
    private var isOpen = false

    /// Connects to `socketPath`. `receiveTimeout` (seconds) bounds each wait for a reply; nil waits forever.
    public init(socketPath: String, receiveTimeout: Double? = 60) throws(ClientError) {
        self.socketPath = socketPath
        socket = try UnixStreamSocket(connectingTo: socketPath, receiveTimeout: receiveTimeout)
    }

    deinit { socket.close() }

    /// The connection prologue: AUTH_LIST (then AUTH_POLKIT if the server asks for it), then CONNECT_OPEN.
    /// `uri` is the name CONNECT_OPEN carries; flag 1 asks for a read-only connection.
    public func open(uri: String? = "qemu:///system", readOnly: Bool = false) throws(ClientError) {
        let authTypes: [Int32]
        do {
            authTypes = try call(.authList, returning: AuthListRet.self).types
        } catch let error where error.isUnsupportedProcedure {
            authTypes = []
        }
        switch authTypes.first {
        case nil, 0: break
        case 2: _ = try call(.authPolkit, returning: AuthPolkitRet.self)
        case let other?: throw .unsupportedAuth(other)
        }
        try call(.connectOpen, ConnectOpenArgs(name: uri, flags: readOnly ? 1 : 0))
        isOpen = true
    }

    /// Sends CONNECT_CLOSE if the connection was opened, then closes the socket. Errors are ignored: the
    /// socket goes away either way.
    public func close() {
        if isOpen {
            isOpen = false
            _ = try? call(.connectClose)
        }
        socket.close()
    }

    // MARK: - Calls

    /// Calls `procedure` with `args` and decodes its reply as `Ret`. A remote_error reply throws `.remote`.
    @discardableResult
    public func call<Args: XDRCodable, Ret: XDRCodable>(
        _ procedure: RemoteProcedure, _ args: Args, returning: Ret.Type
    ) throws(ClientError) -> Ret {
        let payload = try callRaw(procedure: procedure.rawValue, payload: args.xdrBytes())
        do {
            return try Ret(xdrBytes: payload)
        } catch {
            throw .malformedReply(procedure: procedure.rawValue, error)
        }
    }

    public func call<Ret: XDRCodable>(_ procedure: RemoteProcedure, returning: Ret.Type) throws(ClientError) -> Ret {
        try call(procedure, XDRVoid(), returning: Ret.self)
    }

    public func call<Args: XDRCodable>(_ procedure: RemoteProcedure, _ args: Args) throws(ClientError) {
        try call(procedure, args, returning: XDRVoid.self)
    }

    public func call(_ procedure: RemoteProcedure) throws(ClientError) {
        try call(procedure, XDRVoid(), returning: XDRVoid.self)
    }

    /// Sends one CALL of the REMOTE program and returns the OK reply's payload.
    public func callRaw(procedure: Int32, payload: [UInt8]) throws(ClientError) -> [UInt8] {
        let serial = nextSerial
        nextSerial &+= 1
        let request = Packet(
            header: PacketHeader(
                program: WireProgram.remote.rawValue, version: wireProtocolVersion, procedure: procedure, type: .call,
                serial: serial, status: .ok),
            payload: payload)
        try socket.sendAll(request.encoded())
        while true {
            let packet = try nextPacket(waitingFor: procedure)
            let header = packet.header
            if header.program == WireProgram.keepalive.rawValue {
                try answerKeepalive(header)
                continue
            }
            // Events may arrive between a call and its reply; this client does not subscribe to them.
            if header.type == .message { continue }
            guard header.program == WireProgram.remote.rawValue, header.type == .reply, header.serial == serial
            else { throw .unexpectedPacket(header) }
            switch header.status {
            case .ok:
                return packet.payload
            case .error:
                let remote: RemoteError
                do {
                    remote = try RemoteError(xdrBytes: packet.payload)
                } catch {
                    throw .malformedReply(procedure: procedure, error)
                }
                throw .remote(remote)
            case .continue:
                throw .unexpectedPacket(header)
            }
        }
    }

    private func nextPacket(waitingFor procedure: Int32) throws(ClientError) -> Packet {
        while true {
            do {
                if let packet = try packets.next() { return packet }
            } catch {
                throw .framing(error)
            }
            guard let bytes = try socket.receive() else { throw .timedOut(procedure: procedure) }
            if bytes.isEmpty { throw .connectionClosed }
            packets.append(bytes)
        }
    }

    private func answerKeepalive(_ header: PacketHeader) throws(ClientError) {
        guard header.procedure == KeepaliveProcedure.ping.rawValue else { return }
        let pong = Packet(
            header: PacketHeader(
                program: WireProgram.keepalive.rawValue, version: wireProtocolVersion,
                procedure: KeepaliveProcedure.pong.rawValue, type: .message, serial: 0, status: .ok),
            payload: [])
        try socket.sendAll(pong.encoded())
    }
}
