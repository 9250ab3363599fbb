import Glibc

/// The `<os>` and `<tpm>` elements of `<domainCapabilities>`, filled as libvirt 9.0 fills them
/// (virQEMUCapsFillDomainOSCaps, virQEMUCapsFillDomainLoaderCaps, virQEMUCapsFillDomainDeviceTPMCaps) from the
/// firmware descriptors for the machine and from the swtpm on the host. virt-install reads them to offer UEFI,
/// secure boot and an emulated TPM.
enum DomainCapabilitiesFirmwareTPM {
    static func os(descriptors: [FirmwareDescriptor], machine: String, arch: String) -> String {
        let fitting = descriptors.filter { $0.matches(machine: machine, arch: arch) }
        var autoSelectable: [String] = []
        if fitting.contains(where: { $0.interfaces.contains("bios") }) { autoSelectable.append("bios") }
        if fitting.contains(where: { $0.interfaces.contains("uefi") }) { autoSelectable.append("efi") }
        var images: [String] = []
        for fw in fitting {
            let image: String
            switch fw.mapping {
            case .flash(let executable, _, _): image = executable.filename
            case .memory(let filename): image = filename
            case .kernel: continue
            }
            if access(image, F_OK) == 0, !images.contains(image) { images.append(image) }
        }
        let secure = fitting.contains { $0.has("requires-smm") } ? ["yes", "no"] : ["no"]
        return "  <os supported='yes'>\n" + enumeration("firmware", autoSelectable, indent: 4)
            + "    <loader supported='yes'>\n"
            + images.map { "      <value>\(QEMUCapabilitiesXML.escaped($0))</value>\n" }.joined()
            + enumeration("type", ["rom", "pflash"], indent: 6) + enumeration("readonly", ["yes", "no"], indent: 6)
            + enumeration("secure", secure, indent: 6) + "    </loader>\n  </os>\n"
    }

    /// Passthrough always; the emulator and its versions when swtpm is installed. libvirt also lists the
    /// `external` backend, which this driver does not run.
    static func tpm(swtpmInstalled: Bool) -> String {
        "    <tpm supported='yes'>\n" + enumeration("model", ["tpm-tis", "tpm-crb"], indent: 6)
            + enumeration("backendModel", swtpmInstalled ? ["passthrough", "emulator"] : ["passthrough"], indent: 6)
            + enumeration("backendVersion", swtpmInstalled ? ["1.2", "2.0"] : [], indent: 6) + "    </tpm>\n"
    }

    private static func enumeration(_ name: String, _ values: [String], indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        if values.isEmpty { return "\(pad)<enum name='\(name)'/>\n" }
        return "\(pad)<enum name='\(name)'>\n" + values.map { "\(pad)  <value>\($0)</value>\n" }.joined()
            + "\(pad)</enum>\n"
    }
}
