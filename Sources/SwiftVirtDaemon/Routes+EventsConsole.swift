import SwiftVirtCore
import SwiftVirtWire

/// Event callbacks and console streams: the procedures that leave something running on the connection.
enum EventConsoleRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.ConnectDomainEventCallbackRegisterAny.self) { (args: ConnectDomainEventCallbackRegisterAnyArgs, ctx) in
            guard let kind = DomainEventKind(rawValue: args.eventID) else {
                throw VirtError(.noSupport, detail: "event ID \(args.eventID)")
            }
            let uuid = try args.dom?.domainUUID()
            if let uuid { _ = try await ctx.registry.record(uuid) }
            let session = ctx.session
            let needsHub = session.with { $0.hubToken == nil }
            if needsHub {
                let hub = ctx.registry.events
                let token = hub.subscribe { [weak session] notice in session?.deliver(notice) }
                session.with { s in
                    if s.hubToken == nil { s.hubToken = token } else { hub.unsubscribe(token) }
                }
            }
            let id = session.with { s -> Int32 in
                let id = s.nextCallbackID
                s.nextCallbackID += 1
                s.callbacks[id] = ConnectionSession.EventCallback(eventID: kind.rawValue, domain: uuid)
                return id
            }
            return ConnectDomainEventCallbackRegisterAnyRet(callbackID: id)
        }
        table.on(Remote.ConnectDomainEventCallbackDeregisterAny.self) { (args: ConnectDomainEventCallbackDeregisterAnyArgs, ctx) in
            let removed = ctx.session.with { $0.callbacks.removeValue(forKey: args.callbackID) != nil }
            guard removed else {
                throw VirtError(.invalidArg, detail: "event callback \(args.callbackID) is not registered")
            }
            return XDRVoid()
        }
        table.raw(Remote.DomainOpenConsole.self) { payload, ctx in
            let args = try Route.arguments(of: Remote.DomainOpenConsole.self, payload)
            // FORCE 1, SAFE 2
            try checkFlags(args.flags, allowed: 3, "virDomainOpenConsole")
            let uuid = try args.dom.domainUUID()
            let path = try await ctx.registry.consolePath(uuid, device: args.devName)
            let consoles = ctx.services.consoles
            let session = ctx.session
            let serial = ctx.header.serial
            let stream = ConsoleStream(serial: serial, domain: uuid, session: session) { [weak session] closed in
                session?.with { _ = $0.consoles.removeValue(forKey: serial) }
                consoles.release(closed)
            }
            try consoles.claim(stream, force: args.flags & 1 != 0, name: args.dom.name)
            session.with { $0.consoles[serial] = stream }
            session.sendReply(to: ctx.header, payload: [])
            do {
                try await stream.start(ptyPath: path, group: ctx.services.eventLoopGroup)
            } catch {
                stream.close()
                var h = ctx.header
                h.type = .stream
                h.status = .error
                session.send(Packet(header: h, payload: ConnectionSession.encode(error.asVirtError)))
            }
            return nil
        }
    }
}
