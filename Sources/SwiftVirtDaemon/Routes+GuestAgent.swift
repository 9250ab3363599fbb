import SwiftVirtCore
import SwiftVirtWire

/// What a guest's agent tells and does (virsh domtime, domfsinfo, guestinfo, domhostname, domfsfreeze/thaw/trim,
/// set-user-password, guestvcpus), and disk sizes (domblkinfo).
enum GuestAgentRoutes {
    static func register(into table: inout RouteTable) {
        registerTime(into: &table)
        registerFilesystems(into: &table)
        table.on(Remote.DomainGetGuestInfo.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainGetGuestInfo.info.api)
            let types = GuestInfoTypes(rawValue: args.types)
            let unknown = types.subtracting(.all)
            guard unknown.isEmpty else {
                throw VirtError(
                    .invalidArg, domain: .qemu,
                    detail: "unsupported guest information types '0x\(String(unknown.rawValue, radix: 16))'")
            }
            let params = try await withAgent(args.dom, Remote.DomainGetGuestInfo.info, ctx) {
                try await $0.guestInfo(types)
            }
            return DomainGetGuestInfoRet(params: params.map(\.wire))
        }
        table.on(Remote.DomainGetHostname.self) { args, ctx in
            // VIR_DOMAIN_GET_HOSTNAME_LEASE 1, _AGENT 2
            try checkFlags(args.flags, allowed: 3, Remote.DomainGetHostname.info.api)
            guard args.flags != 3 else {
                throw VirtError(
                    .invalidArg, domain: .domain,
                    detail:
                        "Flags 'VIR_DOMAIN_GET_HOSTNAME_LEASE' and 'VIR_DOMAIN_GET_HOSTNAME_AGENT' are mutually exclusive"
                )
            }
            let uuid = try args.dom.domainUUID()
            let name: String?
            if args.flags == 1 {
                name = try await leaseHostname(uuid, ctx)
            } else {
                name = try await withAgent(args.dom, Remote.DomainGetHostname.info, ctx) {
                    try await $0.guestHostname()
                }
            }
            guard let name else {
                let domain = try await ctx.registry.record(uuid).config.name
                throw VirtError(.noHostname, domain: .qemu, detail: "no hostname found for domain \(domain)")
            }
            return DomainGetHostnameRet(hostname: name)
        }
        table.on(Remote.DomainGetGuestVcpus.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainGetGuestVcpus.info.api)
            let vcpus = try await withAgent(args.dom, Remote.DomainGetGuestVcpus.info, ctx) {
                try await $0.guestVCPUs()
            }
            func list(_ keep: ((id: Int, online: Bool, offlinable: Bool)) -> Bool) -> RemoteTypedParamValue {
                .string(CPUSet(vcpus.filter(keep).map(\.id)).description)
            }
            return DomainGetGuestVcpusRet(params: [
                RemoteTypedParam(field: "vcpus", value: list { _ in true }),
                RemoteTypedParam(field: "online", value: list(\.online)),
                RemoteTypedParam(field: "offlinable", value: list(\.offlinable)),
            ])
        }
        table.on(Remote.DomainSetGuestVcpus.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainSetGuestVcpus.info.api)
            guard args.state == 0 || args.state == 1 else {
                throw VirtError(.invalidArg, domain: .qemu, detail: "unsupported state value")
            }
            guard let ids = CPUSet(parsing: args.cpumap) else {
                throw VirtError(.invalidArg, domain: .qemu, detail: "Failed to parse bitmap '\(args.cpumap)'")
            }
            try await withAgent(args.dom, Remote.DomainSetGuestVcpus.info, ctx) {
                try await $0.setGuestVCPUs(ids.members, online: args.state == 1)
            }
            return XDRVoid()
        }
        table.on(Remote.DomainSetUserPassword.self) { args, ctx in
            // VIR_DOMAIN_PASSWORD_ENCRYPTED 1
            try checkFlags(args.flags, allowed: 1, Remote.DomainSetUserPassword.info.api)
            try await withAgent(args.dom, Remote.DomainSetUserPassword.info, ctx) {
                try await $0.setGuestUserPassword(
                    user: args.user ?? "", password: args.password ?? "", crypted: args.flags & 1 != 0)
            }
            return XDRVoid()
        }
        table.on(Remote.DomainGetBlockInfo.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainGetBlockInfo.info.api)
            let info = try await DomainBlockInfo.info(
                of: args.path, in: args.dom.domainUUID(), ctx.registry, hypervisor: ctx.hypervisor)
            return DomainGetBlockInfoRet(allocation: info.allocation, capacity: info.capacity, physical: info.physical)
        }
    }

    private static func registerTime(into table: inout RouteTable) {
        table.on(Remote.DomainGetTime.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainGetTime.info.api)
            let time = try await withAgent(args.dom, Remote.DomainGetTime.info, ctx) { try await $0.guestTime() }
            return DomainGetTimeRet(seconds: time.seconds, nseconds: time.nanoseconds)
        }
        table.on(Remote.DomainSetTime.self) { args, ctx in
            // VIR_DOMAIN_TIME_SYNC 1
            try checkFlags(args.flags, allowed: 1, Remote.DomainSetTime.info.api)
            // libvirt's QEMU driver checks the domain's QEMU for rtc-reset-reinjection first on x86; an inactive
            // domain has no QEMU, so it never has the command.
            let rec = try await ctx.registry.record(args.dom.domainUUID())
            if !rec.isActive, ctx.hypervisor.scheme == "qemu", [nil, "x86_64", "i686"].contains(rec.config.os.arch) {
                throw VirtError(
                    .operationUnsupported, domain: .qemu,
                    detail: "cannot set time: qemu doesn't support rtc-reset-reinjection command")
            }
            try await withAgent(args.dom, Remote.DomainSetTime.info, ctx) {
                try await $0.setGuestTime(
                    seconds: args.seconds, nanoseconds: args.nseconds, fromRTC: args.flags & 1 != 0)
            }
            return XDRVoid()
        }
    }

    private static func registerFilesystems(into table: inout RouteTable) {
        table.on(Remote.DomainGetFSInfo.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainGetFSInfo.info.api)
            let filesystems = try await withAgent(args.dom, Remote.DomainGetFSInfo.info, ctx) {
                try await $0.guestFilesystems()
            }
            let info = filesystems.map {
                RemoteDomainFsinfo(mountpoint: $0.mountpoint, name: $0.name, fstype: $0.type, devAliases: $0.disks)
            }
            return DomainGetFsinfoRet(info: info, ret: UInt32(info.count))
        }
        table.on(Remote.DomainFSFreeze.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainFSFreeze.info.api)
            let frozen = try await withAgent(args.dom, Remote.DomainFSFreeze.info, ctx) {
                try await $0.freezeGuestFilesystems(args.mountpoints)
            }
            return DomainFsfreezeRet(filesystems: Int32(clamping: frozen))
        }
        table.on(Remote.DomainFSThaw.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainFSThaw.info.api)
            guard args.mountpoints.isEmpty else {
                throw VirtError(.argumentUnsupported, domain: .qemu, detail: "specifying mountpoints is not supported")
            }
            let thawed = try await withAgent(args.dom, Remote.DomainFSThaw.info, ctx) {
                try await $0.thawGuestFilesystems()
            }
            return DomainFsthawRet(filesystems: Int32(clamping: thawed))
        }
        table.on(Remote.DomainFSTrim.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.DomainFSTrim.info.api)
            guard args.mountPoint == nil else {
                throw VirtError(
                    .argumentUnsupported, domain: .qemu, detail: "Specifying mount point is not supported for now")
            }
            try await withAgent(args.dom, Remote.DomainFSTrim.info, ctx) {
                try await $0.trimGuestFilesystems(minimum: args.minimum)
            }
            return XDRVoid()
        }
    }

    /// Runs `body` with the running domain's agent; an inactive domain is libvirt's "domain is not running", a
    /// driver without guest agents "not supported". As libvirt's agent jobs, this holds no domain job: a guest
    /// whose agent does not answer can still be destroyed (which ends the wait).
    static func withAgent<T: Sendable>(
        _ dom: RemoteNonnullDomain, _ info: ProcedureInfo, _ ctx: CallContext,
        _ body: @Sendable (any GuestAgentQueries) async throws -> T
    ) async throws -> T {
        try await body(running(as: (any GuestAgentQueries).self, dom, info, ctx))
    }

    /// The running domain as one of the driver's abilities; an inactive domain is libvirt's "domain is not
    /// running", a driver without the ability "not supported".
    static func running<Ability: Sendable>(
        as ability: Ability.Type, _ dom: RemoteNonnullDomain, _ info: ProcedureInfo, _ ctx: CallContext
    ) async throws -> Ability {
        let rec = try await ctx.registry.record(try dom.domainUUID())
        guard rec.isActive, let running = rec.running else {
            throw VirtError(.operationInvalid, domain: .domain, detail: "domain is not running")
        }
        guard let agent = running as? Ability else { throw Dispatcher.notSupported(info) }
        return agent
    }

    /// The first hostname a DHCP lease of one of the domain's network NICs carries.
    private static func leaseHostname(_ uuid: DomainUUID, _ ctx: CallContext) async throws -> String? {
        let rec = try await ctx.registry.record(uuid)
        guard let live = rec.live else {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "domain is not running")
        }
        for nic in live.devices.interfaces where nic.type == .network {
            guard let mac = nic.mac?.description, let network = nic.source else { continue }
            let net = try await ctx.networks.record(named: network)
            let leases = try await ctx.networks.leases(net.config.uuid, mac: mac)
            if let name = leases.compactMap({ $0.0.hostname }).first { return name }
        }
        return nil
    }
}
