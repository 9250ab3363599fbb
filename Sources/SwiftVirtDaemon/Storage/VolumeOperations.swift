import FoundationEssentials
import Glibc
import SwiftVirtCore

/// What happens to a volume's file: creation, copies and conversions, wiping, resizing, and the description
/// clients see. Formats always come from `qemu-img info` (the image header), never from the file name.
enum VolumeOperations {
    /// vol-create / vol-create-as: a new image at `path`.
    static func create(_ def: StorageVolumeDefinition, at path: String) async throws {
        let format = def.format ?? .raw
        guard format.creatable else {
            throw StorageError.invalid("volume format '\(format.rawValue)' cannot be created")
        }
        var args = ["create", "-q", "-f", format.rawValue]
        var options: [String] = []
        let size = def.capacity
        if let backing = def.backingStore {
            guard format == .qcow2 || format == .qed || format == .vmdk else {
                throw StorageError.invalid("a backing store needs a qcow2, qed or vmdk volume, not \(format.rawValue)")
            }
            var backingFormat = backing.format
            if backingFormat == nil { backingFormat = try await QemuImg.info(backing.path).format }
            args += ["-b", backing.path, "-F", (backingFormat ?? .raw).rawValue]
        } else if size == nil {
            throw StorageError.invalid("missing capacity for volume '\(def.name)'")
        }
        if let capacity = size, let allocation = def.allocation, allocation >= capacity, capacity > 0,
            format == .raw || format == .qcow2
        {
            options.append("preallocation=falloc")
        }
        options += qcow2Options(def, format: format)
        if !options.isEmpty { args += ["-o", options.joined(separator: ",")] }
        args.append(path)
        if let size { args.append(String(size)) }
        do {
            _ = try await QemuImg.run(args)
            try DirPool.applyPermissions(def.permissions, to: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    private static func qcow2Options(_ def: StorageVolumeDefinition, format: VolumeFormat) -> [String] {
        guard format == .qcow2 else { return [] }
        var options: [String] = []
        if let compat = def.compat { options.append("compat=\(compat)") }
        if def.lazyRefcounts { options.append("lazy_refcounts=on") }
        return options
    }

    /// vol-create-from / vol-clone: a copy of `source` in the format `def` asks for (raw when it names none,
    /// as libvirt), through qemu-img so sparse regions stay sparse and foreign formats become native ones.
    static func copy(from source: String, _ def: StorageVolumeDefinition, to path: String) async throws {
        let info = try await QemuImg.info(source)
        let format = def.format ?? .raw
        guard format.creatable else {
            throw StorageError.invalid("volume format '\(format.rawValue)' cannot be created")
        }
        var args = ["convert", "-q", "-f", info.formatName, "-O", format.rawValue]
        let options = qcow2Options(def, format: format)
        if !options.isEmpty { args += ["-o", options.joined(separator: ",")] }
        if let backing = def.backingStore {
            args += ["-B", backing.path, "-F", (backing.format ?? .raw).rawValue]
        }
        args += [source, path]
        do {
            _ = try await QemuImg.run(args)
            if let capacity = def.capacity, capacity > info.virtualSize {
                _ = try await QemuImg.run(["resize", "-q", "-f", format.rawValue, path, String(capacity)])
            }
            try DirPool.applyPermissions(def.permissions, to: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// vol-wipe: afterwards the volume reads as zeros. A raw file is emptied and re-extended (sparse zeros);
    /// any other image is recreated empty in the same format and size, so it stays a usable image.
    static func wipe(_ path: String) async throws {
        let info = try await QemuImg.info(path)
        let (size, _) = try DirPool.sizes(path)
        if info.format == .raw {
            guard truncate(path, 0) == 0, truncate(path, off_t(size)) == 0 else {
                throw StorageError.io("cannot wipe '\(path)': \(DirPool.errnoText())")
            }
            return
        }
        var args = ["create", "-q", "-f", info.formatName]
        if let backing = info.backingFile { args += ["-b", backing, "-F", (info.backingFormat ?? .raw).rawValue] }
        args += [path, String(info.virtualSize)]
        _ = try await QemuImg.run(args)
    }

    /// vol-resize; flags as virStorageVolResizeFlags (1 allocate, 2 delta, 4 shrink).
    static func resize(_ path: String, capacity: UInt64, flags: UInt32) async throws {
        let info = try await QemuImg.info(path)
        var target = capacity
        if flags & 2 != 0 { target = info.virtualSize + capacity }
        if target < info.virtualSize && flags & 4 == 0 {
            throw StorageError.invalid(
                "can't shrink capacity below existing capacity unless shrink flag explicitly specified")
        }
        var args = ["resize", "-q", "-f", info.formatName]
        if target < info.virtualSize { args.append("--shrink") }
        if flags & 1 != 0 && info.format == .raw { args.append("--preallocation=falloc") }
        args += [path, String(target)]
        _ = try await QemuImg.run(args)
    }

    /// The volume as vol-dumpxml shows it, from the file and its header.
    static func describe(_ ref: VolumeRef) async throws -> StorageVolumeDefinition {
        let info = try await QemuImg.info(ref.path)
        let (physical, allocation) = try DirPool.sizes(ref.path)
        var v = StorageVolumeDefinition(name: ref.name, capacity: info.virtualSize, format: info.format ?? .raw)
        v.key = ref.path
        v.path = ref.path
        v.allocation = allocation
        v.physical = physical
        v.permissions = DirPool.permissions(ref.path)
        if info.format == .qcow2 {
            v.compat = info.compat
            v.lazyRefcounts = info.lazyRefcounts
        }
        if let backing = info.backingFile {
            v.backingStore = .init(path: backing, format: info.backingFormat)
        }
        return v
    }
}
