import SwiftVirtCore

/// `<disk>` → a storage node, a format node (`-blockdev`) and a frontend (`-device`), named like libvirt's
/// `libvirt-N-storage`/`libvirt-N-format` with N counting down from the last disk.
extension ArgumentBuilder {
    mutating func addDisks() throws {
        let disks = def.devices.disks
        for (i, disk) in disks.enumerated() {
            let nodeIndex = disks.count - i
            let what = "<disk> '\(disk.targetDev)'"
            try refuseUnrunnable(disk, what: what)
            var formatNode: String?
            if let storage = try storageNode(disk, what: what) {
                formatNode = "libvirt-\(nodeIndex)-format"
                addBlockdevs(disk, storage: storage, nodeIndex: nodeIndex)
            } else if disk.device == .disk {
                throw QEMUCommandLineError.invalid("\(what) has no source")
            }
            add("-device", try diskFrontend(disk, index: i, formatNode: formatNode, what: what))
        }
    }

    /// Disks libvirt accepts that this driver cannot give the guest.
    func refuseUnrunnable(_ disk: Disk, what: String) throws {
        switch disk.type {
        case .dir, .nvme, .vhostuser:
            throw QEMUCommandLineError.unsupported("\(what) of type '\(disk.type.rawValue)'")
        case .file, .block, .volume, .network:
            break
        }
        if disk.device == .lun { throw QEMUCommandLineError.unsupported("\(what) with device='lun'") }
        switch disk.driver?.format {
        case .luks?, .fat?, .dir?, .ploop?, .cow?:
            throw QEMUCommandLineError.unsupported("\(what) in format '\(disk.driver?.format?.rawValue ?? "")'")
        default:
            break
        }
        if let id = disk.driver?.iothread, !iothreadIDs.contains(id) {
            throw QEMUCommandLineError.invalid("\(what): iothread \(id) is not defined in <iothreads>")
        }
    }

    /// The storage node's driver options (without node name and cache), or nil for an empty drive.
    func storageNode(_ disk: Disk, what: String) throws -> String? {
        if let n = disk.networkSource {
            let host = n.hosts.first
            switch n.protocol {
            case .nbd:
                var node = "driver=nbd"
                if let socket = host?.socket {
                    node += ",server.type=unix,server.path=\(qemuEscaped(socket))"
                } else {
                    node += ",server.type=inet,server.host=\(qemuEscaped(host?.name ?? "localhost"))"
                    node += ",server.port=\(host?.port ?? 10809)"
                }
                if let export = n.name { node += ",export=\(qemuEscaped(export))" }
                return node
            case .http, .https, .ftp, .ftps:
                guard let name = host?.name else { throw QEMUCommandLineError.invalid("\(what) has no <host>") }
                let port = host?.port.map { ":\($0)" } ?? ""
                let path = n.name.map { $0.hasPrefix("/") ? $0 : "/" + $0 } ?? "/"
                return "driver=\(n.protocol.rawValue),url=\(qemuEscaped("\(n.protocol.rawValue)://\(name)\(port)\(path)"))"
            default:
                throw QEMUCommandLineError.unsupported("\(what) over protocol '\(n.protocol.rawValue)'")
            }
        }
        guard let source = disk.sourcePath else { return nil }
        return "driver=\(disk.type == .block ? "host_device" : "file"),filename=\(qemuEscaped(source))"
    }

    mutating func addBlockdevs(_ disk: Disk, storage node: String, nodeIndex: Int) {
        let storage = "libvirt-\(nodeIndex)-storage"
        let (direct, noFlush) = cacheFlags(disk.driver?.cache)
        var file = node + ",node-name=\(storage)"
        if let direct { file += ",cache.direct=\(direct ? "on" : "off")" }
        if let noFlush { file += ",cache.no-flush=\(noFlush ? "on" : "off")" }
        if let io = disk.driver?.io, disk.networkSource == nil { file += ",aio=\(io.rawValue)" }
        file += ",auto-read-only=on"
        if disk.networkSource != nil {
            // network protocols have no discard option of their own
        } else if let discard = disk.driver?.discard {
            file += ",discard=\(discard.rawValue)"
        } else {
            file += ",discard=unmap"
        }
        if let object = QEMUDiskEncryption.formatOptions(disk, nodeIndex: nodeIndex, directory: ctx.channelDirectory)?.object {
            add("-object", object)
        }
        add("-blockdev", file)
        let readOnly = disk.readOnly || disk.device == .cdrom
        var format = "node-name=libvirt-\(nodeIndex)-format,read-only=\(readOnly ? "on" : "off")"
        if let direct { format += ",cache.direct=\(direct ? "on" : "off")" }
        if let noFlush { format += ",cache.no-flush=\(noFlush ? "on" : "off")" }
        if let discard = disk.driver?.discard { format += ",discard=\(discard.rawValue)" }
        if let zeroes = disk.driver?.detectZeroes { format += ",detect-zeroes=\(zeroes.rawValue)" }
        let encryption = QEMUDiskEncryption.formatOptions(disk, nodeIndex: nodeIndex, directory: ctx.channelDirectory)
        // A raw image with LUKS encryption is QEMU's luks format (without a secret QEMU refuses to open it).
        let luks = disk.encryption?.format == .luks && (disk.driver?.format ?? .raw) == .raw
        let driver = luks ? "luks" : qemuFormatDriver(disk.driver?.format)
        format += ",driver=\(driver),file=\(storage)" + (encryption?.options ?? "")
        add("-blockdev", format)
    }

    /// QEMU's block driver for a libvirt format (an ISO image is raw to QEMU).
    private func qemuFormatDriver(_ format: Disk.Format?) -> String {
        switch format {
        case nil, .raw?, .iso?: return "raw"
        case .vhd?: return "vpc"
        case let f?: return f.rawValue
        }
    }

    /// (cache.direct, cache.no-flush) for a libvirt cache mode; nil means QEMU's default.
    func cacheFlags(_ cache: Disk.Cache?) -> (Bool?, Bool?) {
        switch cache {
        case nil, .default?: return (nil, nil)
        case .none?, .directsync?: return (true, false)
        case .writethrough?, .writeback?: return (false, false)
        case .unsafe?: return (false, true)
        }
    }

    func writeCache(_ cache: Disk.Cache?) -> String {
        switch cache {
        case .writethrough?, .directsync?: return ",write-cache=off"
        case .none?, .writeback?, .unsafe?: return ",write-cache=on"
        case nil, .default?: return ""
        }
    }

    /// Index of the target name's letter suffix: vda → 0, sdb → 1, hdaa → 26.
    func targetIndex(_ dev: String) -> Int {
        let letters = dev.drop { !$0.isLetter }.reversed().prefix { $0.isLetter && $0 >= "a" && $0 <= "z" }
        var value = 0
        for ch in letters.reversed() {
            value = value * 26 + Int(ch.asciiValue ?? 97) - 96
        }
        return max(0, value - 1)
    }

    func diskFrontend(_ disk: Disk, index: Int, formatNode: String?, what: String) throws -> String {
        let bus = disk.targetBus ?? .ide
        let drive = formatNode.map { ",drive=\($0)" } ?? ""
        let boot = effectiveBootIndex(disk: index).map { ",bootindex=\($0)" } ?? ""
        let serial = disk.serial.map { ",serial=\(qemuEscaped($0))" } ?? ""
        let share = disk.shareable ? ",share-rw=on" : ""
        var cache = writeCache(disk.driver?.cache)
        if let p = disk.driver?.errorPolicy { cache += ",werror=\(p == .enospace ? "enospc" : p.rawValue)" }
        if let p = disk.driver?.readErrorPolicy { cache += ",rerror=\(p.rawValue)" }
        let n = targetIndex(disk.targetDev)
        let addr = disk.address?.drive
        switch bus {
        case .virtio:
            guard disk.device == .disk else { throw QEMUCommandLineError.unsupported("\(what): virtio \(disk.device)") }
            let id = disk.alias ?? "virtio-disk\(n)"
            var options = disk.driver?.iothread.map { ",iothread=iothread\($0)" } ?? ""
            if let q = disk.driver?.queues { options += ",num-queues=\(q)" }
            if let q = disk.driver?.queueSize { options += ",queue-size=\(q)" }
            return "virtio-blk-pci" + options + (try pciPlacement(disk.address, what: what)) + drive
                + "\(share)\(serial)\(cache),id=\(id)\(boot)"
        case .ide, .sata:
            let kind = disk.device == .cdrom ? "ide-cd" : "ide-hd"
            guard disk.device != .floppy else { throw QEMUCommandLineError.unsupported("\(what): floppy on \(bus)") }
            if bus == .ide {
                let (b, u) = (addr?.bus ?? n / 2, addr?.unit ?? n % 2)
                let id = disk.alias ?? "ide0-\(b)-\(u)"
                return "\(kind),bus=ide.\(b),unit=\(u)\(drive)\(share)\(serial)\(cache),id=\(id)\(boot)"
            }
            let (c, u) = (addr?.controller ?? 0, addr?.unit ?? n)
            let busName = isQ35 && c == 0 ? "ide.\(u)" : "sata\(c).\(u)"
            let id = disk.alias ?? "sata\(c)-0-\(u)"
            return "\(kind),bus=\(busName)\(drive)\(share)\(serial)\(cache),id=\(id)\(boot)"
        case .scsi:
            let kind = disk.device == .cdrom ? "scsi-cd" : "scsi-hd"
            guard disk.device != .floppy else { throw QEMUCommandLineError.unsupported("\(what): floppy on scsi") }
            let (c, b, t, u) = (addr?.controller ?? n / 7, addr?.bus ?? 0, addr?.target ?? 0, addr?.unit ?? n % 7)
            let id = disk.alias ?? "scsi\(c)-\(b)-\(t)-\(u)"
            let controller = def.devices.controllers.first { $0.type == .scsi && $0.index == c }
            let busName = (controller.map(controllerAlias) ?? "scsi\(c)") + ".0"
            return "\(kind),bus=\(busName),channel=\(b),scsi-id=\(t),lun=\(u),device_id=drive-\(id)"
                + "\(drive)\(share)\(serial)\(cache),id=\(id)\(boot)"
        case .usb:
            guard disk.device == .disk else { throw QEMUCommandLineError.unsupported("\(what): usb \(disk.device)") }
            let id = disk.alias ?? "usb-disk\(n)"
            return "usb-storage" + (try usbPlacement(disk.address, what: what))
                + "\(drive)\(serial)\(cache),id=\(id)\(boot),removable=\(disk.removable == .on ? "on" : "off")"
        case .xen, .uml, .sd:
            throw QEMUCommandLineError.unsupported("\(what) on bus '\(bus.rawValue)'")
        case .fdc:
            guard disk.device == .floppy, !isQ35 else { throw QEMUCommandLineError.unsupported("\(what) on fdc") }
            let u = addr?.unit ?? n
            let id = disk.alias ?? "fdc0-0-\(u)"
            return "floppy,unit=\(u)\(drive),id=\(id)\(boot)"
        }
    }
}
