import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// What must be on the host before QEMU starts (libvirt's qemuPrepareNVRAM and external devices): the domain's
/// UEFI variable store, copied from its template the first time; the host TPM a passthrough names; a swtpm per
/// emulated TPM; a virtiofsd per virtiofs filesystem.
extension QEMUDomainLauncher {
    /// The helper processes a start needs, by kind.
    struct Helpers {
        var swtpms: [QEMUHelperProcess] = []
        var virtiofsds: [QEMUHelperProcess] = []
        var all: [QEMUHelperProcess] { swtpms + virtiofsds }
    }

    /// Returns the helper processes started (swtpm, virtiofsd); on failure none is left running.
    func prepareHost(id: Int32, directory: String) async throws -> Helpers {
        try await BlockingIO.run { [definition] in try Self.prepareNVRAM(definition) }
        for tpm in definition.devices.tpms {
            guard case .passthrough(let device) = tpm.backend else { continue }
            var st = stat()
            let problem =
                stat(device, &st) != 0 ? "does not exist" : st.st_mode & S_IFMT != S_IFCHR ? "is not a character device" : nil
            if let problem {
                throw VirtError(
                    .configUnsupported, domain: .qemu,
                    detail: "<devices/tpm/backend type='passthrough'>: host TPM device \(device) \(problem)")
            }
        }
        var started = Helpers()
        do {
            for tpm in definition.devices.tpms {
                guard case .emulator = tpm.backend else { continue }
                started.swtpms.append(try await driver.swtpm.start(tpm, of: definition, id: id))
            }
            for (fs, alias) in ArgumentBuilder.virtiofsShares(of: definition) {
                started.virtiofsds.append(
                    try await VirtioFSDaemon.start(
                        fs, socket: ArgumentBuilder.virtiofsSocket(directory: directory, alias: alias),
                        pidFile: "\(directory)/\(alias)-fs.pid",
                        log: "\(driver.configuration.logDirectory)/\(definition.name)-\(alias)-virtiofsd.log"))
            }
        } catch {
            for instance in started.all { await instance.stop() }
            throw error
        }
        return started
    }

    /// A flash loader's variable store that does not exist yet becomes a copy of its template (mode 0600).
    static func prepareNVRAM(_ def: DomainDefinition) throws {
        guard let loader = def.os.loader, loader.type == .pflash, let store = def.os.nvram?.path,
            access(store, F_OK) != 0
        else { return }
        guard let template = def.os.nvram?.template else {
            throw VirtError(
                .operationFailed, domain: .qemu,
                detail: "unable to find any master var store for loader: \(loader.path ?? "")")
        }
        guard access(template, R_OK) == 0, let bytes = FileManager.default.contents(atPath: template) else {
            throw VirtError(
                .systemError, domain: .qemu,
                detail: "Failed to open file '\(template)': \(String(cString: strerror(errno)))")
        }
        try FileManager.default.createDirectory(
            atPath: PathText.directory(of: store), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o755])
        try AtomicFile.write([UInt8](bytes), to: store, mode: 0o600)
    }
}
