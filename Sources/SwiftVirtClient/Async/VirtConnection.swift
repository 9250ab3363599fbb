import NIOCore
import NIOPosix
import SwiftVirtWire

/// An open connection to a libvirt daemon (libvirtd, virtqemud or swiftvirtd), speaking libvirt's remote
/// protocol over SwiftNIO.
///
/// Calls may overlap: each carries its own serial and its reply is matched by it, so concurrent tasks can share
/// one connection. The daemon's keepalive PINGs are answered; events arrive as `AsyncSequence`s
/// (``lifecycleEvents(domain:)``); consoles are ``VirtStream``s.
///
/// ```swift
/// let conn = try await VirtConnection.connect(to: LibvirtURI("qemu:///system"))
/// defer { Task { await conn.close() } }
/// for dom in try await conn.listAllDomains() { print(dom.name) }
/// ```
public final class VirtConnection: Sendable {
    /// The URI this connection was made from.
    public let uri: LibvirtURI
    /// Whether the daemon was asked for a read-only connection.
    public let readOnly: Bool
    let channel: any Channel
    let handler: NIOLoopBound<ClientChannelHandler>
    let events: EventRouter
    let helper: HelperProcess?

    /// Keepalive this client runs itself: ping after `interval` seconds of silence, give up after `count`
    /// unanswered pings (virsh uses 5 s and 6).
    public struct Keepalive: Sendable {
        public var interval: Int64
        public var count: Int
        public init(interval: Int64 = 5, count: Int = 6) {
            self.interval = interval
            self.count = count
        }
    }

    /// Connects to the daemon `uri` names (default: `$LIBVIRT_DEFAULT_URI`, else `qemu:///system`), then runs
    /// libvirt's prologue: AUTH_LIST (and AUTH_POLKIT when asked), CONNECT_OPEN with the URI's remote name,
    /// and, when `keepalive` is given and the daemon supports it, client keepalive.
    ///
    /// - Throws: ``VirtClientError/connectFailed(uri:reason:)`` when the transport cannot be set up,
    ///   ``VirtClientError/remote(_:)`` when the daemon refuses the connection.
    public static func connect(
        to uri: LibvirtURI? = nil, readOnly: Bool = false, keepalive: Keepalive? = Keepalive(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(VirtClientError) -> VirtConnection {
        let target: LibvirtURI
        if let uri { target = uri } else { target = try LibvirtURI.defaultURI() }
        let events = EventRouter()
        let (channel, helper) = try await Transport.open(target, readOnly: readOnly, group: group, events: events)
        let handler: NIOLoopBound<ClientChannelHandler>
        do {
            handler = try await channel.eventLoop.submit {
                NIOLoopBound(
                    try channel.pipeline.syncOperations.handler(type: ClientChannelHandler.self),
                    eventLoop: channel.eventLoop)
            }.get()
        } catch {
            channel.close(promise: nil)
            throw .protocolViolation("client handler missing from the channel pipeline")
        }
        let connection = VirtConnection(
            uri: target, readOnly: readOnly, channel: channel, handler: handler, events: events, helper: helper)
        do {
            try await connection.openSession()
            if let keepalive { try await connection.enableKeepalive(keepalive) }
        } catch {
            await connection.closeTransport()
            throw error
        }
        return connection
    }

    /// Convenience: parses `uriText` (nil = default URI) and connects.
    public static func connect(_ uriText: String?, readOnly: Bool = false) async throws(VirtClientError)
        -> VirtConnection
    {
        if let uriText { return try await connect(to: try LibvirtURI(uriText), readOnly: readOnly) }
        return try await connect(to: nil, readOnly: readOnly)
    }

    init(
        uri: LibvirtURI, readOnly: Bool, channel: any Channel, handler: NIOLoopBound<ClientChannelHandler>,
        events: EventRouter, helper: HelperProcess?
    ) {
        self.uri = uri
        self.readOnly = readOnly
        self.channel = channel
        self.handler = handler
        self.events = events
        self.helper = helper
    }

    private func openSession() async throws(VirtClientError) {
        let authTypes: [Int32]
        do {
            authTypes = try await call(.authList, returning: AuthListRet.self).types
        } catch let error where error.libvirtError?.isUnsupported == true {
            authTypes = []
        }
        switch authTypes.first {
        case nil, 0: break
        case 2: _ = try await call(.authPolkit, returning: AuthPolkitRet.self)
        case let other?: throw .unsupportedAuth(other)
        }
        let name = uri.remoteName
        try await call(.connectOpen, ConnectOpenArgs(name: name.isEmpty ? nil : name, flags: readOnly ? 1 : 0))
    }

    /// Asks whether the daemon supports keepalive (feature 10) and, if so, starts pinging it.
    private func enableKeepalive(_ keepalive: Keepalive) async throws(VirtClientError) {
        guard try await supportsFeature(10) else { return }
        let handler = handler
        channel.eventLoop.execute {
            handler.value.startKeepalive(interval: .seconds(keepalive.interval), count: keepalive.count)
        }
    }

    /// CONNECT_SUPPORTS_FEATURE; a daemon that does not know the call supports nothing.
    public func supportsFeature(_ feature: Int32) async throws(VirtClientError) -> Bool {
        do {
            return try await call(
                .connectSupportsFeature, ConnectSupportsFeatureArgs(feature: feature),
                returning: ConnectSupportsFeatureRet.self
            ).supported != 0
        } catch let error where error.libvirtError?.isUnsupported == true {
            return false
        }
    }

    /// Sends CONNECT_CLOSE (errors ignored: the connection goes away either way) and closes the transport.
    public func close() async {
        _ = try? await call(.connectClose)
        await closeTransport()
    }

    func closeTransport() async {
        try? await channel.close()
        helper?.terminate()
    }

    /// Completes when the connection ends (daemon exit, transport error, or ``close()``).
    public func waitUntilClosed() async {
        try? await channel.closeFuture.get()
    }

    // MARK: - Calls

    /// Calls `procedure` with `args` and decodes the reply as `Ret`.
    ///
    /// - Throws: ``VirtClientError/remote(_:)`` with libvirt's code, domain and message when the daemon answers
    ///   with an error; ``VirtClientError/connectionClosed`` when the connection ends first.
    @discardableResult
    public func call<Args: XDRCodable, Ret: XDRCodable>(
        _ procedure: RemoteProcedure, _ args: Args, returning: Ret.Type
    ) async throws(VirtClientError) -> Ret {
        let payload = try await callRaw(procedure: procedure.rawValue, payload: args.xdrBytes())
        do {
            return try Ret(xdrBytes: payload)
        } catch {
            throw .protocolViolation("reply to procedure \(procedure.rawValue) does not decode: \(error)")
        }
    }

    /// A call without arguments.
    public func call<Ret: XDRCodable>(_ procedure: RemoteProcedure, returning: Ret.Type) async throws(VirtClientError)
        -> Ret
    {
        try await call(procedure, XDRVoid(), returning: Ret.self)
    }

    /// A call whose reply carries nothing.
    public func call<Args: XDRCodable>(_ procedure: RemoteProcedure, _ args: Args) async throws(VirtClientError) {
        try await call(procedure, args, returning: XDRVoid.self)
    }

    /// A call with neither arguments nor reply.
    public func call(_ procedure: RemoteProcedure) async throws(VirtClientError) {
        try await call(procedure, XDRVoid(), returning: XDRVoid.self)
    }

    /// Sends one CALL of the REMOTE program with an already encoded payload and returns the OK reply's payload.
    public func callRaw(procedure: Int32, payload: [UInt8]) async throws(VirtClientError) -> [UInt8] {
        let handler = handler
        let future = channel.eventLoop.flatSubmit {
            handler.value.call(program: .remote, procedure: procedure, payload: payload).reply
        }
        return try await Self.replyPayload(future)
    }

    static func replyPayload(_ future: EventLoopFuture<Packet>) async throws(VirtClientError) -> [UInt8] {
        let packet: Packet
        do {
            packet = try await future.get()
        } catch {
            throw VirtClientError.wrapping(error)
        }
        guard packet.header.status == .error else { return packet.payload }
        do {
            throw VirtClientError.remote(LibvirtError(try RemoteError(xdrBytes: packet.payload)))
        } catch let error as VirtClientError {
            throw error
        } catch {
            throw .protocolViolation("error reply does not decode: \(error)")
        }
    }
}
