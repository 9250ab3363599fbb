import SwiftVirtCore
import SwiftVirtWire

/// Shutdown and reboot with their modes (virsh shutdown/reboot --mode acpi|agent), and the guest agent's
/// response timeout (virsh guest-agent-timeout), as libvirt's QEMU driver: with no mode the agent is used when it
/// is connected, ACPI otherwise or when the agent fails; `agent` alone uses only the agent and reports why it
/// cannot; `acpi,agent` tries the agent first, then ACPI.
enum GuestAgentPowerRoutes {
    static func register(into table: inout RouteTable) {
        table.on(Remote.DomainShutdown.self) { args, ctx in
            try await powerRequest(args.dom, flags: 0, reboot: false, Remote.DomainShutdown.info, ctx)
            return XDRVoid()
        }
        table.on(Remote.DomainShutdownFlags.self) { args, ctx in
            // VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN 1, _GUEST_AGENT 2
            try checkFlags(args.flags, allowed: 3, Remote.DomainShutdownFlags.info.api)
            try await powerRequest(args.dom, flags: args.flags, reboot: false, Remote.DomainShutdownFlags.info, ctx)
            return XDRVoid()
        }
        table.on(Remote.DomainReboot.self) { args, ctx in
            // VIR_DOMAIN_REBOOT_ACPI_POWER_BTN 1, _GUEST_AGENT 2
            try checkFlags(args.flags, allowed: 3, Remote.DomainReboot.info.api)
            try await powerRequest(args.dom, flags: args.flags, reboot: true, Remote.DomainReboot.info, ctx)
            return XDRVoid()
        }
        table.on(Remote.DomainAgentSetResponseTimeout.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainAgentSetResponseTimeout.info.api)
            guard args.timeout >= AgentResponseTimeout.block else {
                throw VirtError(
                    .invalidArg, domain: .qemu,
                    detail: "guest agent timeout '\(args.timeout)' is less than the minimum '-2'")
            }
            try await ctx.registry.setAgentTimeout(args.dom.domainUUID(), args.timeout)
            return DomainAgentSetResponseTimeoutRet(result: 0)
        }
    }

    /// `flags`: ACPI 1, agent 2 (the same bits for shutdown and reboot).
    private static func powerRequest(
        _ dom: RemoteNonnullDomain, flags: UInt32, reboot: Bool, _ info: ProcedureInfo, _ ctx: CallContext
    ) async throws {
        let uuid = try dom.domainUUID()
        let rec = try await ctx.registry.record(uuid)
        let agentRequested = flags & 2 != 0
        let acpiRequested = flags & 1 != 0
        var useAgent = agentRequested
        if flags == 0, let agent = rec.running as? any GuestAgentPower, await agent.agentConnected() {
            useAgent = true
        }
        if useAgent {
            // What the guest is asked for follows the domain's lifecycle actions, as libvirt: a shutdown of a
            // domain that restarts on power-off reboots it, a reboot of one that does not restart shuts it down.
            let definition = rec.live ?? rec.config
            let restart =
                reboot
                ? ![.destroy, .preserve].contains(definition.onReboot)
                : [.restart, .renameRestart].contains(definition.onPoweroff)
            do {
                let agent = try await GuestAgentRoutes.running(as: (any GuestAgentPower).self, dom, info, ctx)
                try await agent.agentPowerRequest(reboot: restart)
                return
            } catch {
                if agentRequested && !acpiRequested { throw error }
                // The guest may have gone away while the agent was asked.
                if !reboot, try await !ctx.registry.record(uuid).isActive { return }
            }
        }
        if reboot {
            try await ctx.registry.reboot(uuid)
        } else {
            try await ctx.registry.shutdown(uuid)
        }
    }
}
