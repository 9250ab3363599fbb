import SwiftVirtCore

/// `<disk>` → a storage node, a format node (`-blockdev`) and a frontend (`-device`), named like libvirt's
/// `libvirt-N-storage`/`libvirt-N-format` with N counting down from the last disk.
extension ArgumentBuilder {
    mutating func addDisks() throws {
        let disks = def.devices.disks
        for (i, disk) in disks.enumerated() {
            let nodeIndex = disks.count - i
            let what = "<disk> '\(disk.targetDev)'"
            var formatNode: String?
            if let source = disk.sourcePath {
                formatNode = "libvirt-\(nodeIndex)-format"
                addBlockdevs(disk, source: source, nodeIndex: nodeIndex)
            } else if disk.device == .disk {
                throw QEMUCommandLineError.invalid("\(what) has no source")
            }
            add("-device", try diskFrontend(disk, index: i, formatNode: formatNode, what: what))
        }
    }

    mutating func addBlockdevs(_ disk: Disk, source: String, nodeIndex: Int) {
        let storage = "libvirt-\(nodeIndex)-storage"
        let (direct, noFlush) = cacheFlags(disk.driver?.cache)
        var file = "driver=\(disk.type == .block ? "host_device" : "file"),filename=\(qemuEscaped(source))"
        file += ",node-name=\(storage)"
        if let direct { file += ",cache.direct=\(direct ? "on" : "off")" }
        if let noFlush { file += ",cache.no-flush=\(noFlush ? "on" : "off")" }
        if let io = disk.driver?.io { file += ",aio=\(io.rawValue)" }
        file += ",auto-read-only=on"
        if let discard = disk.driver?.discard {
            file += ",discard=\(discard.rawValue)"
        } else {
            file += ",discard=unmap"
        }
        add("-blockdev", file)
        let readOnly = disk.readOnly || disk.device == .cdrom
        var format = "node-name=libvirt-\(nodeIndex)-format,read-only=\(readOnly ? "on" : "off")"
        if let direct { format += ",cache.direct=\(direct ? "on" : "off")" }
        if let noFlush { format += ",cache.no-flush=\(noFlush ? "on" : "off")" }
        if let discard = disk.driver?.discard { format += ",discard=\(discard.rawValue)" }
        format += ",driver=\(disk.driver?.format?.rawValue ?? "raw"),file=\(storage)"
        add("-blockdev", format)
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
        let cache = writeCache(disk.driver?.cache)
        let n = targetIndex(disk.targetDev)
        let addr = disk.address?.drive
        switch bus {
        case .virtio:
            guard disk.device == .disk else { throw QEMUCommandLineError.unsupported("\(what): virtio \(disk.device)") }
            let id = disk.alias ?? "virtio-disk\(n)"
            return "virtio-blk-pci" + (try pciPlacement(disk.address, what: what)) + drive
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
                + "\(drive)\(serial)\(cache),id=\(id)\(boot),removable=off"
        case .fdc:
            guard disk.device == .floppy, !isQ35 else { throw QEMUCommandLineError.unsupported("\(what) on fdc") }
            let u = addr?.unit ?? n
            let id = disk.alias ?? "fdc0-0-\(u)"
            return "floppy,unit=\(u)\(drive),id=\(id)\(boot)"
        }
    }
}
