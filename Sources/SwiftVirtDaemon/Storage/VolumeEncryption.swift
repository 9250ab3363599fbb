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

    /// The keys of a copy: the new volume's (nil when it is not encrypted) and the source's with its name (nil
    /// when it is not).
    struct CopyKeys: Sendable {
        var target: [UInt8]?
        var source: (name: String, key: [UInt8])?
    }

    /// vol-create-from where either side is encrypted, in libvirt's two steps: the new image is created (with
    /// its encryption) at the larger of the two capacities, then `qemu-img convert -n` writes the source into
    /// it, each side opened with `--image-opts` and its key. The keys are in 0600 files of a 0700 directory
    /// for the length of the command (two secrets cannot share a pipe).
    static func copy(
        from source: String, info: QemuImg.Info, _ def: StorageVolumeDefinition, to path: String, keys: CopyKeys
    ) async throws {
        var created = def
        created.capacity = max(def.capacity ?? 0, info.virtualSize)
        created.backingStore = nil
        // A plain raw target starts sparse, as qemu-img creates it.
        if def.encryption == nil { created.allocation = 0 }
        try await VolumeOperations.create(created, at: path, key: keys.target)
        do {
            try await withKeyFiles([keys.target, keys.source?.key]) { files in
                var args = ["convert", "-q", "--image-opts", "-n", "--target-image-opts"]
                let targetAlias = def.name + "_encrypt0"
                if let file = files[0] { args += ["--object", "secret,id=\(escaped(targetAlias)),file=\(escaped(file))"] }
                var sourceOptions = "driver=\(info.formatName),file.filename=\(escaped(source))"
                if let name = keys.source?.name, let file = files[1] {
                    let alias = name + "_encrypt0"
                    args += ["--object", "secret,id=\(escaped(alias)),file=\(escaped(file))"]
                    sourceOptions += info.formatName == "luks" ? ",key-secret=" : ",encrypt.key-secret="
                    sourceOptions += escaped(alias)
                }
                let format = def.format ?? .raw
                let targetType = def.encryption != nil && format == .raw ? "luks" : format.rawValue
                var targetOptions = "driver=\(targetType),file.filename=\(escaped(path))"
                if files[0] != nil {
                    targetOptions += (format == .qcow2 ? ",encrypt.key-secret=" : ",key-secret=") + escaped(targetAlias)
                }
                _ = try await QemuImg.run(args + [sourceOptions, targetOptions])
            }
        } catch {
            unlink(path)
            throw error
        }
    }

    /// Runs `body` with each key (nil stays nil) in a 0600 file of a fresh 0700 directory, removed afterwards.
    private static func withKeyFiles<T>(_ keys: [[UInt8]?], _ body: ([String?]) async throws -> T) async throws -> T {
        var template = Array("/tmp/swiftvirt-keys-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) })
        else {
            throw VirtError(
                .systemError, domain: .storage,
                detail: "failed to open secret file for write: \(String(cString: strerror(errno)))")
        }
        var files: [String?] = []
        defer {
            for case let file? in files { unlink(file) }
            rmdir(dir)
        }
        for (i, key) in keys.enumerated() {
            guard let key else {
                files.append(nil)
                continue
            }
            let file = "\(dir)/key\(i)"
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw VirtError(.systemError, domain: .storage, detail: "failed to open secret file for write")
            }
            files.append(file)
            let written = key.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
            if written != key.count {
                throw VirtError(.systemError, domain: .storage, detail: "failed to write secret file")
            }
        }
        return try await body(files)
    }

    /// QEMU's option syntax: a comma inside a value is doubled.
    private static func escaped(_ s: String) -> String { s.replacing(",", with: ",,") }
}
