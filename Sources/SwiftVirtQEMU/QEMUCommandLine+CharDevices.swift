import SwiftVirtCore

/// `<interface>`, `<serial>`, `<console>`, `<channel>`.
extension ArgumentBuilder {
    mutating func addInterfaces() throws {
        for i in def.devices.interfaces.indices { try addInterface(i) }
    }

    mutating func addInterface(_ i: Int) throws {
        let net = def.devices.interfaces[i]
        let alias = net.alias ?? "net\(i)"
        let what = "<interface type='\(net.type.rawValue)'>"
        add("-netdev", try netdev(net, index: i, id: "host\(alias)", what: what))
        let model: String
        switch net.model ?? .rtl8139 {
        case .virtio: model = "virtio-net-pci"
        case .virtioTransitional: model = "virtio-net-pci-transitional"
        case .virtioNonTransitional: model = "virtio-net-pci-non-transitional"
        case .e1000: model = "e1000"
        case .e1000e: model = "e1000e"
        case .rtl8139: model = "rtl8139"
        case .ne2kPCI: model = "ne2k_pci"
        case .pcnet: model = "pcnet"
        case .vmxnet3: model = "vmxnet3"
        case .i82551: model = "i82551"
        case .i82557b: model = "i82557b"
        case .i82559er: model = "i82559er"
        case .usbNet:
            throw QEMUCommandLineError.unsupported("\(what) with <model type='usb-net'>")
        }
        var device = "\(model),netdev=host\(alias),id=\(alias)"
        if let mac = net.mac { device += ",mac=\(mac)" }
        device += try pciPlacement(net.address, what: what)
        if let boot = effectiveBootIndex(interface: i) { device += ",bootindex=\(boot)" }
        add("-device", device)
    }

    /// The host side of an interface.
    private func netdev(_ net: NetworkInterface, index: Int, id: String, what: String) throws -> String {
        if let v = net.virtualPort {
            throw QEMUCommandLineError.unsupported("\(what) with <virtualport type='\(v.type ?? "")'>")
        }
        switch net.type {
        case .user:
            return "user,id=\(id)"
        case .bridge, .network, .direct, .ethernet:
            // The daemon made the tap (on its bridge) or macvtap before QEMU starts and named it in <target dev>;
            // a macvtap is opened here and inherited. Without one (e.g. domxml-to-native) the bridge helper
            // stands in for type='bridge'.
            if let tap = net.targetDev, let fd = ctx.tapFDs[tap] {
                return "tap,fd=\(fd),id=\(id)"
            } else if let tap = net.targetDev {
                return "tap,id=\(id),ifname=\(qemuEscaped(tap)),script=no,downscript=no"
            } else if net.type == .bridge, let bridge = net.source {
                return "bridge,id=\(id),br=\(qemuEscaped(bridge))"
            } else if ctx.preview, net.type != .direct {
                return "tap,id=\(id),ifname=vnet\(index),script=no,downscript=no"
            }
            throw QEMUCommandLineError.invalid("\(what) has no tap device; the daemon creates it at start")
        case .server, .client, .mcast:
            let key = net.type == .server ? "listen" : net.type == .client ? "connect" : "mcast"
            return "socket,id=\(id),\(key)=\(net.socketAddress ?? "")" + ":\(net.socketPort ?? 0)"
        case .udp:
            return "socket,id=\(id),udp=\(net.socketAddress ?? "127.0.0.1"):\(net.socketPort ?? 0)"
                + ",localaddr=\(net.localAddress ?? "127.0.0.1"):\(net.localPort ?? 0)"
        case .hostdev, .vhostuser, .vdpa, .null, .vds, .internal:
            throw QEMUCommandLineError.unsupported(what)
        }
    }

    /// The `-chardev` backend for a character device.
    /// `spicevmc` names the SPICE channel a spicevmc backend carries (vdagent for channels, usbredir for
    /// redirected USB devices).
    func chardevBackend(
        _ dev: CharDevice, id: String, what: String, defaultUnixPath: String?, spicevmc: String = "vdagent"
    ) throws -> String {
        var s: String
        switch dev.type {
        case .spicevmc:
            s = "spicevmc,id=\(id),name=\(spicevmc)"
        case .spiceport:
            guard let channel = dev.source?.channel else { throw QEMUCommandLineError.invalid("\(what) has no source channel") }
            s = "spiceport,id=\(id),name=\(qemuEscaped(channel))"

        case .pty:
            s = "pty,id=\(id)"
        case .null:
            s = "null,id=\(id)"
        case .file:
            guard let path = dev.source?.path else { throw QEMUCommandLineError.invalid("\(what) has no source path") }
            s = "file,id=\(id),path=\(qemuEscaped(path))"
            if let append = dev.source?.append { s += ",append=\(append.rawValue)" }
        case .unix:
            guard let path = dev.source?.path ?? defaultUnixPath else {
                throw QEMUCommandLineError.invalid("\(what) has no source path")
            }
            s = "socket,id=\(id),path=\(qemuEscaped(path))"
            if dev.source?.mode != .connect { s += ",server=on,wait=off" }
        case .tcp:
            guard let service = dev.source?.service else {
                throw QEMUCommandLineError.invalid("\(what) has no source service (port)")
            }
            s = "socket,id=\(id),host=\(qemuEscaped(dev.source?.host ?? "127.0.0.1")),port=\(qemuEscaped(service))"
            if dev.source?.tls == true { throw QEMUCommandLineError.unsupported("\(what) with TLS (<source tls='yes'>)") }
            if dev.tcpProtocol == .telnet { s += ",telnet=on" }
            if dev.source?.mode == .bind { s += ",server=on,wait=off" }
        case .dev:
            guard let path = dev.source?.path else { throw QEMUCommandLineError.invalid("\(what) has no source path") }
            s = "tty,id=\(id),path=\(qemuEscaped(path))"
        case .pipe:
            guard let path = dev.source?.path else { throw QEMUCommandLineError.invalid("\(what) has no source path") }
            s = "pipe,id=\(id),path=\(qemuEscaped(path))"
        case .stdio, .udp, .vc, .spicevmc, .spiceport, .nmdm, .dbus, .qemuVDAgent:
            throw QEMUCommandLineError.unsupported("\(what) of type '\(dev.type.rawValue)'")
        }
        if let log = dev.log {
            s += ",logfile=\(qemuEscaped(log.file))"
            if let append = log.append { s += ",logappend=\(append.rawValue)" }
        }
        return s
    }

    mutating func addCharDevices() throws {
        for (i, serial) in def.devices.serials.enumerated() {
            let alias = serial.alias ?? "serial\(i)"
            let what = "<serial> \(i)"
            add("-chardev", try chardevBackend(serial, id: "char\(alias)", what: what, defaultUnixPath: nil))
            let port = serial.targetPort ?? i
            switch serial.targetModel ?? serial.targetType?.rawValue ?? "isa-serial" {
            case "isa-serial":
                add("-device", "isa-serial,chardev=char\(alias),id=\(alias),index=\(port)")
            case "pci-serial":
                add(
                    "-device",
                    "pci-serial,chardev=char\(alias),id=\(alias)" + (try pciPlacement(serial.address, what: what)))
            case "usb-serial":
                add(
                    "-device",
                    "usb-serial" + (try usbPlacement(serial.address, what: what)) + ",chardev=char\(alias),id=\(alias)")
            default:
                throw QEMUCommandLineError.unsupported("\(what) with target '\(serial.targetModel ?? "")'")
            }
        }
        try addChannels()
        for (i, console) in def.devices.consoles.enumerated() {
            // A serial-type console is the same device as the first <serial>; only virtio consoles are extra.
            guard console.targetType == .virtio else {
                if def.devices.serials.isEmpty {
                    throw QEMUCommandLineError.unsupported("<console type='serial'> without a <serial> device")
                }
                continue
            }
            let alias = console.alias ?? "console\(i)"
            add(
                "-chardev",
                try chardevBackend(console, id: "char\(alias)", what: "<console> \(i)", defaultUnixPath: nil))
            add("-device", try virtioSerialPort("virtconsole", console, alias: alias, what: "<console> \(i)"))
        }
    }

    mutating func addChannels() throws {
        for (i, channel) in def.devices.channels.enumerated() {
            let alias = channel.alias ?? "channel\(i)"
            let what = "<channel> \(i)"
            guard channel.targetType == .virtio || channel.targetType == nil else {
                throw QEMUCommandLineError.unsupported(
                    "\(what) with target type '\(channel.targetType?.rawValue ?? "")'")
            }
            let defaultPath = channel.targetName.map {
                QEMUDomain.defaultChannelSocket(directory: ctx.channelDirectory, name: $0)
            }
            add("-chardev", try chardevBackend(channel, id: "char\(alias)", what: what, defaultUnixPath: defaultPath))
            var device = try virtioSerialPort("virtserialport", channel, alias: alias, what: what)
            var name = channel.targetName
            if channel.type == .spicevmc {
                // SPICE's agent channel has one name.
                if let name, name != "com.redhat.spice.0" {
                    throw QEMUCommandLineError.unsupported("\(what): Unsupported spicevmc target name '\(name)'")
                }
                name = "com.redhat.spice.0"
            }
            if let name { device += ",name=\(qemuEscaped(name))" }
            add("-device", device)
        }
    }

    func virtioSerialPort(_ kind: String, _ dev: CharDevice, alias: String, what: String) throws -> String {
        var placement = ""
        if case .virtioSerial(let a)? = dev.address {
            let controller = def.devices.controllers.first { $0.type == .virtioSerial && $0.index == a.controller }
            placement = ",bus=\(controller.map(controllerAlias) ?? "virtio-serial\(a.controller)").\(a.bus)"
            if let port = a.port { placement += ",nr=\(port)" }
        } else if dev.address != nil {
            throw QEMUCommandLineError.unsupported("\(what) on a non virtio-serial address")
        } else if !def.devices.controllers.contains(where: { $0.type == .virtioSerial }) {
            throw QEMUCommandLineError.invalid("\(what) needs a virtio-serial controller")
        }
        return "\(kind)\(placement),chardev=char\(alias),id=\(alias)"
    }
}
