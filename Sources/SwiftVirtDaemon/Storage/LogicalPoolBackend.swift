import Glibc
import SwiftVirtCore

/// `logical` pools: an LVM volume group (`<source><name>`) on the source devices; volumes are its logical
/// volumes, `/dev/VG/LV` block devices. As libvirt 9.0: build zeroes each device's ends, `pvcreate`s it and
/// `vgcreate`s the group; start is `vgchange -aay`, stop `vgchange -aln`; delete is `vgremove -f` then
/// `pvremove` of each device; volumes are `lvcreate --name N -L SIZEK VG --yes` (a sparse snapshot volume when
/// the allocation is below the capacity) and `lvremove -f`; only active volumes are listed.
struct LogicalPoolBackend: StoragePoolBackend {
    var volumesAreFiles: Bool { false }

    private func group(_ def: StoragePoolDefinition) -> String { def.source.name ?? def.name }

    func build(_ def: StoragePoolDefinition, flags: UInt32) throws {
        guard !def.source.devices.isEmpty else {
            throw VirtError(.configUnsupported, domain: .storage, detail: "missing source device")
        }
        for device in def.source.devices.map(\.path) {
            if flags & 4 == 0 { try DeviceProbe.requireEmpty(device, format: "LVM2_member") }
            try StorageCommand.zeroEnds(device)
            try StorageCommand.run("pvcreate", [device])
        }
        try StorageCommand.run("vgcreate", [group(def)] + def.source.devices.map(\.path))
    }

    func start(_ def: StoragePoolDefinition) throws {
        let groups = Self.groups()
        guard groups[group(def)] != nil else {
            throw VirtError(
                .operationFailed, domain: .storage, detail: "cannot find logical volume group name '\(group(def))'")
        }
        try StorageCommand.run("vgchange", ["-aay", group(def)])
    }

    func stop(_ def: StoragePoolDefinition) throws {
        try StorageCommand.run("vgchange", ["-aln", group(def)])
    }

    func delete(_ def: StoragePoolDefinition) throws {
        try StorageCommand.run("vgremove", ["-f", group(def)])
        for device in def.source.devices.map(\.path) { _ = StorageCommand.probe("pvremove", [device]) }
    }

    /// `lvs` rows of the group: name, uuid, devices, size, attributes.
    struct Volume {
        var name: String
        var uuid: String
        var devices: String
        var segmentSize: UInt64
        var extentSize: UInt64
        var size: UInt64
        var attributes: String
    }

    static func volumes(_ group: String) throws -> [Volume] {
        let out = try StorageCommand.run(
            "lvs",
            [
                "--separator", "#", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix", "--options",
                "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr", group,
            ])
        return out.split(separator: "\n").compactMap { line in
            let f = line.trimmingWhitespace().split(separator: "#", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10 else { return nil }
            return Volume(
                name: f[0], uuid: f[2], devices: f[3], segmentSize: UInt64(f[6]) ?? 0,
                extentSize: UInt64(f[7]) ?? 0, size: UInt64(f[8]) ?? 0, attributes: f[9])
        }
    }

    func scan(_ def: StoragePoolDefinition) throws -> Set<String> {
        // libvirt lists active volumes only, and never thin pools.
        Set(try Self.volumes(group(def)).filter { Self.listed($0.attributes) }.map(\.name))
    }

    static func listed(_ attributes: String) -> Bool {
        let a = Array(attributes)
        return a.count > 4 && a[4] == "a" && a[0] != "t"
    }

    /// VG name → (size, free) from `vgs`.
    static func groups() -> [String: (UInt64, UInt64)] {
        let (status, out) = StorageCommand.probe(
            "vgs",
            [
                "--separator", ":", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix", "--options",
                "vg_name,vg_size,vg_free",
            ])
        guard status == 0 else { return [:] }
        var result: [String: (UInt64, UInt64)] = [:]
        for line in out.split(separator: "\n") {
            let f = line.trimmingWhitespace().split(separator: ":")
            guard f.count == 3, let size = UInt64(f[1]), let free = UInt64(f[2]) else { continue }
            result[String(f[0])] = (size, free)
        }
        return result
    }

    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? {
        guard let (size, free) = Self.groups()[group(def)] else { return nil }
        return StoragePoolUsage(capacity: size, allocation: size - free, available: free)
    }

    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { def.permissions }

    func createVolume(_ def: StoragePoolDefinition, _ volume: StorageVolumeDefinition) throws {
        if volume.encryption != nil {
            throw VirtError(
                .configUnsupported, domain: .storage,
                detail: "<volume/target/encryption>: encrypted volumes are not supported by SwiftVirt")
        }
        let capacity = volume.capacity ?? 0
        let allocation = volume.allocation ?? capacity
        var args = ["--name", volume.name, "-L"]
        if capacity != allocation {
            args += ["\((max(allocation, 1) + 1023) / 1024)K", "--type", "snapshot", "--virtualsize"]
        }
        args.append("\((capacity + 1023) / 1024)K")
        if let backing = volume.backingStore { args += ["-s", backing.path] } else { args.append(group(def)) }
        try StorageCommand.run("lvcreate", args + ["--yes"])
    }

    func deleteVolume(_ def: StoragePoolDefinition, _ name: String) throws {
        let path = volumePath(def, name)
        _ = StorageCommand.probe("lvchange", ["-aln", path])
        try StorageCommand.run("lvremove", ["-f", path])
    }

    func describeVolume(_ def: StoragePoolDefinition, _ name: String) throws -> StorageVolumeDefinition {
        guard let lv = try Self.volumes(group(def)).first(where: { $0.name == name }) else {
            throw StorageError.noVolumeNamed(name)
        }
        var v = StorageVolumeDefinition(name: name, capacity: lv.size)
        v.type = .block
        v.key = lv.uuid
        v.path = volumePath(def, name)
        v.allocation = lv.size
        v.permissions = DirPool.permissions(v.path ?? "")
        v.timestamps = DirPool.timestamps(v.path ?? "")
        // "devices" is "/dev/loop0(0),/dev/loop1(12)": each device and its first extent.
        for part in lv.devices.split(separator: ",") {
            guard let open = part.firstIndex(of: "("), let offset = UInt64(part[part.index(after: open)...].dropLast())
            else { continue }
            let start = offset * lv.extentSize
            v.extents.append(.init(device: String(part[..<open]), start: start, end: start + lv.segmentSize))
        }
        return v
    }

    /// find-storage-pool-sources logical: each volume group and its physical volumes (`pvs`).
    static func findSources() throws -> [StoragePoolSource] {
        _ = StorageCommand.probe("vgscan", [])
        let out = try StorageCommand.run("pvs", ["--noheadings", "-o", "pv_name,vg_name"])
        var order: [String] = []
        var devices: [String: [String]] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count == 2 else { continue }
            if devices[f[1]] == nil { order.append(f[1]) }
            devices[f[1], default: []].append(f[0])
        }
        return order.map { vg in
            var s = StoragePoolSource()
            s.devices = (devices[vg] ?? []).map { StoragePoolSource.Device(path: $0) }
            s.name = vg
            s.format = "lvm2"
            return s
        }
    }
}
