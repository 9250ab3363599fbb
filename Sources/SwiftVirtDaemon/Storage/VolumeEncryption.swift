import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Encrypted volumes as libvirt's storage driver makes them: qemu-img creates a qcow2 image with a LUKS header
/// (`encrypt.format=luks`) or a LUKS file (format `luks`, a raw volume to libvirt), keyed by the value of the
/// secret the volume names. The value reaches qemu-img through a pipe (`--object secret,file=/dev/stdin`), never
/// on a command line.
enum VolumeEncryption {
    /// The checks of libvirt's qemu-img command builder, in its order and words; the qemu-img format to create.
    static func imageType(_ enc: StorageEncryption, format: VolumeFormat) throws -> String {
        if enc.format == .qcow || enc.format == .default, format == .qcow || format == .qcow2 {
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "creation of qcow2 encrypted image is not supported")
        }
        var type = format.rawValue
        if format == .raw {
            guard enc.format == .luks else {
                throw VirtError(
                    .internalError, domain: .storage, detail: "Only luks encryption is supported for raw files")
            }
            type = "luks"
        }
        guard format == .raw || format == .qcow2 else {
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "volume encryption unsupported with format \(type)")
        }
        guard enc.format == .luks else {
            // libvirt prints the format's enum number here.
            let number = StorageEncryption.Format.allCases.firstIndex(of: enc.format) ?? 0
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "unsupported volume encryption format \(number)")
        }
        return type
    }

    /// `--object` text of the secret, read from qemu-img's stdin.
    static func secretObject(alias: String) -> String {
        "secret,id=\(escaped(alias)),file=/dev/stdin"
    }

    /// The `-o` options of the encryption: key secret, then the cipher and IV generator the XML asks for.
    static func options(_ enc: StorageEncryption, format: VolumeFormat, alias: String) -> [String] {
        let prefix = format == .qcow2 ? "encrypt." : ""
        var options = format == .qcow2 ? ["encrypt.format=luks"] : []
        options.append("\(prefix)key-secret=\(escaped(alias))")
        guard let c = enc.cipher else { return options }
        options.append("\(prefix)cipher-alg=\(escaped(c.name))-\(c.size)")
        if let mode = c.mode { options.append("\(prefix)cipher-mode=\(escaped(mode))") }
        if let hash = c.hash { options.append("\(prefix)hash-alg=\(escaped(hash))") }
        guard let i = enc.ivgen else { return options }
        options.append("\(prefix)ivgen-alg=\(escaped(i.name))")
        if let hash = i.hash { options.append("\(prefix)ivgen-hash-alg=\(escaped(hash))") }
        return options
    }

    /// Runs the create command with the key on stdin. qemu-img times PBKDF2 with the thread's CPU clock, and on
    /// a host whose clock ticks coarsely it may find no time spent ("Unable to get accurate CPU usage"): such
    /// a run is tried again, a few times.
    static func runCreate(_ args: [String], key: [UInt8], path: String) async throws {
        var attempt = 0
        while true {
            attempt += 1
            do {
                _ = try await QemuImg.run(args, input: key)
                return
            } catch let failure as QemuImg.Failure
                where attempt < 5 && failure.output.contains("Unable to get accurate CPU usage")
            {
                unlink(path)
            }
        }
    }

    /// vol-resize of an encrypted volume, as libvirt: qemu-img opens the image with its key (`--image-opts`),
    /// the size rounded up to 512 bytes. Preallocation is refused with libvirt's words.
    static func resize(
        _ path: String, info: QemuImg.Info, to capacity: UInt64, flags: UInt32, encryption: StorageEncryption,
        key: @Sendable (StorageEncryption) async throws -> [UInt8]
    ) async throws {
        let luks = info.formatName == "luks"
        if flags & 1 != 0 {
            throw VirtError(
                .operationUnsupported, domain: .storage,
                detail: luks
                    ? "preallocate is only supported for an unencrypted raw volume"
                    : "preallocate is only supported for raw type volume")
        }
        if !luks && (encryption.format == .qcow || encryption.format == .default) {
            throw VirtError(
                .configUnsupported, domain: .storage, detail: "resize of qcow2 encrypted image is not supported")
        }
        if encryption.secrets.count != 1 {
            throw VirtError(
                .xmlError, domain: .storage,
                detail: encryption.secrets.isEmpty
                    ? "no secret provided for luks encryption" : "too many secrets for luks encryption")
        }
        let value = try await key(encryption)
        let alias = PathText.name(of: path) + "_encrypt0"
        let size = (capacity + 511) / 512 * 512
        var args = ["resize", "-q"]
        if size < info.virtualSize { args.append("--shrink") }
        let driver = luks ? "driver=luks,key-secret=" : "driver=qcow2,encrypt.key-secret="
        args += [
            "--object", secretObject(alias: alias), "--image-opts",
            driver + escaped(alias) + ",file.filename=" + escaped(path), String(size),
        ]
        _ = try await QemuImg.run(args, input: value)
    }

    /// QEMU's option syntax: a comma inside a value is doubled.
    private static func escaped(_ s: String) -> String { s.replacing(",", with: ",,") }
}

extension SecretRegistry {
    /// The key of an encrypted volume (libvirt's storage driver reading a volume secret): exactly one
    /// `<secret>`, found by uuid or by volume usage, of usage type volume, with a value. Private secrets are
    /// readable here: this is the daemon itself asking.
    func volumeKey(_ enc: StorageEncryption) throws -> [UInt8] {
        guard enc.secrets.count == 1 else {
            throw VirtError(
                .invalidArg, domain: .storage,
                detail: "A single <secret type='passphrase'...> element is expected in encryption description")
        }
        return try internalValue(enc.secrets[0], usage: .volume)
    }
}

extension SecretRegistry {
    /// A starting guest's encrypted disks get their keys, as libvirt's QEMU driver reads them: the first
    /// `<secret>` of a LUKS `<encryption>`, a volume secret with a value.
    func fillDiskKeys(_ def: DomainDefinition) throws -> DomainDefinition {
        var def = def
        for i in def.devices.disks.indices {
            guard let enc = def.devices.disks[i].encryption, enc.format == .luks, let lookup = enc.secrets.first
            else { continue }
            def.devices.disks[i].encryption?.key = try internalValue(lookup, usage: .volume)
        }
        return def
    }
}
