import Synchronization
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire

/// The node device procedures, read-only: the host's devices as libvirt's udev backend lists them (see
/// `NodeDeviceScanner`), scanned again when the last scan is more than a second old.
enum NodeDeviceRoutes {
    /// VIR_CONNECT_LIST_NODE_DEVICES_CAP_* (bits 0-21), INACTIVE (1 << 30), ACTIVE (1 << 31).
    static let listFlags: UInt32 = 0x3F_FFFF | 1 << 30 | 1 << 31

    static func register(into table: inout RouteTable) {
        table.on(Remote.ConnectListAllNodeDevices.self) { (args: ConnectListAllNodeDevicesArgs, ctx) in
            try checkFlags(args.flags, allowed: listFlags, "nodeConnectListAllNodeDevices")
            let caps = args.flags & 0x3F_FFFF
            let found = try await devices(ctx).filter { d in
                // Every device listed is active; INACTIVE alone lists nothing.
                if args.flags & (3 << 30) == 1 << 30 { return false }
                return caps == 0 || d.capabilityNames.contains { w in
                    NodeDevice.capabilityWords.firstIndex(of: w).map { caps & (1 << UInt32($0)) != 0 } ?? false
                }
            }
            return ConnectListAllNodeDevicesRet(
                devices: args.needResults != 0 ? found.map { RemoteNonnullNodeDevice(name: $0.name) } : [],
                ret: UInt32(found.count))
        }
        table.on(Remote.NodeNumOfDevices.self) { (args: NodeNumOfDevicesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "nodeNumOfDevices")
            return NodeNumOfDevicesRet(num: Int32(try await devices(ctx, cap: args.cap).count))
        }
        table.on(Remote.NodeListDevices.self) { (args: NodeListDevicesArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "nodeListDevices")
            let names = try await devices(ctx, cap: args.cap).map(\.name)
            return NodeListDevicesRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.NodeDeviceLookupByName.self) { (args: NodeDeviceLookupByNameArgs, ctx) in
            NodeDeviceLookupByNameRet(dev: RemoteNonnullNodeDevice(name: try await device(ctx, args.name).name))
        }
        table.on(Remote.NodeDeviceGetXMLDesc.self) { (args: NodeDeviceGetXmlDescArgs, ctx) in
            try checkFlags(args.flags, allowed: 0, "nodeDeviceGetXMLDesc")
            return NodeDeviceGetXmlDescRet(xml: NodeDeviceXML.format(try await device(ctx, args.name)))
        }
        table.on(Remote.NodeDeviceGetParent.self) { (args: NodeDeviceGetParentArgs, ctx) in
            guard let parent = try await device(ctx, args.name).parent else {
                throw VirtError(.internalError, domain: .nodeDevice, detail: "no parent for this device")
            }
            return NodeDeviceGetParentRet(parentName: parent)
        }
        table.on(Remote.NodeDeviceNumOfCaps.self) { (args: NodeDeviceNumOfCapsArgs, ctx) in
            NodeDeviceNumOfCapsRet(num: Int32(try await device(ctx, args.name).capabilityNames.count))
        }
        table.on(Remote.NodeDeviceListCaps.self) { (args: NodeDeviceListCapsArgs, ctx) in
            let names = try await device(ctx, args.name).capabilityNames
            return NodeDeviceListCapsRet(names: Array(names.prefix(Int(max(0, args.maxnames)))))
        }
        table.on(Remote.ConnectNodeDeviceEventRegisterAny.self) { (args: ConnectNodeDeviceEventRegisterAnyArgs, ctx) in
            guard args.eventID == NodeDeviceEventHub.lifecycleID || args.eventID == NodeDeviceEventHub.updateID else {
                throw VirtError(.internalError, domain: .rpc, detail: "unsupported node device event ID \(args.eventID)")
            }
            _ = try await devices(ctx)  // the host's connections only
            return ConnectNodeDeviceEventRegisterAnyRet(
                callbackID: await events.register(session: ctx.session, eventID: args.eventID, device: args.dev?.name))
        }
        table.on(Remote.ConnectNodeDeviceEventDeregisterAny.self) { (args: ConnectNodeDeviceEventDeregisterAnyArgs, ctx) in
            guard events.deregister(session: ctx.session, id: args.callbackID) else {
                throw VirtError(
                    .internalError, domain: .rpc, detail: "node device event callback \(args.callbackID) not registered")
            }
            return XDRVoid()
        }
        // Devices the host has are active; only `computer` is persistent and autostarted, as with udev.
        table.on(Remote.NodeDeviceIsActive.self) { (args: NodeDeviceIsActiveArgs, ctx) in
            _ = try await device(ctx, args.name)
            return NodeDeviceIsActiveRet(active: 1)
        }
        table.on(Remote.NodeDeviceIsPersistent.self) { (args: NodeDeviceIsPersistentArgs, ctx) in
            NodeDeviceIsPersistentRet(persistent: try await device(ctx, args.name).parent == nil ? 1 : 0)
        }
        table.on(Remote.NodeDeviceGetAutostart.self) { (args: NodeDeviceGetAutostartArgs, ctx) in
            NodeDeviceGetAutostartRet(autostart: try await device(ctx, args.name).parent == nil ? 1 : 0)
        }
    }

    /// The host's devices; only the host's own connections (`qemu`) see them: libvirt's test driver has
    /// devices of its own, which SwiftVirt does not imitate.
    static func devices(_ ctx: CallContext, cap: String? = nil) async throws -> [NodeDevice] {
        guard ctx.driver.scheme == "qemu" else {
            throw VirtError(.noSupport, domain: .nodeDevice, detail: "node devices of the \(ctx.driver.scheme) driver")
        }
        let all = await scanned()
        guard let cap else { return all }
        return all.filter { $0.capabilityNames.contains(cap) }
    }

    /// One hub for the daemon: there is one host.
    static let events = NodeDeviceEventHub { await scanned().map(\.name) }

    /// The last scan, reused for a second: `nodedev-list --tree` asks for every device's parent in turn.
    private static let lastScan = Mutex<(at: ContinuousClock.Instant, devices: [NodeDevice])?>(nil)

    private static func scanned() async -> [NodeDevice] {
        let now = ContinuousClock.now
        if let last = lastScan.withLock({ $0 }), now - last.at < .seconds(1) { return last.devices }
        let devices = await BlockingIO.run { NodeDeviceScanner.scan() }
        lastScan.withLock { $0 = (now, devices) }
        return devices
    }

    static func device(_ ctx: CallContext, _ name: String) async throws -> NodeDevice {
        guard let d = try await devices(ctx).first(where: { $0.name == name }) else {
            throw VirtError(.noNodeDevice, domain: .nodeDevice, detail: "no node device with matching name '\(name)'")
        }
        return d
    }
}
