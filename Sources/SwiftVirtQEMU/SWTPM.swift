import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// swtpm for `<tpm><backend type='emulator'>`, run as libvirt 9.0 runs it (qemu_tpm.c): the state is made once by
/// `swtpm_setup` (EK, certificates, locked NVRAM) in a directory per domain and TPM version, then each start runs
/// `swtpm socket` with a control socket QEMU connects to, `--terminate` so it ends with QEMU's connection.
///
/// Unlike the system libvirtd, which runs swtpm as the `tss` user with the host's local CA, swtpm runs as root here
/// (as QEMU does) and swtpm_setup gets a configuration of its own under `STATE/swtpm/config`, made by
/// `swtpm_setup --create-config-files` (as libvirt does for session daemons): its CA never touches the one in
/// /var/lib/swtpm-localca that a libvirtd on the same host uses.
struct SWTPM: Sendable {
    static let binary = "/usr/bin/swtpm"
    static let setupBinary = "/usr/bin/swtpm_setup"

    /// The driver's `--state-dir`, `--run-dir` and `--log-dir`.
    let stateDirectory: String
    let runDirectory: String
    let logDirectory: String

    /// Per-domain state, kept across starts: `STATE/swtpm/UUID/tpm2` (or `tpm1.2`).
    func storagePath(uuid: DomainUUID, version: TPMDevice.Version) -> String {
        "\(domainStateDirectory(uuid: uuid))/\(version == .v2_0 ? "tpm2" : "tpm1.2")"
    }

    func domainStateDirectory(uuid: DomainUUID) -> String { "\(stateDirectory)/swtpm/\(uuid)" }

    /// `RUN/qemu/swtpm/ID-NAME-swtpm.sock`, NAME cut to 20 characters as in libvirt's short domain names.
    func socketPath(id: Int32, name: String) -> String { "\(runDirectory)/qemu/swtpm/\(id)-\(name.prefix(20))-swtpm.sock" }

    func pidFilePath(id: Int32, name: String) -> String { "\(runDirectory)/qemu/swtpm/\(id)-\(name.prefix(20))-swtpm.pid" }

    func logPath(name: String) -> String { "\(logDirectory)/\(name)-swtpm.log" }

    private var configHome: String { "\(stateDirectory)/swtpm/config" }

    /// Makes the TPM's state on its first start, then starts swtpm and waits for its socket.
    func start(_ tpm: TPMDevice, of def: DomainDefinition, id: Int32) async throws -> QEMUHelperProcess {
        guard case .emulator(let configured, _, let banks) = tpm.backend else {
            throw SWTPMError.notAnEmulator
        }
        let version = configured ?? .v1_2
        for tool in [Self.binary, Self.setupBinary] where access(tool, X_OK) != 0 {
            throw SWTPMError.notInstalled(PathText.name(of: tool))
        }
        let storage = storagePath(uuid: def.uuid, version: version)
        let log = logPath(name: def.name)
        let created = try await BlockingIO.run { [self] in try createStorage(storage, log: log) }
        do {
            if created {
                try await setup(storage: storage, version: version, vmid: "\(def.name):\(def.uuid)", log: log)
            }
            if version == .v2_0, let banks { try await reconfigure(storage: storage, banks: banks, log: log) }
        } catch {
            if created { try? FileManager.default.removeItem(atPath: domainStateDirectory(uuid: def.uuid)) }
            throw error
        }
        let socket = socketPath(id: id, name: def.name)
        let pidFile = pidFilePath(id: id, name: def.name)
        unlink(socket)
        var arguments = [
            "socket", "--ctrl", "type=unixio,path=\(socket),mode=0600", "--tpmstate", "dir=\(storage),mode=0600",
            "--log", "file=\(log)", "--terminate",
        ]
        if version == .v2_0 { arguments.append("--tpm2") }
        let process = try QEMUProcess.spawn(
            executable: Self.binary, arguments: arguments, logPath: log, pidFilePath: pidFile)
        let instance = QEMUHelperProcess(process: process, socketPath: socket, pidFilePath: pidFile)
        let deadline = ContinuousClock.now + .seconds(3)
        while access(socket, F_OK) != 0 {
            if process.hasExited || ContinuousClock.now >= deadline {
                await instance.stop()
                let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").suffix(3)
                throw SWTPMError.died(tail?.joined(separator: "\n") ?? "")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return instance
    }

    /// Creates the state directory (`created` when it did not exist yet) and the log's and socket's directories.
    private func createStorage(_ storage: String, log: String) throws -> Bool {
        let fm = FileManager.default
        let parent = PathText.directory(of: storage)
        for (dir, mode) in [(parent, 0o711), (configHome, 0o700), (logDirectory, 0o755), (runDirectory + "/qemu/swtpm", 0o700)] {
            do {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
            } catch {
                throw SWTPMError.cannotCreate(dir, "\(error)")
            }
        }
        if fm.fileExists(atPath: storage) { return false }
        guard mkdir(storage, 0o700) == 0 else { throw SWTPMError.cannotCreate(storage, String(cString: strerror(errno))) }
        return true
    }

    private func setup(storage: String, version: TPMDevice.Version, vmid: String, log: String) async throws {
        try await runSetup(["--create-config-files", "skip-if-exist,root"], log: log, what: .configFiles)
        var arguments = version == .v2_0 ? ["--tpm2"] : []
        arguments += [
            "--tpm-state", storage, "--vmid", vmid, "--logfile", log, "--createek", "--create-ek-cert",
            "--create-platform-cert", "--lock-nvram", "--not-overwrite",
        ]
        try await runSetup(arguments, log: log, what: .setup)
    }

    private func reconfigure(storage: String, banks: [TPMDevice.PCRBank], log: String) async throws {
        let list = banks.map(\.rawValue).joined(separator: ",")
        try await runSetup(
            ["--tpm2", "--tpm-state", storage, "--logfile", log, "--pcr-banks", list, "--reconfigure"], log: log,
            what: .reconfigure)
    }

    /// swtpm_setup with this driver's own configuration (XDG_CONFIG_HOME), on the blocking executor.
    private func runSetup(_ arguments: [String], log: String, what: SWTPMError.SetupStep) async throws {
        let argv = ["XDG_CONFIG_HOME=\(configHome)", Self.setupBinary] + arguments
        let result = try await BlockingIO.run { try ChildProcess.run("/usr/bin/env", argv) }
        guard result.status == 0 else {
            throw SWTPMError.setupFailed(what, status: result.status, log: log, output: result.standardError)
        }
    }

    /// libvirt's rule at undefine (qemuTPMEmulatorCleanupHost): the state goes unless the TPM keeps it
    /// (`persistent_state='yes'`, or `--keep-tpm`), and `--tpm` removes even a persistent one.
    func removeState(of def: DomainDefinition, flags: DomainUndefineFlags) async {
        for tpm in def.devices.tpms {
            guard case .emulator(_, let persistent, _) = tpm.backend else { continue }
            if persistent ? flags.contains(.tpm) : !flags.contains(.keepTPM) {
                let dir = domainStateDirectory(uuid: def.uuid)
                await BlockingIO.run { try? FileManager.default.removeItem(atPath: dir) }
            }
        }
    }
}

/// Failures of the TPM emulator, with libvirt's codes and words where it reports the same failure.
enum SWTPMError: Error, Sendable, LibvirtMappable, CustomStringConvertible {
    enum SetupStep: Sendable { case configFiles, setup, reconfigure }
    case notAnEmulator
    case notInstalled(String)
    case cannotCreate(String, String)
    case setupFailed(SetupStep, status: Int32, log: String, output: String)
    case died(String)

    var description: String {
        switch self {
        case .notAnEmulator: return "the TPM is not backed by an emulator"
        case .notInstalled(let tool): return "Unable to find '\(tool)' binary in $PATH: \(String(cString: strerror(ENOENT)))"
        case .cannotCreate(let path, let reason): return "Could not create TPM directory \(path): \(reason)"
        case .setupFailed(.configFiles, let status, _, let output):
            return "Could not run '\(SWTPM.setupBinary)' to create config files. exitstatus: \(status);\nError: \(output)"
        case .setupFailed(.setup, let status, let log, _):
            return "Could not run '\(SWTPM.setupBinary)'. exitstatus: \(status); Check error log '\(log)' for details."
        case .setupFailed(.reconfigure, let status, let log, _):
            return
                "Could not run '\(SWTPM.setupBinary) --reconfigure'. exitstatus: \(status); Check error log '\(log)' for details."
        case .died(let reported): return "swtpm died and reported: \(reported)"
        }
    }

    var virtError: VirtError {
        switch self {
        case .notInstalled: return VirtError(.systemError, domain: .qemu, detail: description)
        case .died: return VirtError(.operationFailed, domain: .qemu, detail: description)
        case .notAnEmulator, .cannotCreate, .setupFailed:
            return VirtError(.internalError, domain: .qemu, detail: description)
        }
    }
}
