import FoundationEssentials
import Glibc
import SwiftVirtCore

/// Disks whose image is encrypted (`<encryption format='luks'>`): libvirt's QEMU driver rules for them, and the
/// secret object that gives QEMU the key. The key (the secret's value, filled in by the daemon at start) goes to
/// QEMU in a 0600 file in the domain's private directory, named by the secret's alias and read by
/// `-object secret,file=`; the file is removed once QEMU has started. It never appears on the command line.
enum QEMUDiskEncryption {
    /// libvirt's alias of the secret of disk format node `nodeIndex`.
    static func alias(nodeIndex: Int) -> String { "libvirt-\(nodeIndex)-format-encryption-secret0" }

    static func keyFile(directory: String, alias: String) -> String { "\(directory)/\(alias).key" }

    /// The QEMU post-parse default: the encryption engine is QEMU's own.
    static func applyDefaults(_ def: inout DomainDefinition) {
        for i in def.devices.disks.indices where def.devices.disks[i].encryption?.engine == nil {
            def.devices.disks[i].encryption?.engine = .qemu
        }
    }

    /// libvirt's checks of an encrypted disk source when a definition is stored (qemuDomainValidateStorageSource).
    static func check(_ def: DomainDefinition) throws {
        for disk in def.devices.disks {
            guard let enc = disk.encryption else { continue }
            func refuse(_ message: String) -> VirtError {
                VirtError(
                    .configUnsupported, domain: .qemu,
                    detail: message + " (<devices/disk>" + (disk.sourceLine.line.map { ", line \($0)" } ?? "") + ")")
            }
            if enc.format == .default || enc.format == .qcow { throw refuse("old qcow/qcow2 encryption is not supported") }
            switch enc.engine ?? .qemu {
            case .qemu:
                if enc.format == .luks2 { throw refuse("luks2 is currently not supported by the qemu encryption engine") }
                let format = disk.driver?.format ?? .raw
                if format != .raw && format != .qcow2 {
                    throw refuse("encryption is supported only with 'raw' and 'qcow2' image format")
                }
            case .librbd:
                throw refuse("librbd encryption is not supported by this QEMU binary")
            }
        }
    }

    /// The format node's encryption options for a disk (after its `driver=`), and the secret object to add before
    /// its blockdevs; nil for a disk without a LUKS secret.
    static func formatOptions(_ disk: Disk, nodeIndex: Int, directory: String) -> (object: String, options: String)? {
        guard let enc = disk.encryption, enc.format == .luks, !enc.secrets.isEmpty else { return nil }
        let alias = alias(nodeIndex: nodeIndex)
        let object = "secret,id=\(alias),file=\(qemuEscaped(keyFile(directory: directory, alias: alias)))"
        let options = disk.driver?.format == .qcow2 ? ",encrypt.format=luks,encrypt.key-secret=\(alias)" : ",key-secret=\(alias)"
        return (object, options)
    }

    /// Writes each encrypted disk's key file (0600) in the domain's directory; returns their paths.
    static func writeKeys(_ def: DomainDefinition, directory: String) throws -> [String] {
        var written: [String] = []
        let disks = def.devices.disks
        for (i, disk) in disks.enumerated() {
            guard let enc = disk.encryption, enc.format == .luks, let key = enc.key else { continue }
            let path = keyFile(directory: directory, alias: alias(nodeIndex: disks.count - i))
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else {
                removeKeys(written)
                throw VirtError(
                    .systemError, domain: .qemu,
                    detail: "cannot write secret file '\(path)': \(String(cString: strerror(errno)))")
            }
            let n = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            written.append(path)
            if n != key.count {
                removeKeys(written)
                throw VirtError(.systemError, domain: .qemu, detail: "cannot write secret file '\(path)'")
            }
        }
        return written
    }

    static func removeKeys(_ paths: [String]) {
        for path in paths { unlink(path) }
    }
}
