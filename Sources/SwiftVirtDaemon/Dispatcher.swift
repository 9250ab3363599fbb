import Logging
import SwiftVirtCore
import SwiftVirtWire

/// The one table from procedure number to handler, and the rules every call goes through: program and
/// version checks, "open first", read-only refusal, error mapping.
struct Dispatcher: Sendable {
    let routes: [Int32: Route]

    init() {
        var table: [Int32: Route] = [:]
        ConnectRoutes.register(into: &table)
        DomainQueryRoutes.register(into: &table)
        DomainLifecycleRoutes.register(into: &table)
        EventConsoleRoutes.register(into: &table)
        NetworkRoutes.register(into: &table)
        StorageRoutes.register(into: &table)
        routes = table
    }

    /// Procedures a client may call before CONNECT_OPEN.
    static let beforeOpen: Set<Int32> = [
        RemoteProcedure.connectOpen.rawValue, RemoteProcedure.authList.rawValue,
        RemoteProcedure.connectSupportsFeature.rawValue, RemoteProcedure.connectClose.rawValue,
        RemoteProcedure.authPolkit.rawValue,
    ]

    /// Quick read-only queries that never wait on a guest job: the connection's own task runs them in place
    /// instead of spawning a task per call, which saved a task creation and a thread hand-off per call.
    /// Calls that may wait (lifecycle, QMP, streams) keep their own task so one connection can overlap them.
    static let runInline: Set<Int32> = [
        RemoteProcedure.domainLookupByName.rawValue, RemoteProcedure.domainLookupByUuid.rawValue,
        RemoteProcedure.domainLookupById.rawValue, RemoteProcedure.connectListAllDomains.rawValue,
        RemoteProcedure.domainGetInfo.rawValue, RemoteProcedure.domainGetXmlDesc.rawValue,
        RemoteProcedure.connectGetLibVersion.rawValue, RemoteProcedure.connectGetVersion.rawValue,
        RemoteProcedure.connectSupportsFeature.rawValue, RemoteProcedure.authList.rawValue,
    ]

    /// The message must start with "unknown procedure" (clients turn exactly that into "not supported" and fall
    /// back); the protocol name after the number tells a person which call it was.
    static func unknownProcedure(_ number: Int32) -> VirtError {
        var message = "unknown procedure: \(number)"
        if let known = RemoteProcedure(rawValue: number) {
            let camel = String(describing: known)
            var snake = "REMOTE_PROC_"
            for ch in camel {
                if ch.isUppercase { snake += "_" }
                snake += ch.uppercased()
            }
            message += " (\(snake) is not implemented by swiftvirtd)"
        }
        return VirtError(.rpc, domain: .rpc, message)
    }

    enum Outcome {
        case handled
        /// The peer broke the protocol; the connection must be closed.
        case closeConnection(reason: String)
    }

    func dispatchCall(_ packet: Packet, services: DaemonServices, session: ConnectionSession) async -> Outcome {
        let header = packet.header
        guard let route = routes[header.procedure] else {
            session.sendError(to: header, Self.unknownProcedure(header.procedure))
            return .handled
        }
        if !session.isOpen && !Self.beforeOpen.contains(header.procedure) {
            session.sendError(to: header, DaemonError.connectionNotOpen.virtError)
            return .handled
        }
        if session.isReadOnly && !route.readOnlyAllowed {
            session.sendError(to: header, DaemonError.readOnly(procedure: route.api).virtError)
            return .handled
        }
        let context = CallContext(services: services, session: session, header: header)
        do {
            if let reply = try await route.run(packet.payload, context) {
                session.sendReply(to: header, payload: reply)
            }
        } catch let bad as Route.BadArguments {
            return .closeConnection(reason: bad.description)
        } catch {
            let mapped = error.asVirtError
            services.logger.debug("\(route.api) failed: \(mapped.message)")
            session.sendError(to: header, mapped)
        }
        return .handled
    }
}
