import FoundationEssentials
import Glibc
import SwiftVirtCore

/// The filesystem side of a `dir` pool: its directory, its usage, and the files that are its volumes.
enum DirPool {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// pool-build: the target directory, with the configured permissions (libvirt's default mode 0711).
    static func build(_ def: StoragePoolDefinition) throws {
        let path = def.targetPath
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StorageError.io("cannot create path '\(path)': \(error)")
        }
        let perms = def.permissions ?? StoragePermissions()
        if chmod(path, mode_t(perms.mode ?? 0o711)) != 0 {
            throw StorageError.io("cannot set mode of '\(path)': \(errnoText())")
        }
        if perms.owner != nil || perms.group != nil {
            let uid = perms.owner.map { uid_t($0) } ?? uid_t.max
            let gid = perms.group.map { gid_t($0) } ?? gid_t.max
            if chown(path, uid, gid) != 0 { throw StorageError.io("cannot set owner of '\(path)': \(errnoText())") }
        }
    }

    /// pool-delete: removes the (empty) directory.
    static func remove(_ path: String) throws {
        if rmdir(path) != 0 && errno != ENOENT {
            throw StorageError.io("failed to remove pool '\(path)': \(errnoText())")
        }
    }

    /// The regular files in the directory. Dot files are skipped: they are temporary files of transfers.
    static func scan(_ path: String) throws -> Set<String> {
        var isDir = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir else {
            throw StorageError.io("cannot open directory '\(path)': No such file or directory")
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var result: Set<String> = []
        for name in names where !name.hasPrefix(".") {
            var st = stat()
            if lstat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { result.insert(name) }
        }
        return result
    }

    /// Capacity, allocation and available bytes of the filesystem holding the pool.
    static func usage(_ path: String) -> StoragePoolUsage? {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return nil }
        let unit = UInt64(fs.f_frsize)
        let capacity = UInt64(fs.f_blocks) * unit
        // As libvirt: "available" is every free block (f_bfree), including those reserved for root.
        let free = UInt64(fs.f_bfree) * unit
        return StoragePoolUsage(capacity: capacity, allocation: capacity - free, available: free)
    }

    static func permissions(_ path: String) -> StoragePermissions? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return StoragePermissions(mode: UInt32(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid)
    }

    /// (size in bytes, bytes allocated on disk).
    static func sizes(_ path: String) throws -> (physical: UInt64, allocation: UInt64) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw StorageError.io("cannot stat file '\(path)': \(errnoText())") }
        return (UInt64(st.st_size), UInt64(st.st_blocks) * 512)
    }

    /// The file's times as vol-dumpxml shows them; birth time is 0 (stat does not report it), as with libvirt.
    static func timestamps(_ path: String) -> StorageTimestamps? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        func time(_ t: timespec) -> StorageTime { StorageTime(seconds: Int64(t.tv_sec), nanoseconds: Int64(t.tv_nsec)) }
        return StorageTimestamps(
            atime: time(st.st_atim), mtime: time(st.st_mtim), ctime: time(st.st_ctim),
            btime: StorageTime(seconds: 0, nanoseconds: 0))
    }

    static func applyPermissions(_ p: StoragePermissions?, to path: String) throws {
        if chmod(path, mode_t(p?.mode ?? 0o600)) != 0 {
            throw StorageError.io("cannot set mode of '\(path)': \(errnoText())")
        }
        if let p, p.owner != nil || p.group != nil {
            if chown(path, p.owner.map { uid_t($0) } ?? uid_t.max, p.group.map { gid_t($0) } ?? gid_t.max) != 0 {
                throw StorageError.io("cannot set owner of '\(path)': \(errnoText())")
            }
        }
    }
}
