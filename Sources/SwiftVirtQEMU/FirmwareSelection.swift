import SwiftVirtCore

/// What libvirt 9.0 does with `<os>` firmware at every start (qemuFirmwareFillDomain): with `firmware='efi'` (or
/// `'bios'`) it takes the first descriptor, in file-name order, that fits the machine, the requested
/// `<firmware><feature>`s, `<loader secure>`, `<pm>` and the flash mode, writes its images into `<loader>` and
/// `<nvram>` (the store at the driver's default path unless one is given), turns SMM on when the firmware needs
/// it, and drops `firmware=` from the definition that runs. An old-style `<loader type='pflash' readonly='yes'>`
/// without a template whose variable store does not exist yet gets its template (and SMM) the same way, from a
/// descriptor with that very executable, if there is one.
struct FirmwareSelection: Sendable {
    /// The descriptors, read only when a definition needs them.
    var descriptors: @Sendable () throws -> [FirmwareDescriptor]
    /// `NAME_VARS.fd` under the driver's NVRAM directory.
    var defaultNVRAMPath: @Sendable (DomainDefinition) -> String
    var fileExists: @Sendable (String) -> Bool

    func fill(_ def: inout DomainDefinition) throws {
        let mustFind: Bool
        if def.os.firmware == nil {
            guard let loader = def.os.loader, loader.type == .pflash, loader.readonly == true,
                def.os.nvram?.template == nil
            else { return }
            if let store = def.os.nvram?.path, fileExists(store) { return }
            mustFind = false
        } else {
            mustFind = true
        }
        guard let chosen = try descriptors().first(where: { Self.matches(def, $0) }) else {
            guard mustFind else { return }
            throw DomainCheckError(
                .operationFailed, "Unable to find any firmware to satisfy '\(def.os.firmware?.rawValue ?? "")'",
                domain: .qemu)
        }
        try apply(chosen, to: &def)
        def.os.firmware = nil
    }

    /// qemuFirmwareMatchDomain.
    static func matches(_ def: DomainDefinition, _ fw: FirmwareDescriptor) -> Bool {
        let wanted: String
        switch def.os.firmware {
        case .efi?: wanted = "uefi"
        case .bios?: wanted = "bios"
        case nil:
            // An old-style loader: only a flash descriptor of that very image.
            guard case .flash(let executable, _, _) = fw.mapping, executable.filename == def.os.loader?.path else {
                return false
            }
            wanted = def.os.loader?.type == .rom ? "bios" : "uefi"
        }
        guard fw.interfaces.contains(wanted),
            fw.matches(machine: def.os.machine ?? "", arch: def.os.arch ?? "x86_64")
        else { return false }
        if def.pm?.suspendToMem == true && !fw.has("acpi-s3") { return false }
        if def.pm?.suspendToDisk == true && !fw.has("acpi-s4") { return false }
        if let wants = def.os.firmwareFeatures {
            if let secureBoot = wants.secureBoot, secureBoot != fw.has("secure-boot") { return false }
            if let keys = wants.enrolledKeys, keys != fw.has("enrolled-keys") { return false }
        }
        if def.os.loader?.secure == true && !fw.has("requires-smm") { return false }
        if case .flash(_, _, let mode) = fw.mapping {
            if mode != (def.os.loader?.stateless == true ? .stateless : .split) { return false }
        }
        return true
    }

    /// qemuFirmwareEnableFeatures.
    private func apply(_ fw: FirmwareDescriptor, to def: inout DomainDefinition) throws {
        switch fw.mapping {
        case .flash(let executable, let template, let mode):
            var loader = def.os.loader ?? FirmwareLoader()
            loader.type = .pflash
            loader.readonly = true
            guard executable.format == "raw" else {
                throw DomainCheckError(.operationUnsupported, "unsupported flash format '\(executable.format)'", domain: .qemu)
            }
            loader.path = executable.filename
            def.os.loader = loader
            if mode == .split, let template {
                guard template.format == "raw" else {
                    throw DomainCheckError(
                        .operationUnsupported, "unsupported nvram template format '\(template.format)'", domain: .qemu)
                }
                var store = def.os.nvram ?? NVRAMStore()
                store.template = template.filename
                if store.path == nil { store.path = defaultNVRAMPath(def) }
                def.os.nvram = store
            }
        case .kernel(let filename):
            def.os.kernel = filename
        case .memory(let filename):
            var loader = def.os.loader ?? FirmwareLoader()
            loader.type = .rom
            loader.path = filename
            def.os.loader = loader
        }
        if fw.has("requires-smm") {
            switch def.features.smm {
            case .off?:
                throw DomainCheckError(
                    .operationInvalid, "domain has SMM turned off but chosen firmware requires it", domain: .qemu)
            case nil: def.features.smm = .on
            case .on?: break
            }
            def.os.loader?.secure = true
        }
    }
}
