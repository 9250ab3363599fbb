import Glibc
import SwiftVirtCore

/// `fs` pools (a block device or image file with a filesystem, mounted on the target at start) and `netfs`
/// pools (an NFS, CIFS or GlusterFS export mounted there). Once mounted, volumes are files as in a `dir` pool.
/// The commands are libvirt 9.0's: `mkfs -t FORMAT` at build with overwrite flags, `mount -o nodev,nosuid,noexec[,
/// nfsvers=N][,mount_opts] [-t FORMAT] SOURCE TARGET` at start (no `-t` for netfs `auto`, as `mount -t auto`
/// does not find NFS), `umount TARGET` at stop, `rmdir TARGET` at delete. A failed mount is refused with
/// mount's own message.
struct FileSystemPoolBackend: StoragePoolBackend {
    static let defaultMountOptions = "nodev,nosuid,noexec"
    var volumesAreFiles: Bool { true }

    /// What gets mounted: the device, `HOST:DIR`, or `//HOST/DIR` for CIFS.
    static func source(_ def: StoragePoolDefinition) throws -> String {
        if def.type == .netfs {
            guard def.source.hosts.count == 1 else {
                throw VirtError(
                    .configUnsupported, domain: .storage, detail: "expected exactly 1 host for the storage pool")
            }
            let host = def.source.hosts[0].name
            let dir = def.source.dir ?? ""
            return def.source.format == "cifs" ? "//\(host)/\(dir)" : "\(host):\(dir)"
        }
        guard def.source.devices.count == 1 else {
            if def.source.devices.isEmpty {
                throw VirtError(.internalError, domain: .storage, detail: "missing source device")
            }
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "expected exactly 1 device for the storage pool")
        }
        return def.source.devices[0].path
    }

    /// mount's arguments, as libvirt's virStorageBackendFileSystemMountCmd.
    static func mountArguments(_ def: StoragePoolDefinition, source: String) -> [String] {
        let format = def.source.format ?? "auto"
        var options = [defaultMountOptions]
        if def.type == .netfs {
            switch format {
            case "glusterfs": options.append("direct-io-mode=1")
            case "cifs": options.append("guest")
            default: if let v = def.source.protocolVersion { options.append("nfsvers=\(v)") }
            }
        }
        options += def.mountOptions
        var args = ["-o", options.joined(separator: ",")]
        if !(def.type == .netfs && format == "auto") { args += ["-t", format] }
        return args + [source, def.targetPath]
    }

    func build(_ def: StoragePoolDefinition, flags: UInt32) throws {
        if flags & 4 != 0 && flags & 8 != 0 {
            throw VirtError(
                .invalidArg, domain: .storage,
                detail: "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive")
        }
        try DirPool.build(def)
        guard def.type == .fs, flags & (4 | 8) != 0 else { return }
        guard let device = def.sourceDevice else {
            throw VirtError(
                .operationInvalid, domain: .storage,
                detail: "No source device specified when formatting pool '\(def.name)'")
        }
        guard access(device, F_OK) == 0 else {
            throw VirtError(
                .operationInvalid, domain: .storage,
                detail: "Source device does not exist when formatting pool '\(def.name)'")
        }
        let format = def.source.format ?? "auto"
        if flags & 8 != 0 { try DeviceProbe.requireEmpty(device, format: format) }
        var args = ["-t", format]
        switch format {
        case "xfs": args.append("-f")
        case "ext2", "ext3", "ext4": args.append("-F")
        case "vfat": args.append("-I")
        default: break
        }
        try StorageCommand.run("mkfs", args + [device])
    }

    func start(_ def: StoragePoolDefinition) throws {
        let source = try Self.source(def)
        if StorageCommand.isMounted(source: source, target: def.targetPath) { return }
        try StorageCommand.run("mount", Self.mountArguments(def, source: source))
    }

    func stop(_ def: StoragePoolDefinition) throws {
        let source = try Self.source(def)
        guard StorageCommand.isMounted(source: source, target: def.targetPath) else { return }
        try StorageCommand.run("umount", [def.targetPath])
    }

    func delete(_ def: StoragePoolDefinition) throws { try DirPool.remove(def.targetPath) }
    func scan(_ def: StoragePoolDefinition) throws -> Set<String> { try DirPool.scan(def.targetPath) }
    func usage(_ def: StoragePoolDefinition) -> StoragePoolUsage? { DirPool.usage(def.targetPath) }
    func permissions(_ def: StoragePoolDefinition) -> StoragePermissions? { DirPool.permissions(def.targetPath) }
}

/// What is on a device, read by `blkid -p` (libvirt's virStorageBackendDeviceIsEmpty uses libblkid).
enum DeviceProbe {
    /// The filesystem or partition table type found on `device`, nil when blkid finds nothing.
    static func type(_ device: String) -> String? {
        let (status, output) = StorageCommand.probe("blkid", ["-p", "-o", "export", device])
        guard status == 0 else { return nil }
        for line in output.split(separator: "\n") {
            if line.hasPrefix("TYPE=") { return String(line.dropFirst(5)) }
            if line.hasPrefix("PTTYPE=") { return String(line.dropFirst(7)) }
        }
        return nil
    }

    /// NO_OVERWRITE builds: refuse a device that already holds something.
    static func requireEmpty(_ device: String, format: String) throws {
        guard let found = type(device) else { return }
        if found == format || (format == "dos" && found == "dos") {
            throw VirtError(
                .storagePoolBuilt, domain: .storage, detail: "Device '\(device)' already formatted using '\(found)'")
        }
        throw VirtError(
            .storageProbeFailed, domain: .storage,
            detail: "Format of device '\(device)' does not match the expected format '\(format)', found '\(found)'")
    }
}
