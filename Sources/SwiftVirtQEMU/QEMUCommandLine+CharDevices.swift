import SwiftVirtCore

/// `<interface>`, `<serial>`, `<console>`, `<channel>`.
extension ArgumentBuilder {
    mutating func addInterfaces() throws {
        for (i, net) in def.devices.interfaces.enumerated() {
            let alias = net.alias ?? "net\(i)"
            let what = "<interface type='\(net.type.rawValue)'>"
            switch net.type {
            case .user:
                add("-netdev", "user,id=host\(alias)")
            case .bridge, .network:
                // The daemon creates the tap on the right bridge before QEMU starts (and names it in <target dev>);
                // without one (e.g. domxml-to-native) the bridge helper stands in for type='bridge'.
                if let tap = net.targetDev {
                    add("-netdev", "tap,id=host\(alias),ifname=\(qemuEscaped(tap)),script=no,downscript=no")
                } else if net.type == .bridge, let bridge = net.source {
                    add("-netdev", "bridge,id=host\(alias),br=\(qemuEscaped(bridge))")
                } else {
                    throw QEMUCommandLineError.invalid("\(what) has no tap device; the daemon creates it at start")
                }
            }
            let model: String
            switch net.model ?? .rtl8139 {
            case .virtio: model = "virtio-net-pci"
            case .e1000: model = "e1000"
            case .e1000e: model = "e1000e"
            case .rtl8139: model = "rtl8139"
            }
            var device = "\(model),netdev=host\(alias),id=\(alias)"
            if let mac = net.mac { device += ",mac=\(mac)" }
            device += try pciPlacement(net.address, what: what)
            if let boot = effectiveBootIndex(interface: i) { device += ",bootindex=\(boot)" }
            add("-device", device)
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
            if dev.tcpProtocol == .telnet { s += ",telnet=on" }
            if dev.source?.mode == .bind { s += ",server=on,wait=off" }
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
            let defaultPath = channel.targetName.map { "\(ctx.channelDirectory)/\($0)" }
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
