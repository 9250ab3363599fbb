import Glibc
import SwiftVirtCore

/// `disk` pools: a partition table on the source device; volumes are its partitions, named as their device
/// nodes (`loop0p1`, `sdb1`). As libvirt 9.0: build zeroes the device's ends and writes a label (`parted DEV
/// mklabel --script msdos|gpt|...`, `unknown` meaning msdos); start checks the device and its label; a volume
/// is `parted DEV mkpart --script primary [FSTYPE] STARTB ENDB` in the smallest free extent it fits, and must
/// be named as the partition that gets made; deleting is `parted DEV rm --script N`. Partitions and free
/// extents are read with `parted -s -m DEV unit B print free`.
struct DiskPoolBackend: StoragePoolBackend {
    var volumesAreFiles: Bool { false }

    static func label(_ format: String?) -> String {
        switch format ?? "unknown" {
        case "unknown", "dos": return "msdos"
        case let other: return other
        }
    }

    private func device(_ def: StoragePoolDefinition) throws -> String {
        guard let device = def.sourceDevice else {
            throw VirtError(.internalError, domain: .storage, detail: "missing source device")
        }
        return device
    }

    func build(_ def: StoragePoolDefinition, flags: UInt32) throws {
        let dev = try device(def)
        if flags & 4 == 0 { try DeviceProbe.requireEmpty(dev, format: blkidName(def.source.format)) }
        try StorageCommand.zeroEnds(dev)
        try StorageCommand.run("parted", [dev, "mklabel", "--script", Self.label(def.source.format)])
    }

    private func blkidName(_ format: String?) -> String {
        let l = Self.label(format)
        return l == "msdos" ? "dos" : l
    }

    func start(_ def: StoragePoolDefinition) throws {
        let dev = try device(def)
        guard access(dev, F_OK) == 0 else {
            throw VirtError(.invalidArg, domain: .storage, detail: "device path '\(dev)' doesn't exist")
        }
        let expected = blkidName(def.source.format)
        let found = DeviceProbe.type(dev)
        guard found == expected else {
            throw VirtError(
                .storageProbeFailed, domain: .storage,
                detail: "Format of device '\(dev)' does not match the expected format '\(expected)'")
        }
    }

    func stop(_ def: StoragePoolDefinition) throws {}

    func delete(_ def: StoragePoolDefinition) throws {
        try StorageCommand.zeroEnds(try device(def))
    }

    /// A partition or free region from parted's machine-readable listing.
    struct Region {
        var number: Int
        var start: UInt64
        var end: UInt64
        var free: Bool
    }

    static func regions(_ device: String) throws -> [Region] {
        let out = try StorageCommand.run("parted", ["-s", "-m", device, "unit", "B", "print", "free"])
        return out.split(separator: "\n").dropFirst(2).compactMap { line in
            let f = line.split(separator: ":", omittingEmptySubsequences: false)
            guard f.count >= 5, let n = Int(f[0]), let start = UInt64(f[1].dropLast()),
                let end = UInt64(f[2].dropLast())
            else { return nil }
            return Region(number: n, start: start, end: end, free: f[4].hasPrefix("free"))
        }
    }

    /// `/dev/loop0` + 1 → `loop0p1`; `/dev/sdb` + 1 → `sdb1` (a `p` after a trailing digit, or as
    /// `part_separator` says).
    static func partitionName(_ def: StoragePoolDefinition, _ number: Int) -> String {
        let base = (def.sourceDevice ?? "").split(separator: "/").last.map(String.init) ?? ""
        let separator = def.source.devices.first?.partSeparator ?? base.last?.isNumber ?? false
        return base + (separator ? "p" : "") + String(number)
    }

    func volumePath(_ def: StoragePoolDefinition, _ name: String) -> String {
        let dir = (def.sourceDevice ?? "/dev/x").split(separator: "/").dropLast().joined(separator: "/")
        return "/" + dir + "/" + name
    }

    func scan(_ def: StoragePoolDefinition) throws -> Set<String> {
        Set(try Self.regions(try device(def)).filter { !$0.free }.map { Self.partitionName(def, $0.number) })
    }

    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? {
        guard let dev = def.sourceDevice, let size = StorageCommand.deviceSize(dev),
            let regions = try? Self.regions(dev)
        else { return nil }
        let used = regions.filter { !$0.free }.reduce(UInt64(0)) { $0 + $1.end - $1.start + 1 }
        let free = regions.filter(\.free).reduce(UInt64(0)) { $0 + $1.end - $1.start + 1 }
        return StoragePoolUsage(capacity: size, allocation: used, available: free)
    }

    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { def.permissions }

    func live(_ def: StoragePoolDefinition) -> StoragePoolDefinition {
        var def = def
        if def.source.format == "unknown" { def.source.format = "dos" }
        guard let dev = def.sourceDevice, let regions = try? Self.regions(dev), !def.source.devices.isEmpty else {
            return def
        }
        def.source.devices[0].freeExtents = regions.filter(\.free).map { .init(start: $0.start, end: $0.end + 1) }
        return def
    }

    func createVolume(_ def: StoragePoolDefinition, _ volume: StorageVolumeDefinition) throws {
        if volume.encryption != nil {
            throw VirtError(
                .configUnsupported, domain: .storage,
                detail: "<volume/target/encryption>: encrypted volumes are not supported by SwiftVirt")
        }
        let dev = try device(def)
        let before = try Self.regions(dev)
        let size = volume.capacity ?? 0
        let align: UInt64 = 1 << 20
        let fits = before.filter(\.free).compactMap { r -> (UInt64, UInt64)? in
            let start = (r.start + align - 1) / align * align
            return start + size - 1 <= r.end && size > 0 ? (start, r.end - r.start) : nil
        }
        guard let start = fits.min(by: { $0.1 < $1.1 })?.0 else {
            throw VirtError(.internalError, domain: .storage, detail: "no large enough free extent")
        }
        var type = ["primary"]
        if Self.label(def.source.format) == "msdos" {
            switch volume.formatName ?? "none" {
            case "extended": type = ["extended"]
            case "fat16", "fat32", "linux-swap": type.append(volume.formatName ?? "")
            default: type.append("ext2")
            }
        }
        try StorageCommand.run("parted", [dev, "mkpart", "--script"] + type + ["\(start)B", "\(start + size - 1)B"])
        let after = try Self.regions(dev)
        let old = Set(before.filter { !$0.free }.map(\.number))
        guard let made = after.first(where: { !$0.free && !old.contains($0.number) }) else {
            throw VirtError(.internalError, domain: .storage, detail: "cannot find the new partition on '\(dev)'")
        }
        let name = Self.partitionName(def, made.number)
        if name != volume.name {
            _ = StorageCommand.probe("parted", [dev, "rm", "--script", String(made.number)])
            throw VirtError(
                .invalidArg, domain: .storage,
                detail: "invalid partition name '\(volume.name)', expected '\(name)'")
        }
        waitForNode(volumePath(def, name))
    }

    /// Partition nodes appear once the kernel has re-read the table (devtmpfs, no udev needed).
    private func waitForNode(_ path: String) {
        for _ in 0..<50 where access(path, F_OK) != 0 { usleep(20_000) }
    }

    func deleteVolume(_ def: StoragePoolDefinition, _ name: String) throws {
        let dev = try device(def)
        guard let region = try Self.regions(dev).first(where: { !$0.free && Self.partitionName(def, $0.number) == name })
        else {
            throw VirtError(
                .internalError, domain: .storage, detail: "cannot parse partition number from target '\(name)'")
        }
        try StorageCommand.run("parted", [dev, "rm", "--script", String(region.number)])
    }

    func describeVolume(_ def: StoragePoolDefinition, _ name: String) throws -> StorageVolumeDefinition {
        let dev = try device(def)
        guard let region = try Self.regions(dev).first(where: { !$0.free && Self.partitionName(def, $0.number) == name })
        else { throw StorageError.noVolumeNamed(name) }
        let size = region.end - region.start + 1
        var v = StorageVolumeDefinition(name: name, capacity: size)
        v.type = .block
        v.path = volumePath(def, name)
        v.key = v.path
        v.allocation = size
        v.formatName = "none"
        v.extents = [.init(device: dev, start: region.start, end: region.end + 1)]
        v.permissions = DirPool.permissions(v.path ?? "")
        v.timestamps = DirPool.timestamps(v.path ?? "")
        return v
    }
}
