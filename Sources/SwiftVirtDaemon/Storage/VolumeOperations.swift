import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// What happens to a volume's file: creation, copies and conversions, wiping, resizing, and the description
/// clients see. Formats always come from `qemu-img info` (the image header), never from the file name.
enum VolumeOperations {
    /// vol-create / vol-create-as: a new image at `path`. `key`: the value of the secret an encrypted volume
    /// names (read by the caller from the secret driver).
    static func create(_ def: StorageVolumeDefinition, at path: String, key: [UInt8]? = nil) async throws {
        let format = def.format ?? .raw
        guard format.creatable else {
            throw StorageError.invalid("volume format '\(format.rawValue)' cannot be created")
        }
        let size = def.capacity
        if format == .raw, def.backingStore == nil, def.encryption == nil, let capacity = size {
            // As libvirt: no qemu-img (whose raw files start with one allocated block); the allocation defaults
            // to the capacity when the XML names none.
            try await createRawFile(path, capacity: capacity, allocation: min(def.allocation ?? capacity, capacity))
            do {
                try DirPool.applyPermissions(def.permissions, to: path)
            } catch {
                unlink(path)
                throw error
            }
            return
        }
        var type = format.rawValue
        var secretObject: [String] = []
        var options: [String] = []
        if let enc = def.encryption {
            type = try VolumeEncryption.imageType(enc, format: format)
            let alias = def.name + "_encrypt0"
            secretObject = ["--object", VolumeEncryption.secretObject(alias: alias)]
            options += VolumeEncryption.options(enc, format: format, alias: alias)
        }
        var args = ["create", "-q", "-f", type] + secretObject
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
            if def.encryption != nil {
                try await VolumeEncryption.runCreate(args, key: key ?? [], path: path)
            } else {
                _ = try await QemuImg.run(args)
            }
            try DirPool.applyPermissions(def.permissions, to: path)
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Copying into an encrypted volume without its key: refused.
    static func refuseEncryption(_ def: StorageVolumeDefinition) throws {
        guard def.encryption != nil else { return }
        throw VirtError(.internalError, domain: .storage, detail: "path to secret data file is required")
    }

    private static func qcow2Options(_ def: StorageVolumeDefinition, format: VolumeFormat) -> [String] {
        guard format == .qcow2 else { return [] }
        var options: [String] = []
        if let size = def.clusterSize { options.append("cluster_size=\(size)") }
        if def.nocow { options.append("nocow=on") }
        if def.extendedL2 { options.append("extended_l2=on") }
        // libvirt asks for compat 0.10 unless the XML names a level (features such as lazy_refcounts need 1.1).
        if let compat = def.compat {
            options.append("compat=\(compat)")
        } else if !def.lazyRefcounts {
            options.append("compat=0.10")
        }
        if def.lazyRefcounts { options.append("lazy_refcounts=on") }
        return options
    }

    /// vol-create-from / vol-clone: a copy of `source` in the format `def` asks for (raw when it names none,
    /// as libvirt), through qemu-img so sparse regions stay sparse and foreign formats become native ones.
    /// `keys`: when the new volume or the source is encrypted, their `<encryption>` and keys (libvirt's two-step
    /// create and convert, in VolumeEncryption).
    static func copy(
        from source: String, _ def: StorageVolumeDefinition, to path: String, keys: VolumeEncryption.CopyKeys? = nil
    ) async throws {
        let info = try await QemuImg.info(source)
        if let keys, def.encryption != nil || (keys.source != nil && info.encryption != nil) {
            try await VolumeEncryption.copy(from: source, info: info, def, to: path, keys: keys)
            return
        }
        try refuseEncryption(def)
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

    /// A new raw file of `capacity` bytes whose first `allocation` bytes are allocated on disk, synced.
    private static func createRawFile(_ path: String, capacity: UInt64, allocation: UInt64) async throws {
        // Allocating and syncing a large file takes long: the blocking executor's work.
        try await BlockingIO.run {
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else { throw StorageError.io("cannot create file '\(path)': \(DirPool.errnoText())") }
            defer { close(fd) }
            var failure: String?
            if ftruncate(fd, off_t(capacity)) != 0 {
                failure = "cannot extend file '\(path)': \(DirPool.errnoText())"
            } else if allocation > 0, case let rc = posix_fallocate(fd, 0, off_t(allocation)), rc != 0 {
                failure = "cannot allocate \(allocation) bytes in file '\(path)': \(String(cString: strerror(rc)))"
            } else if fsync(fd) != 0 {
                failure = "cannot sync file '\(path)': \(DirPool.errnoText())"
            }
            if let failure {
                unlink(path)
                throw StorageError.io(failure)
            }
        }
    }

    /// vol-resize; flags as virStorageVolResizeFlags (1 allocate, 2 delta, 4 shrink).
    /// `encrypted`: the volume's `<encryption>` (as vol-dumpxml shows it) and how to read its secret's value.
    static func resize(
        _ path: String, capacity: UInt64, flags: UInt32,
        encrypted: (StorageEncryption, @Sendable (StorageEncryption) async throws -> [UInt8])? = nil
    ) async throws {
        let info = try await QemuImg.info(path)
        var target = capacity
        if flags & 2 != 0 { target = info.virtualSize + capacity }
        if target < info.virtualSize && flags & 4 == 0 {
            throw StorageError.invalid(
                "can't shrink capacity below existing capacity unless shrink flag explicitly specified")
        }
        if let (encryption, key) = encrypted, info.encryption != nil {
            try await VolumeEncryption.resize(
                path, info: info, to: target, flags: flags, encryption: encryption, key: key)
            return
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
        v.timestamps = DirPool.timestamps(ref.path)
        if let encryption = info.encryption {
            // A LUKS file is a raw volume with LUKS encryption to libvirt; the secret is filled in by the caller.
            if info.formatName == "luks" { v.format = .raw }
            v.encryption = StorageEncryption(format: encryption)
        }
        if info.format == .qcow2 {
            // As libvirt, which reads a compat level only from version 3 headers: none for 0.10 images.
            v.compat = info.compat == "0.10" ? nil : info.compat
            v.lazyRefcounts = info.lazyRefcounts
        }
        if let backing = info.backingFile {
            var store = StorageVolumeDefinition.BackingStore(path: backing, format: info.backingFormat)
            store.permissions = DirPool.permissions(backing)
            store.timestamps = DirPool.timestamps(backing)
            v.backingStore = store
        }
        return v
    }
}
