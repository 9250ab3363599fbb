import SwiftVirtCore

/// libvirt's QEMU driver rules for `<os>` firmware, `<smm>` and `<tpm>`: the defaults it fills in after parsing
/// (qemuDomainDefPostParse, qemuDomainTPMDefPostParse) and the checks it makes at define (qemuValidateDomainDefBoot,
/// qemuValidateDomainDeviceDefTPM and the generic virDomainDefOSValidate), with libvirt's codes and words.
enum QEMUFirmwareAndTPMRules {
    /// Where a domain's UEFI variable store goes unless its definition says: `DIR/NAME_VARS.fd`.
    static func defaultNVRAMPath(directory: String, name: String) -> String { "\(directory)/\(name)_VARS.fd" }

    static func applyDefaults(_ def: inout DomainDefinition, nvramDirectory: String) {
        // A read-only flash loader written out by hand keeps its variables in the default store.
        if let loader = def.os.loader, loader.type == .pflash, loader.readonly == true, loader.stateless != true,
            def.os.nvram?.path == nil
        {
            var store = def.os.nvram ?? NVRAMStore()
            store.path = defaultNVRAMPath(directory: nvramDirectory, name: def.name)
            def.os.nvram = store
        }
        for i in def.devices.tpms.indices {
            let model = def.devices.tpms[i].model ?? .tis
            def.devices.tpms[i].model = model
            // TPM 1.2 and 2.0 are not compatible, so a version is chosen now: 2.0 where 1.2 cannot work.
            if case .emulator(nil, let persistent, let banks) = def.devices.tpms[i].backend {
                let version: TPMDevice.Version = model == .crb || model == .spapr ? .v2_0 : .v1_2
                def.devices.tpms[i].backend = .emulator(version: version, persistentState: persistent, activePCRBanks: banks)
            }
            if def.devices.tpms[i].alias == nil { def.devices.tpms[i].alias = "tpm\(i)" }
        }
    }

    static func validate(_ def: DomainDefinition, emulator: String) throws {
        try def.validateFirmware()
        let line = def.sourceLines["os"]
        func unsupported(_ text: String, _ element: String, _ line: Int?) -> DomainCheckError {
            DomainCheckError(.configUnsupported, text, element: element, line: line, domain: .qemu)
        }
        if def.os.loader?.secure == true {
            if MachineFamily(machine: def.os.machine ?? "") != .q35 {
                throw unsupported("Secure boot is supported with q35 machine types only", "os/loader", line)
            }
            if def.os.arch != "x86_64" {
                throw unsupported("Secure boot is supported for x86_64 architecture only", "os/loader", line)
            }
            // With firmware='efi', selection turns SMM on when the firmware needs it.
            if def.os.firmware == nil && def.features.smm != .on {
                throw unsupported("Secure boot requires SMM feature enabled", "os/loader", line)
            }
        }
        if def.os.firmware == .efi || def.os.loader?.type == .pflash, !def.features.acpi {
            throw unsupported("UEFI requires ACPI on this architecture", "features", def.sourceLines["features"] ?? line)
        }
        try validateTPMs(def.devices.tpms, emulator: emulator)
    }

    private static func validateTPMs(_ tpms: [TPMDevice], emulator: String) throws {
        let regular = tpms.filter { $0.model != .spaprProxy }
        if regular.count > 1 {
            throw DomainCheckError(
                .configUnsupported, "only a single TPM non-proxy device is supported", element: "devices/tpm",
                line: regular[1].sourceLine.line, domain: .qemu)
        }
        if tpms.count - regular.count > 1 {
            throw DomainCheckError(
                .configUnsupported, "only a single TPM Proxy device is supported", element: "devices/tpm",
                line: tpms.last?.sourceLine.line, domain: .qemu)
        }
        for tpm in tpms {
            let line = tpm.sourceLine.line
            if case .emulator(let version, _, let banks) = tpm.backend {
                if banks != nil && version != .v2_0 {
                    throw DomainCheckError(
                        .xmlError, "<active_pcr_banks/> requires TPM version '2.0'", element: "devices/tpm/backend",
                        line: line)
                }
                if version == .v1_2 && tpm.model == .crb {
                    throw DomainCheckError(
                        .configUnsupported, "Unsupported interface 'tpm-crb' for TPM 1.2", element: "devices/tpm",
                        line: line, domain: .qemu)
                }
            }
            // QEMU for x86_64 has only the ISA and CRB interfaces.
            if let model = tpm.model, model != .tis && model != .crb {
                throw DomainCheckError(
                    .configUnsupported,
                    "The QEMU executable \(emulator) does not support TPM model \(model.rawValue)",
                    element: "devices/tpm", line: line, domain: .qemu)
            }
        }
    }
}
