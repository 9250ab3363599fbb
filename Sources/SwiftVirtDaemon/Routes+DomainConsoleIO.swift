import Glibc
import SwiftVirtCore
import SwiftVirtWire

/// Keys into a running guest, screenshots out of it (virsh send-key, screenshot), and direct connections to its
/// graphics server (virDomainOpenGraphicsFD, as virt-viewer --attach and virt-manager use it, and
/// virDomainOpenGraphics with the client's own socket).
enum DomainConsoleIORoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainSendKey.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainSendKey.info.api)
            let keys = try qnumCodes(args.keycodes, codeset: args.codeset)
            try await ctx.registry.withActive(args.dom.domainUUID()) { running in
                guard let console = running as? any GuestConsoleIO else {
                    throw Dispatcher.notSupported(Remote.DomainSendKey.info)
                }
                try await console.sendKeys(keys, holdMilliseconds: args.holdtime)
            }
            return XDRVoid()
        }
        table.raw(Remote.DomainOpenGraphicsFD.self) { payload, ctx in
            let args = try Route.arguments(of: Remote.DomainOpenGraphicsFD.self, payload)
            let skipAuth: UInt32 = 1  // VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH
            try checkFlags(args.flags, allowed: skipAuth, Remote.DomainOpenGraphicsFD.info.api)
            let descriptor = try await ctx.registry.withActive(args.dom.domainUUID()) { running in
                guard let graphics = running as? any GuestGraphicsAccess else {
                    throw Dispatcher.notSupported(Remote.DomainOpenGraphicsFD.info)
                }
                return try await graphics.openGraphics(index: args.idx, skipAuth: args.flags & skipAuth != 0)
            }
            // The descriptor is the reply: it follows the (empty) reply packet on the socket.
            try await ctx.session.sendReply(to: ctx.header, payload: [], passing: [descriptor])
            return nil
        }
        table.on(Remote.DomainOpenGraphics.self) { args, ctx in
            let skipAuth: UInt32 = 1  // VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH
            let uuid = try args.dom.domainUUID()
            _ = try await ctx.registry.record(uuid)
            // libvirtd takes the client's socket before anything else is checked; it stays the client's.
            let socket = try ctx.passed.take(0)
            defer { close(socket) }
            try checkFlags(args.flags, allowed: skipAuth, Remote.DomainOpenGraphics.info.api)
            try await ctx.registry.withActive(uuid) { running in
                guard let graphics = running as? any GuestGraphicsAccess else {
                    throw Dispatcher.notSupported(Remote.DomainOpenGraphics.info)
                }
                try await graphics.attachGraphicsClient(
                    index: args.idx, skipAuth: args.flags & skipAuth != 0, socket: socket)
            }
            return XDRVoid()
        }
        table.raw(Remote.DomainScreenshot.self) { payload, ctx in
            let args = try Route.arguments(of: Remote.DomainScreenshot.self, payload)
            try checkFlags(args.flags, allowed: 0, Remote.DomainScreenshot.info.api)
            let (mime, image) = try await ctx.registry.withActive(args.dom.domainUUID()) { running in
                guard let console = running as? any GuestConsoleIO else {
                    throw Dispatcher.notSupported(Remote.DomainScreenshot.info)
                }
                return try await console.screenshot(screen: args.screen)
            }
            // The reply names the type; the image follows as the call's stream.
            let stream = OutboundStream(header: ctx.header, session: ctx.session)
            ctx.session.with { $0.outboundStreams[ctx.header.serial] = stream }
            ctx.session.sendReply(to: ctx.header, payload: DomainScreenshotRet(mime: mime).xdrBytes())
            stream.send(image)
            return nil
        }
    }

    /// The QEMU driver sends QEMU's "qnum" codes: other sets are translated first, as libvirt does.
    static func qnumCodes(_ codes: [UInt32], codeset: UInt32) throws -> [UInt32] {
        if codeset == KeyCodeSet.qnum.rawValue { return codes }
        guard let set = KeyCodeSet(rawValue: codeset) else {
            throw VirtError(.invalidArg, domain: .qemu, detail: "unknown keycode set \(codeset)")
        }
        return try codes.map { code in
            guard let qnum = set.translate(code, to: .qnum) else {
                throw VirtError(
                    .internalError, domain: .qemu,
                    detail: "cannot translate keycode \(code) of \(set.name) codeset to qnum keycode")
            }
            return qnum
        }
    }
}

/// A stream of bytes the daemon has whole (a screenshot): sent as libvirt stream packets with the call's serial,
/// ended by an empty packet; the client's finish is acknowledged, its abort just ends it.
final class OutboundStream: Sendable {
    static let chunk = 256 * 1024
    private let header: PacketHeader
    private let session: ConnectionSession

    init(header: PacketHeader, session: ConnectionSession) {
        var h = header
        h.type = .stream
        h.status = .continue
        self.header = h
        self.session = session
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + Self.chunk, bytes.count)
            session.send(Packet(header: header, payload: Array(bytes[offset..<end])))
            offset = end
        }
        session.send(Packet(header: header, payload: []))
    }

    func clientPacket(_ packet: Packet) {
        switch packet.header.status {
        case .continue: return
        case .ok:
            var h = header
            h.status = .ok
            session.send(Packet(header: h, payload: []))
        case .error: break
        }
        let serial = header.serial
        session.with { _ = $0.outboundStreams.removeValue(forKey: serial) }
    }
}
