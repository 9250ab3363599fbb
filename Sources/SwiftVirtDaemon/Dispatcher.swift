import Logging
import SwiftVirtCore
import SwiftVirtWire

/// The one table from procedure to handler, and the rules every call goes through: program and version checks,
/// "open first", read-only refusal, error mapping. Every procedure of the four programs decodes its arguments
/// (from the generated descriptors); one without a handler here answers as libvirt does for a function its
/// driver lacks.
struct Dispatcher: Sendable {
    let table: RouteTable

    init() {
        var table = RouteTable()
        ConnectRoutes.register(into: &table)
        NodeStatsRoutes.register(into: &table)
        DomainQueryRoutes.register(into: &table)
        DomainLifecycleRoutes.register(into: &table)
        DomainDeviceRoutes.register(into: &table)
        DomainStatsRoutes.register(into: &table)
        DomainChangeRoutes.register(into: &table)
        DomainVCPURoutes.register(into: &table)
        DomainConsoleIORoutes.register(into: &table)
        GuestAgentRoutes.register(into: &table)
        GuestAgentPowerRoutes.register(into: &table)
        EventConsoleRoutes.register(into: &table)
        NetworkRoutes.register(into: &table)
        StorageRoutes.register(into: &table)
        SecretRoutes.register(into: &table)
        NWFilterRoutes.register(into: &table)
        NodeDeviceRoutes.register(into: &table)
        InterfaceRoutes.register(into: &table)
        QEMUProgramRoutes.register(into: &table)
        self.table = table
    }

    /// Procedures a client may call before CONNECT_OPEN.
    static let beforeOpen: Set<Int32> = [
        RemoteProcedure.connectOpen.rawValue, RemoteProcedure.authList.rawValue,
        RemoteProcedure.connectSupportsFeature.rawValue, RemoteProcedure.connectClose.rawValue,
        RemoteProcedure.authPolkit.rawValue,
    ]

    /// Whether the connection's own task should run this call in place (see `Route.inline`).
    func runsInline(_ header: PacketHeader) -> Bool {
        header.type == .call && header.version == 1
            && table.route(program: header.program, procedure: header.procedure)?.inline == true
    }

    /// A number no program of libvirt 9.0 defines: libvirtd's RPC error (VIR_ERR_RPC, whose form is the detail
    /// alone), whose text clients turn into "not supported" for their fallbacks.
    static func unknownProcedure(_ number: Int32) -> VirtError {
        VirtError(.rpc, domain: .rpc, detail: "unknown procedure: \(number)")
    }

    /// What libvirt answers when the connection's driver lacks the function: VIR_ERR_NO_SUPPORT from the public
    /// API's error domain, naming the function.
    static func notSupported(_ info: ProcedureInfo) -> VirtError {
        VirtError(.noSupport, domain: errorDomain(of: info), detail: info.api)
    }

    /// The error domain of the file libvirt's public function lives in (`VIR_FROM_THIS` of `src/libvirt-*.c`).
    static func errorDomain(of info: ProcedureInfo) -> VirtErrorDomain {
        guard info.program == Remote.program else { return .none }
        let api = info.api
        let families: [(String, VirtErrorDomain)] = [
            ("DomainSnapshot", .domainSnapshot), ("DomainCheckpoint", .domainCheckpoint), ("NWFilter", .nwfilter),
            ("NodeDevice", .nodeDevice), ("Secret", .secret), ("Interface", .interface), ("StoragePool", .storage),
            ("StorageVol", .storage), ("Network", .network), ("Stream", .streams),
        ]
        for (word, domain) in families where api.contains(word) { return domain }
        return .domain
    }

    enum Outcome {
        case handled
        /// The peer broke the protocol; the connection must be closed.
        case closeConnection(reason: String)
    }

    func dispatchCall(_ packet: Packet, services: DaemonServices, session: ConnectionSession) async -> Outcome {
        let header = packet.header
        let passed = PassedDescriptors(packet.descriptors)
        defer { passed.closeRemaining() }
        // A CALL_WITH_FDS payload leads with the descriptor count; the procedure's arguments follow.
        let arguments = header.type == .callWithFDs ? Array(packet.payload.dropFirst(4)) : packet.payload
        guard let procedure = WirePrograms.procedure(program: header.program, number: header.procedure),
            procedure.info.kind == .call
        else {
            session.sendError(to: header, Self.unknownProcedure(header.procedure))
            return .handled
        }
        let info = procedure.info
        let route = table.route(program: header.program, procedure: header.procedure)
        if !session.isOpen && !(header.program == Remote.program && Self.beforeOpen.contains(header.procedure)) {
            session.sendError(to: header, DaemonError.connectionNotOpen.virtError)
            return .handled
        }
        if session.isReadOnly && !(route?.readOnlyAllowed ?? (info.readOnly == .allowed)) {
            session.sendError(to: header, DaemonError.readOnly(procedure: info.api).virtError)
            return .handled
        }
        guard let route else {
            // Decoded anyway: a call we cannot serve must still be a well-formed one.
            do throws(XDRError) {
                try procedure.validateArguments(arguments)
            } catch {
                return .closeConnection(reason: Route.BadArguments(api: info.api, error: error).description)
            }
            session.sendError(to: header, Self.notSupported(info))
            return .handled
        }
        let driver = session.driver ?? services.defaultDriver
        var context = CallContext(services: services, session: session, header: header, driver: driver)
        context.passed = passed
        do {
            if let reply = try await route.run(arguments, context) {
                session.sendReply(to: header, payload: reply)
            }
        } catch let bad as Route.BadArguments {
            return .closeConnection(reason: bad.description)
        } catch {
            let mapped = error.asVirtError(driverDomain: driver.errorDomain)
            services.logger.debug("\(route.api) failed: \(mapped.logDescription)")
            session.sendError(to: header, mapped)
        }
        return .handled
    }
}
