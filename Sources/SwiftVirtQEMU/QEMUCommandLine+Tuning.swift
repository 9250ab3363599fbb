import SwiftVirtCore

/// Memory size and backing, iothreads, and what `<sysinfo>`/`<os>` put in the firmware tables (`-smbios`,
/// `-fw_cfg`, `-acpitable`). Tuning that needs the process (pinning, cgroups) is applied after spawn.
extension ArgumentBuilder {
    mutating func addMemory() throws {
        // `<memory>` counts the memory modules too (libvirt's initial memory is the rest).
        let modules = def.devices.generic.compactMap { MemoryModule($0)?.sizeKiB }.reduce(0, +)
        var m = "size=\(def.memoryKiB - min(modules, def.memoryKiB))k"
        if let max = def.tuning.maxMemoryKiB {
            m += ",slots=\(def.tuning.maxMemorySlots ?? 0),maxmem=\(max)k"
        }
        add("-m", m)
        if let backend = try memoryBackend() { add("-object", backend) }
        try addNUMANodes()
        if def.tuning.memoryBacking?.locked == true { add("-overcommit", "mem-lock=on") }
    }

    /// Whether guest RAM needs its own backend object (libvirt's `pc.ram`): a backing source, shared access,
    /// preallocation or a NUMA policy for it.
    var needsMemoryBackend: Bool {
        if !(def.cpu?.numaCells.isEmpty ?? true) { return false }  // each NUMA node has its own backend
        let b = def.tuning.memoryBacking
        return b?.source != nil || b?.access == .shared || b?.allocation == .immediate || b?.allocationThreads != nil
            || def.tuning.numatune?.nodeset != nil
    }

    /// `<cpu><numa>`: one RAM backend and one `-numa node` per cell.
    private mutating func addNUMANodes() throws {
        for cell in def.cpu?.numaCells ?? [] {
            var backend = try backendObject(id: "ram-node\(cell.id)", sizeKiB: cell.memoryKiB)
            if cell.memAccess == .shared, !backend.contains(",share=on") { backend += ",share=on" }
            if cell.memAccess == .private { backend = backend.split(separator: ",").filter { $0 != "share=on" }.joined(separator: ",") }
            add("-object", backend)
            var node = "node,nodeid=\(cell.id)"
            for range in (cell.cpus?.description ?? "").split(separator: ",") { node += ",cpus=\(range)" }
            add("-numa", node + ",memdev=ram-node\(cell.id)")
        }
    }

    private func memoryBackend() throws -> String? {
        guard needsMemoryBackend else { return nil }
        return try backendObject(id: "pc.ram", sizeKiB: def.memoryKiB)
    }

    /// A memory backend object as `<memoryBacking>` and `<numatune>` ask.
    func backendObject(id: String, sizeKiB: UInt64) throws -> String {
        let b = def.tuning.memoryBacking
        var object: String
        switch b?.source {
        case .memfd?: object = "memory-backend-memfd"
        case .file?:
            throw QEMUCommandLineError.unsupported("<memoryBacking><source type='file'/> (no memory backing directory)")
        case .anonymous?, nil: object = "memory-backend-ram"
        }
        object += ",id=\(id),size=\(sizeKiB)k"
        if b?.access == .shared { object += ",share=on" }
        if b?.allocation == .immediate || b?.allocationThreads != nil { object += ",prealloc=on" }
        if let threads = b?.allocationThreads { object += ",prealloc-threads=\(threads)" }
        if b?.discard == true { object += ",discard-data=on" }
        if let n = def.tuning.numatune, let nodes = n.nodeset {
            let policy: String
            switch n.mode ?? .strict {
            case .strict: policy = "bind"
            case .preferred: policy = "preferred"
            case .interleave: policy = "interleave"
            case .restrictive:
                throw QEMUCommandLineError.unsupported("<numatune><memory mode='restrictive'>")
            }
            for range in nodes.description.split(separator: ",") { object += ",host-nodes=\(range)" }
            object += ",policy=\(policy)"
        }
        return object
    }

    mutating func addIOThreads() {
        for id in iothreadIDs { add("-object", "iothread,id=iothread\(id)") }
    }

    /// The iothread ids: `<iothreadids>` as written, else 1...`<iothreads>`.
    var iothreadIDs: [Int] { QEMUDefinitionRules.iothreadIDs(def.tuning) }

    mutating func addSMBIOS() throws {
        switch def.os.smbiosMode {
        case nil, .emulate?:
            break
        case .host?:
            throw QEMUCommandLineError.unsupported("<os><smbios mode='host'/> (host SMBIOS information is not available)")
        case .sysinfo?:
            guard let s = def.sysinfo.first(where: { $0.kind == .smbios }) else {
                throw QEMUCommandLineError.invalid("Domain '\(def.name)' sysinfo are not available")
            }
            if s.baseBoards.count > 1 {
                throw QEMUCommandLineError.unsupported("more than one <sysinfo><baseBoard> (SMBIOS type 2)")
            }
            func table(_ section: SysInfo.Section, _ entries: [SysInfo.Entry]?) {
                guard let entries, !entries.isEmpty else { return }
                var arg = "type=\(section.smbiosType)"
                for e in entries {
                    if section == .oemStrings {
                        arg += ",value=\(qemuEscaped(e.value))"
                    } else if let name = e.name {
                        arg += ",\(name)=\(qemuEscaped(e.value))"
                    }
                }
                add("-smbios", arg)
            }
            table(.bios, s.sections[.bios])
            table(.system, s.sections[.system])
            for b in s.baseBoards { table(.baseBoard, b) }
            table(.chassis, s.sections[.chassis])
            table(.oemStrings, s.sections[.oemStrings])
        }
        for s in def.sysinfo where s.kind == .fwcfg {
            for e in s.entries {
                guard let name = e.name else { continue }
                if let file = e.file {
                    add("-fw_cfg", "name=\(qemuEscaped(name)),file=\(qemuEscaped(file))")
                } else {
                    add("-fw_cfg", "name=\(qemuEscaped(name)),string=\(qemuEscaped(e.value))")
                }
            }
        }
    }

    mutating func addACPITables() {
        if let slic = def.os.slicTable { add("-acpitable", "sig=SLIC,file=\(qemuEscaped(slic))") }
    }

    /// Tuning this driver does not carry out; the guest does not start rather than run without it.
    func refuseUnhonouredTuning() throws {
        let t = def.tuning
        if t.memoryBacking?.hugepages == true {
            throw QEMUCommandLineError.unsupported("<memoryBacking><hugepages>")
        }
        if let n = t.numatune, n.placement == .auto {
            throw QEMUCommandLineError.unsupported("<numatune><memory placement='auto'> (no numad)")
        }
        let enabled = t.vcpuList.filter(\.enabled).map(\.id)
        if !t.vcpuList.isEmpty, enabled != Array(0..<enabled.count) {
            throw QEMUCommandLineError.unsupported(
                "<vcpus> with enabled vCPUs other than the first \(enabled.count) (vCPU hotplug order)")
        }
    }
}
