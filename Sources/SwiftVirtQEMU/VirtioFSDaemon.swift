import CSwiftVirtSys
import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// virtiofsd, the vhost-user daemon behind a `<filesystem>` with `driver type='virtiofs'`, started as libvirt
/// 9.0 starts it: on a listening socket it is handed (`--fd=N`), with the export and the `<binary>` options.
public enum VirtioFSDaemon {
    /// QEMU's vhost-user descriptors name the daemon (libvirt reads the same files).
    static let descriptorDirectory = "/usr/share/qemu/vhost-user"
    static var binary: String { defaultBinary() ?? "/usr/lib/qemu/virtiofsd" }

    /// The `binary` of the first `"type": "fs"` vhost-user descriptor, in file name order.
    static func defaultBinary() -> String? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: descriptorDirectory)) ?? []).sorted()
        for name in names where name.hasSuffix(".json") {
            guard let text = try? String(contentsOfFile: "\(descriptorDirectory)/\(name)", encoding: .utf8),
                let json = try? JSONValue.parse(Data(text.utf8)), json["type"]?.stringValue == "fs",
                let binary = json["binary"]?.stringValue
            else { continue }
            return binary
        }
        return nil
    }

    /// The daemon each virtiofs filesystem will run, named in its `<binary path>` for the running guest's
    /// definition, as libvirt fills it in at start (from the vhost-user descriptors) when none is given.
    public static func fillBinary(_ def: inout DomainDefinition) {
        guard ArgumentBuilder.virtiofsShares(of: def).contains(where: { $0.share.virtiofsd.path == nil }),
            let binary = defaultBinary()
        else { return }
        for i in def.devices.generic.indices {
            guard let fs = FilesystemShare(def.devices.generic[i]), fs.driver == .virtiofs, fs.virtiofsd.path == nil
            else { continue }
            def.devices.generic[i].xml.setChildAttributeFirst("binary", name: "path", value: binary, after: "driver")
        }
    }

    /// virtiofsd's arguments after `--fd=N`.
    static func arguments(_ fs: FilesystemShare) -> [String] {
        var options = "source=" + qemuEscaped(fs.sourceDirectory)
        let d = fs.virtiofsd
        if let cache = d.cache { options += ",cache=\(cache)" }
        if let sandbox = d.sandbox { options += ",sandbox=\(sandbox)" }
        for (value, on, off) in [(d.xattr, "xattr", "no_xattr"), (d.flock, "flock", "no_flock"), (d.posixLock, "posix_lock", "no_posix_lock")] {
            if value == "on" { options += ",\(on)" } else if value == "off" { options += ",\(off)" }
        }
        var args = ["-o", options]
        if let threads = d.threadPoolSize { args.append("--thread-pool-size=\(threads)") }
        return args
    }

    static func start(_ fs: FilesystemShare, socket: String, pidFile: String, log: String) async throws -> QEMUHelperProcess {
        let executable = fs.virtiofsd.path ?? binary
        guard access(executable, X_OK) == 0 else {
            throw VirtError(.internalError, domain: .qemu, detail: "virtiofsd binary '\(executable)' is not executable")
        }
        guard access(fs.sourceDirectory, F_OK) == 0 else {
            throw VirtError(
                .internalError, domain: .qemu,
                detail: "the virtiofs export directory '\(fs.sourceDirectory)' does not exist")
        }
        let listener = sv_unix_listen(socket)
        guard listener >= 0 else {
            throw VirtError(
                .systemError, domain: .qemu,
                detail: "Failed to bind socket to '\(socket)': \(String(cString: strerror(-listener)))")
        }
        defer { close(listener) }
        let process = try QEMUProcess.spawn(
            executable: executable, arguments: ["--fd=\(listener)"] + arguments(fs), logPath: log, pidFilePath: pidFile,
            keeping: [listener])
        let helper = QEMUHelperProcess(process: process, socketPath: socket, pidFilePath: pidFile)
        // libvirt checks the daemon is alive once it forked; a bad option makes it exit at once.
        if await process.waitForExit(timeout: .milliseconds(100)) != nil {
            await helper.stop()
            throw VirtError(.systemError, domain: .qemu, detail: "virtiofsd died unexpectedly")
        }
        return helper
    }
}
