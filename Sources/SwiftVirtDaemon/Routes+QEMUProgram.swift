import SwiftVirtCore
import SwiftVirtWire

/// libvirt's QEMU program (`virsh qemu-monitor-command`, `qemu-monitor-event`): straight to a guest's monitor.
/// Its other procedures (attach, monitor commands with fds) answer "not supported" from the dispatcher.
enum QEMUProgramRoutes {
    /// VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP
    static let humanMonitor: UInt32 = 1
    /// VIR_CONNECT_DOMAIN_QEMU_MONITOR_EVENT_REGISTER_REGEX, _NOCASE
    static let eventRegex: UInt32 = 1
    static let eventNoCase: UInt32 = 2

    static func register(into table: inout RouteTable) {
        table.on(Qemu.DomainMonitorCommand.self) { args, ctx in
            try checkFlags(args.flags, allowed: humanMonitor, Qemu.DomainMonitorCommand.info.api)
            let result = try await ctx.registry.withRunning(try args.dom.domainUUID()) { running in
                guard let monitor = running as? any MonitorPassthrough else {
                    throw Dispatcher.notSupported(Qemu.DomainMonitorCommand.info)
                }
                return try await monitor.monitorCommand(args.cmd, humanMonitor: args.flags & humanMonitor != 0)
            }
            return QemuDomainMonitorCommandRet(result: result)
        }
        table.on(Qemu.DomainAgentCommand.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Qemu.DomainAgentCommand.info.api)
            let result = try await ctx.registry.withRunning(try args.dom.domainUUID()) { running in
                guard let monitor = running as? any MonitorPassthrough else {
                    throw Dispatcher.notSupported(Qemu.DomainAgentCommand.info)
                }
                return try await monitor.agentCommand(args.cmd, timeout: args.timeout)
            }
            return QemuDomainAgentCommandRet(result: result)
        }
        table.on(Qemu.ConnectDomainMonitorEventRegister.self) { args, ctx in
            let api = Qemu.ConnectDomainMonitorEventRegister.info.api
            try checkFlags(args.flags, allowed: eventRegex | eventNoCase, api)
            let caseless = args.flags & eventNoCase != 0
            let filter: MonitorEventHub.Filter
            switch (args.event, args.flags & eventRegex != 0) {
            case (nil, _): filter = .all
            case (let pattern?, true):
                guard (try? Regex(pattern)) != nil else {
                    throw VirtError(.invalidArg, detail: "failed to compile regex '\(pattern)'")
                }
                filter = .pattern(pattern, caseless: caseless)
            case (let name?, false): filter = .name(name, caseless: caseless)
            }
            var domain: DomainUUID?
            if let dom = args.dom { domain = try await ctx.registry.record(try dom.domainUUID()).config.uuid }
            let id = ctx.registry.monitorEvents.register(ctx.session, domain: domain, filter: filter)
            return QemuConnectDomainMonitorEventRegisterRet(callbackID: id)
        }
        table.on(Qemu.ConnectDomainMonitorEventDeregister.self) { args, ctx in
            guard ctx.registry.monitorEvents.deregister(ctx.session, callbackID: args.callbackID) else {
                throw VirtError(
                    .internalError, detail: "qemu monitor event callback \(args.callbackID) not registered")
            }
            return XDRVoid()
        }
    }
}
