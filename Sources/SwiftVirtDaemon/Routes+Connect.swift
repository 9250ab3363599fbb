import SwiftVirtCore
import SwiftVirtWire

/// Connection set-up and host-level procedures.
enum ConnectRoutes {
    static let openFlagReadOnly: UInt32 = 1
    /// Features from libvirt's virDrvFeature that this daemon really implements.
    static let supportedFeatures: Set<Int32> = [
        8,  // FD_PASSING: replies carry descriptors (OpenGraphicsFD), calls bring them (OpenGraphics)
        9,  // TYPED_PARAM_STRING
        10,  // KEEPALIVE: we answer PINGs
        14,  // REMOTE_EVENT_CALLBACK: 316/317 with callback ids
        15,  // REMOTE_CLOSE_CALLBACK: 360/361 are accepted
    ]

    static func register(into table: inout RouteTable) {
        table.on(Remote.AuthList.self) { _ in
            AuthListRet(types: [0])  // REMOTE_AUTH_NONE: local unix socket, filesystem permissions decide
        }
        table.on(Remote.ConnectOpen.self, waits: true) {
            (args: ConnectOpenArgs, ctx) in
            try checkFlags(args.flags, allowed: openFlagReadOnly, "virConnectOpen")
            guard !ctx.session.isOpen else {
                throw VirtError(.internalError, domain: .rpc, detail: "connection already open")
            }
            let (driver, uri) = try await ctx.services.drivers.open(name: args.name ?? "")
            let accepted = ctx.session.with { s -> Bool in
                guard !s.closed else { return false }
                s.opened = true
                s.uri = uri
                s.driver = driver
                if args.flags & openFlagReadOnly != 0 { s.readOnly = true }
                return true
            }
            // The connection went away while the driver was being opened: nobody will close it later.
            if !accepted { await ctx.services.drivers.close(driver) }
            return XDRVoid()
        }
        table.on(Remote.ConnectClose.self) { _ in
            XDRVoid()
        }
        table.on(Remote.ConnectSupportsFeature.self) {
            (args: ConnectSupportsFeatureArgs, ctx) in
            let supported = supportedFeatures.contains(args.feature)
            if args.feature == 10 { ctx.session.with { $0.keepalive = true } }
            return ConnectSupportsFeatureRet(supported: supported ? 1 : 0)
        }
        table.on(Remote.ConnectRegisterCloseCallback.self) { _ in XDRVoid() }
        table.on(Remote.ConnectUnregisterCloseCallback.self) { _ in XDRVoid() }
        table.on(Remote.ConnectGetType.self) { ctx in
            ConnectGetTypeRet(type: ctx.hypervisor.typeName)
        }
        table.on(Remote.ConnectGetVersion.self) { ctx in
            ConnectGetVersionRet(hvVer: await ctx.hypervisor.hypervisorVersion())
        }
        table.on(Remote.ConnectGetLibVersion.self) { _ in
            ConnectGetLibVersionRet(libVer: DaemonServices.libvirtCompatibleVersion)
        }
        table.on(Remote.ConnectGetHostname.self) { _ in
            ConnectGetHostnameRet(hostname: HostInfo.hostname())
        }
        table.on(Remote.ConnectGetURI.self) { ctx in
            ConnectGetUriRet(uri: ctx.session.with { $0.uri })
        }
        table.on(Remote.NodeGetInfo.self) { ctx in
            let node = ctx.hypervisor.simulatedNode() ?? ctx.services.host.facts
            return NodeGetInfoRet(
                model: XDRChars.fixed(node.model, count: 31) + [0], memory: node.memoryKiB,
                cpus: node.cpus, mhz: node.mhz, nodes: node.nodes, sockets: node.sockets, cores: node.cores,
                threads: node.threads)
        }
        table.on(Remote.ConnectGetSysinfo.self) { args, ctx in
            try checkFlags(args.flags, allowed: 0, Remote.ConnectGetSysinfo.info.api)
            return ConnectGetSysinfoRet(sysinfo: try await ctx.hypervisor.sysinfoXML())
        }
        table.on(Remote.ConnectGetCapabilities.self) {
            ctx in
            ConnectGetCapabilitiesRet(capabilities: await ctx.hypervisor.capabilitiesXML())
        }
        table.on(Remote.ConnectGetDomainCapabilities.self) { (args: ConnectGetDomainCapabilitiesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virConnectGetDomainCapabilities")
            let xml = try await ctx.hypervisor.domainCapabilitiesXML(
                emulator: args.emulatorbin, arch: args.arch, machine: args.machine, virtType: args.virttype)
            return ConnectGetDomainCapabilitiesRet(capabilities: xml)
        }
        table.on(Remote.NodeGetSecurityModel.self) { ctx in
            // No security driver: libvirt reports an empty model, which virsh leaves out of dominfo.
            let (model, doi) = ctx.hypervisor.securityModel
            return NodeGetSecurityModelRet(model: XDRChars.nulTerminated(model), doi: XDRChars.nulTerminated(doi))
        }
        table.on(Remote.ConnectDomainXMLToNative.self) {
            (args: ConnectDomainXmlToNativeArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "virConnectDomainXMLToNative")
            let def = try await ctx.registry.prepare(xml: args.domainXml)
            return ConnectDomainXmlToNativeRet(
                nativeConfig: try await ctx.hypervisor.nativeConfig(format: args.nativeFormat, for: def))
        }
    }
}
