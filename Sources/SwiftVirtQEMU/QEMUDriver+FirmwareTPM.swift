import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// The QEMU driver's part in UEFI and TPM: firmware chosen at start, the per-domain variable store and TPM state,
/// and what undefine does with them.
extension QEMUDriver {
    /// `STATE/qemu/nvram`: the UEFI variable stores, `NAME_VARS.fd` (libvirt: /var/lib/libvirt/qemu/nvram).
    var nvramDirectory: String { "\(configuration.stateDirectory)/qemu/nvram" }

    var swtpm: SWTPM {
        SWTPM(
            stateDirectory: configuration.stateDirectory, runDirectory: configuration.runDirectory,
            logDirectory: configuration.logDirectory)
    }

    var firmwareSelection: FirmwareSelection {
        let (directories, nvram) = (configuration.firmwareDescriptorDirectories, nvramDirectory)
        return FirmwareSelection(
            descriptors: { try FirmwareDescriptor.loadAll(directories: directories) },
            defaultNVRAMPath: { QEMUFirmwareAndTPMRules.defaultNVRAMPath(directory: nvram, name: $0.name) },
            fileExists: { access($0, F_OK) == 0 })
    }

    /// The firmware is chosen from the descriptors (which it reads) at every start, as libvirt does.
    public func prepareStart(_ definition: DomainDefinition) async throws -> DomainDefinition {
        let selection = firmwareSelection
        return try await BlockingIO.run {
            var prepared = definition
            try selection.fill(&prepared)
            VirtioFSDaemon.fillBinary(&prepared)
            return prepared
        }
    }

    /// libvirt's checks (qemuDomainUndefineFlags): a variable store that exists must be removed (`--nvram`) or
    /// kept (`--keep-nvram`) explicitly.
    public func undefine(_ definition: DomainDefinition, flags: DomainUndefineFlags) async throws {
        if flags.contains(.nvram) && flags.contains(.keepNVRAM) {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "cannot both keep and delete nvram")
        }
        if flags.contains(.tpm) && flags.contains(.keepTPM) {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "cannot both keep and delete TPM")
        }
        let store =
            definition.os.nvram?.path
            ?? (definition.os.firmware == .efi
                ? QEMUFirmwareAndTPMRules.defaultNVRAMPath(directory: nvramDirectory, name: definition.name) : nil)
        guard let store, access(store, F_OK) == 0 else { return }
        if flags.contains(.nvram) {
            let failure: Int32? = await BlockingIO.run { unlink(store) == 0 ? nil : errno }
            if let failure {
                throw VirtError(
                    .systemError, domain: .qemu,
                    detail: "failed to remove nvram: \(store): \(String(cString: strerror(failure)))")
            }
        } else if !flags.contains(.keepNVRAM) {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "cannot undefine domain with nvram")
        }
    }

    public func removedDomain(_ definition: DomainDefinition, flags: DomainUndefineFlags) async {
        await swtpm.removeState(of: definition, flags: flags)
    }
}
