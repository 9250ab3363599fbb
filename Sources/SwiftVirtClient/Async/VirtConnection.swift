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
            authTypes = try await call(Remote.AuthList.self).types
        } catch let error where error.libvirtError?.isUnsupported == true {
            authTypes = []
        }
        switch authTypes.first {
        case nil, 0: break
        case 2: _ = try await call(Remote.AuthPolkit.self)
        case let other?: throw .unsupportedAuth(other)
        }
        let name = uri.remoteName
        try await call(Remote.ConnectOpen.self, ConnectOpenArgs(name: name.isEmpty ? nil : name, flags: readOnly ? 1 : 0))
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
            return try await call(Remote.ConnectSupportsFeature.self, ConnectSupportsFeatureArgs(feature: feature)
            ).supported != 0
        } catch let error where error.libvirtError?.isUnsupported == true {
            return false
        }
    }

    /// Sends CONNECT_CLOSE (errors ignored: the connection goes away either way) and closes the transport.
    public func close() async {
        _ = try? await call(Remote.ConnectClose.self)
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

    /// Calls `procedure` (a generated descriptor such as `Remote.DomainGetXMLDesc`) with its arguments and decodes
    /// its reply. Every procedure of libvirt 9.0's programs has a descriptor, so any call can be made this way; the
    /// named methods of this type are the documented, friendlier layer above it.
    ///
    /// - Throws: ``VirtClientError/remote(_:)`` with libvirt's code, domain and message when the daemon answers
    ///   with an error; ``VirtClientError/connectionClosed`` when the connection ends first.
    @discardableResult
    public func call<P: WireProcedure>(_ procedure: P.Type, _ args: P.Args) async throws(VirtClientError) -> P.Ret {
        let info = P.info
        guard let program = WireProgram(rawValue: info.program), info.kind == .call else {
            throw .protocolViolation("\(info.name) is not a call")
        }
        let payload = try await callRaw(program: program, procedure: info.number, payload: args.xdrBytes())
        do {
            return try P.Ret(xdrBytes: payload)
        } catch {
            throw .protocolViolation("reply to \(info.name) does not decode: \(error)")
        }
    }

    /// A call without arguments.
    @discardableResult
    public func call<P: WireProcedure>(_ procedure: P.Type) async throws(VirtClientError) -> P.Ret
    where P.Args == XDRVoid {
        try await call(procedure, XDRVoid())
    }

    /// Sends one CALL with an already encoded payload and returns the OK reply's payload.
    public func callRaw(program: WireProgram = .remote, procedure: Int32, payload: [UInt8]) async throws(VirtClientError)
        -> [UInt8]
    {
        let handler = handler
        let future = channel.eventLoop.flatSubmit {
            handler.value.call(program: program, procedure: procedure, payload: payload).reply
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
