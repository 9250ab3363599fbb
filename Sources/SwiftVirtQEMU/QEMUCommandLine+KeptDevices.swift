import SwiftVirtCore

/// Device families the model keeps whole (`GenericDevice`) that this driver runs, read through their typed
/// readings (KeptDeviceViews), each where libvirt 9.0 puts it on the command line: the IOMMU before the
/// controllers, memory modules after them, 9p filesystems after the disks, shared memory after the panic
/// devices. Leases go to libvirt's lock manager, which by default (`nop`) does nothing; they start as is.
extension ArgumentBuilder {
    /// Whether this driver runs `device` (else a guest with it does not start, naming it).
    static func runs(_ device: GenericDevice) -> Bool {
        switch device.element {
        case "lease": true
        case "filesystem": FilesystemShare(device) != nil
        case "shmem": isPlainSharedMemory(device)
        case "memory": MemoryModule(device) != nil
        case "iommu": IOMMUDevice(device) != nil
        case "smartcard": Smartcard(device) != nil
        default: false
        }
    }

    private func kept(_ family: String) -> [(GenericDevice, Int)] { Self.kept(family, of: def) }

    /// The devices of `family`, each with its index among them (for aliases the definition lacks).
    static func kept(_ family: String, of def: DomainDefinition) -> [(GenericDevice, Int)] {
        var index = 0
        return def.devices.generic.compactMap { d in
            guard d.element == family else { return nil }
            defer { index += 1 }
            return (d, index)
        }
    }

    /// The virtiofs filesystems of `def` with their aliases: each needs its virtiofsd before QEMU starts.
    static func virtiofsShares(of def: DomainDefinition) -> [(share: FilesystemShare, alias: String)] {
        kept("filesystem", of: def).compactMap { device, i in
            guard let fs = FilesystemShare(device), fs.driver == .virtiofs else { return nil }
            return (fs, device.alias ?? "fs\(i)")
        }
    }

    /// Where QEMU finds a virtiofs filesystem's daemon (libvirt: ALIAS-fs.sock in the domain's directory).
    static func virtiofsSocket(directory: String, alias: String) -> String { "\(directory)/\(alias)-fs.sock" }

    mutating func addIOMMU() throws {
        for (device, _) in kept("iommu") {
            guard let iommu = IOMMUDevice(device) else { continue }
            let alias = device.alias ?? "iommu0"
            if iommu.model == "virtio" {
                try requireDevice("virtio-iommu-pci", "<iommu model='virtio'>")
                add("-device", "virtio-iommu-pci,id=\(alias)" + (try pciPlacement(device.address, what: "<iommu>")))
                continue
            }
            guard isQ35 else {
                throw QEMUCommandLineError.unsupported("<iommu model='intel'> on machine '\(machine)' (q35 only)")
            }
            var options = "intel-iommu,id=\(alias)"
            let names = [
                ("intremap", "intremap"), ("caching_mode", "caching-mode"), ("eim", "eim"), ("iotlb", "device-iotlb"),
            ]
            for (attribute, option) in names {
                if let v = iommu.driver[attribute] { options += ",\(option)=\(v)" }
            }
            if let bits = iommu.driver["aw_bits"] { options += ",aw-bits=\(bits)" }
            add("-device", options)
        }
    }

    mutating func addMemoryModules() throws {
        for (device, i) in kept("memory") {
            guard let module = MemoryModule(device) else { continue }
            let alias = device.alias ?? "\(module.model.rawValue.replacing("-", with: ""))\(i)"
            var backend: String
            switch module.model {
            case .dimm, .virtioMem:
                // Backed like guest RAM (`<memoryBacking>`, `<numatune>`), the module's own access deciding sharing.
                var parts = try backendObject(id: "mem\(alias)", sizeKiB: module.sizeKiB).split(separator: ",").map(String.init)
                if module.access != nil { parts.removeAll { $0 == "share=on" } }
                if module.access == "shared" { parts.insert("share=on", at: min(3, parts.count)) }
                if module.discard, !parts.contains("discard-data=on") { parts.append("discard-data=on") }
                // virtio-mem plugs its blocks on demand: nothing is reserved up front (libvirt's reserve=false).
                if module.model == .virtioMem { parts.append("reserve=off") }
                backend = parts.joined(separator: ",")
            case .nvdimm, .virtioPmem:
                backend = "memory-backend-file,id=mem\(alias),mem-path=\(qemuEscaped(module.path ?? ""))"
                backend += ",share=\(module.access == "private" ? "off" : "on"),size=\(module.sizeKiB * 1024)"
                if module.discard { backend += ",discard-data=on" }
            }
            add("-object", backend)
            let what = "<memory model='\(module.model.rawValue)'>"
            switch module.model {
            case .virtioMem:
                add(
                    "-device",
                    "virtio-mem-pci,node=\(module.node ?? 0),block-size=\((module.blockKiB ?? 0) * 1024)"
                        + ",requested-size=\((module.requestedKiB ?? 0) * 1024),memdev=mem\(alias),id=\(alias)"
                        + (try pciPlacement(device.address, what: what)))
                continue
            case .virtioPmem:
                add("-device", "virtio-pmem-pci,memdev=mem\(alias),id=\(alias)" + (try pciPlacement(device.address, what: what)))
                continue
            case .dimm, .nvdimm:
                break
            }
            var options = "\(module.model == .dimm ? "pc-dimm" : "nvdimm"),node=\(module.node ?? 0)"
            if let label = module.labelKiB { options += ",label-size=\(label * 1024)" }
            options += ",memdev=mem\(alias),id=\(alias),slot=\(Self.dimmSlot(device.address) ?? i)"
            if let base = Self.dimmBase(device.address) { options += ",addr=\(base)" }
            add("-device", options)
        }
    }

    private static func dimmAttribute(_ address: DeviceAddress?, _ name: String) -> String? {
        guard case .other(let a) = address, a.type == "dimm" else { return nil }
        return a.attributes.first { $0.name == name }?.value
    }

    static func dimmSlot(_ address: DeviceAddress?) -> Int? { dimmAttribute(address, "slot").flatMap { Int($0) } }

    static func dimmBase(_ address: DeviceAddress?) -> UInt64? {
        dimmAttribute(address, "base").flatMap { UInt64($0.hasPrefix("0x") ? String($0.dropFirst(2)) : $0, radix: 16) }
    }

    mutating func addFilesystems() throws {
        for (device, i) in kept("filesystem") {
            guard let fs = FilesystemShare(device) else { continue }
            let alias = device.alias ?? "fs\(i)"
            if fs.driver == .virtiofs {
                let chardev = "chr-vu-\(alias)"
                let socket = Self.virtiofsSocket(directory: ctx.channelDirectory, alias: alias)
                add("-chardev", "socket,id=\(chardev),path=\(qemuEscaped(socket))")
                var options = "vhost-user-fs-pci,id=\(alias),chardev=\(chardev)"
                if let queue = fs.queueSize { options += ",queue-size=\(queue)" }
                options += ",tag=\(qemuEscaped(fs.mountTag))"
                add("-device", options + (try pciPlacement(device.address, what: "<filesystem>")))
                continue
            }
            var fsdev = "local"
            let models: [FilesystemShare.AccessMode: String] = [
                .mapped: "mapped", .passthrough: "passthrough", .squash: "none",
            ]
            fsdev += ",security_model=\(models[fs.accessMode] ?? "passthrough")"
            if let m = fs.multidevs { fsdev += ",multidevs=\(m)" }
            if let m = fs.fmode { fsdev += ",fmode=\(m)" }
            if let m = fs.dmode { fsdev += ",dmode=\(m)" }
            if let w = fs.writeout { fsdev += ",writeout=\(w)" }
            fsdev += ",id=fsdev-\(alias),path=\(qemuEscaped(fs.sourceDirectory))"
            if fs.readOnly { fsdev += ",readonly=on" }
            add("-fsdev", fsdev)
            add(
                "-device",
                "virtio-9p-pci,id=\(alias),fsdev=fsdev-\(alias),mount_tag=\(qemuEscaped(fs.mountTag))"
                    + (try pciPlacement(device.address, what: "<filesystem>")))
        }
    }

    mutating func addSharedMemory() throws {
        for (device, _) in kept("shmem") where Self.isPlainSharedMemory(device) {
            guard case .pci = device.address else {
                throw QEMUCommandLineError.unsupported(
                    "<shmem name='\(device.attribute("name") ?? "")'>: only 'pci' addresses are supported for the shared memory device")
            }
            for (option, value) in try shmemOptions(device) { add(option, value) }
        }
    }

    /// libvirt passes the first smartcard only (QEMU's CCID bus takes one card per reader).
    mutating func addSmartcards() throws {
        guard let (device, _) = kept("smartcard").first, let card = Smartcard(device) else { return }
        let alias = device.alias ?? "smartcard0"
        var options: String
        switch card.mode {
        case .host: options = "ccid-card-emulated,backend=nss-emulated"
        case .certificates(let certificates, let database):
            options = "ccid-card-emulated,backend=certificates"
            for (i, certificate) in certificates.enumerated() { options += ",cert\(i + 1)=\(qemuEscaped(certificate))" }
            options += ",db=\(qemuEscaped(database ?? "/etc/pki/nssdb"))"
        case .spicePassthrough:
            add("-chardev", "spicevmc,id=char\(alias),name=smartcard")
            options = "ccid-card-passthru,chardev=char\(alias)"
        }
        var controller = 0
        if case .other(let a)? = device.address, a.type == "ccid" {
            controller = a.attributes.first { $0.name == "controller" }.flatMap { Int($0.value) } ?? 0
        }
        guard let reader = def.devices.controllers.first(where: { $0.type == .ccid && $0.index == controller }) else {
            throw QEMUCommandLineError.invalid("no CCID controller with index \(controller) for <smartcard>")
        }
        add("-device", options + ",id=\(alias),bus=\(controllerAlias(reader)).0")
    }
}

