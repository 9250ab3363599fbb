import Foundation
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// QEMU firmware descriptors as Debian 12's ovmf package installs them (/usr/share/qemu/firmware), written to a
/// scratch directory so that the tests do not depend on the host.
enum DebianFirmware {
    static func descriptor(code: String, vars: String, machines: [String], features: [String]) -> String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        return """
        {"description": "test", "interface-types": ["uefi"],
         "mapping": {"device": "flash", "executable": {"filename": "\(code)", "format": "raw"},
                     "nvram-template": {"filename": "\(vars)", "format": "raw"}},
         "targets": [{"architecture": "x86_64", "machines": \(list(machines))}],
         "features": \(list(features)), "tags": []}
        """
    }

    static let files: [(String, String)] = [
        (
            "40-edk2-x86_64-secure-enrolled.json",
            descriptor(
                code: "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
                machines: ["pc-q35-*"],
                features: ["acpi-s3", "amd-sev", "enrolled-keys", "requires-smm", "secure-boot", "verbose-dynamic"])
        ),
        (
            "50-edk2-x86_64-secure.json",
            descriptor(
                code: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd",
                machines: ["pc-q35-*"], features: ["acpi-s3", "amd-sev", "requires-smm", "secure-boot", "verbose-dynamic"])
        ),
        (
            "60-edk2-x86_64.json",
            descriptor(
                code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd",
                machines: ["pc-i440fx-*", "pc-q35-*"], features: ["acpi-s3", "amd-sev", "verbose-dynamic"])
        ),
    ]

    /// Writes the three descriptors into `dir` and returns it.
    static func install(in dir: String) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        return dir
    }

    static func selection(_ dir: String, existing: Set<String> = []) throws -> FirmwareSelection {
        let directory = try install(in: dir + "/firmware")
        return FirmwareSelection(
            descriptors: { try FirmwareDescriptor.loadAll(directories: [directory]) },
            defaultNVRAMPath: { "/var/lib/sv/qemu/nvram/\($0.name)_VARS.fd" }, fileExists: { existing.contains($0) })
    }
}

@Suite struct FirmwareSelectionTests {
    /// A definition as `define` leaves it: parsed, completed, machine expanded.
    static func defined(os: String = "firmware='efi'", osInner: String = "", features: String = "<acpi/>",
                        machine: String = "q35", extra: String = "") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            """
            <domain type='qemu'><name>fw</name><memory unit='MiB'>256</memory>
            <os \(os)><type arch='x86_64' machine='\(machine)'>hvm</type>\(osInner)</os>
            <features>\(features)</features>\(extra)</domain>
            """)
        try d.applyDefaults()
        QEMUFirmwareAndTPMRules.applyDefaults(&d, nvramDirectory: "/var/lib/sv/qemu/nvram")
        return d
    }

    @Test func descriptorsAreListedAsLibvirtListsThem() throws {
        let dir = try ScratchDirectory()
        let system = try DebianFirmware.install(in: dir.path + "/usr")
        let local = dir.path + "/etc"
        try FileManager.default.createDirectory(atPath: local, withIntermediateDirectories: true)
        // An empty file of the same name hides a descriptor; a later directory's file replaces it; hidden files
        // are skipped.
        try "".write(toFile: local + "/50-edk2-x86_64-secure.json", atomically: true, encoding: .utf8)
        try DebianFirmware.files[2].1.replacingOccurrences(of: "OVMF_CODE_4M.fd", with: "LOCAL_CODE.fd")
            .write(toFile: local + "/60-edk2-x86_64.json", atomically: true, encoding: .utf8)
        try "{".write(toFile: local + "/.hidden.json", atomically: true, encoding: .utf8)
        let all = try FirmwareDescriptor.loadAll(directories: [system, local])
        #expect(all.map { fileName($0.path) } == ["40-edk2-x86_64-secure-enrolled.json", "60-edk2-x86_64.json"])
        guard case .flash(let executable, let template, let mode) = all[1].mapping else {
            Issue.record("not a flash mapping")
            return
        }
        #expect(executable.filename == "/usr/share/OVMF/LOCAL_CODE.fd")
        #expect(template?.filename == "/usr/share/OVMF/OVMF_VARS_4M.fd")
        #expect(mode == .split)
        #expect(all[0].matches(machine: "pc-q35-7.2", arch: "x86_64"))
        #expect(!all[0].matches(machine: "pc-i440fx-7.2", arch: "x86_64"))
    }

    private func fileName(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

    /// What libvirtd 9.0 chose for the same definitions with Debian's descriptors (its live XML after start).
    @Test(arguments: [
        // (firmware features, machine, loader code, template, SMM turned on)
        ("", "q35", "/usr/share/OVMF/OVMF_CODE_4M.ms.fd", "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", true),
        ("<feature enabled='no' name='secure-boot'/>", "q35", "/usr/share/OVMF/OVMF_CODE_4M.fd",
         "/usr/share/OVMF/OVMF_VARS_4M.fd", false),
        ("<feature enabled='no' name='enrolled-keys'/><feature enabled='yes' name='secure-boot'/>", "q35",
         "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", true),
        ("", "pc", "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", false),
    ])
    func efiIsChosenByFeatures(features: String, machine: String, code: String, template: String, smm: Bool) throws {
        let dir = try ScratchDirectory()
        var d = try Self.defined(
            osInner: features.isEmpty ? "" : "<firmware>\(features)</firmware>", machine: machine)
        try DebianFirmware.selection(dir.path).fill(&d)
        #expect(d.os.firmware == nil)
        #expect(d.os.loader == FirmwareLoader(readonly: true, secure: smm ? true : nil, type: .pflash, path: code))
        #expect(d.os.nvram == NVRAMStore(template: template, path: "/var/lib/sv/qemu/nvram/fw_VARS.fd"))
        #expect(d.features.smm == (smm ? .on : nil))
    }

    @Test(arguments: [
        ("firmware='efi'", "<firmware><feature enabled='yes' name='secure-boot'/></firmware>", "<acpi/>", "pc", "",
         "operation failed: Unable to find any firmware to satisfy 'efi'"),
        ("firmware='efi'", "", "<acpi/><smm state='off'/>", "q35", "",
         "Requested operation is not valid: domain has SMM turned off but chosen firmware requires it"),
        ("firmware='efi'", "", "<acpi/>", "q35", "<pm><suspend-to-disk enabled='yes'/></pm>",
         "operation failed: Unable to find any firmware to satisfy 'efi'"),
        ("firmware='efi'", "<loader stateless='yes'/>", "<acpi/>", "q35", "",
         "operation failed: Unable to find any firmware to satisfy 'efi'"),
        ("firmware='bios'", "", "<acpi/>", "q35", "", "operation failed: Unable to find any firmware to satisfy 'bios'"),
    ])
    func noFittingFirmwareFailsTheStart(
        os: String, osInner: String, features: String, machine: String, extra: String, message: String
    ) throws {
        let dir = try ScratchDirectory()
        var d = try Self.defined(os: os, osInner: osInner, features: features, machine: machine, extra: extra)
        let selection = try DebianFirmware.selection(dir.path)
        #expect {
            try selection.fill(&d)
        } throws: { error in
            (error as? DomainCheckError)?.virtError.message == message
        }
    }

    @Test func aGivenStoreIsKept() throws {
        let dir = try ScratchDirectory()
        var d = try Self.defined(osInner: "<nvram>/srv/vars/fw.fd</nvram>")
        try DebianFirmware.selection(dir.path).fill(&d)
        #expect(d.os.nvram == NVRAMStore(template: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", path: "/srv/vars/fw.fd"))
    }

    /// An old-style loader gets the template (and SMM) of the descriptor with its image, only while its store
    /// does not exist: libvirtd 9.0 did the same (a second start of such a domain runs without secure/SMM).
    @Test func oldStyleLoaderGetsItsTemplateWhileTheStoreIsMissing() throws {
        let dir = try ScratchDirectory()
        let osInner = "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>"
        var first = try Self.defined(os: "", osInner: osInner)
        #expect(first.os.nvram == NVRAMStore(path: "/var/lib/sv/qemu/nvram/fw_VARS.fd"))
        try DebianFirmware.selection(dir.path).fill(&first)
        #expect(first.os.nvram?.template == "/usr/share/OVMF/OVMF_VARS_4M.fd")
        #expect(first.os.loader?.secure == true)
        #expect(first.features.smm == .on)

        var again = try Self.defined(os: "", osInner: osInner)
        let before = again
        try DebianFirmware.selection(dir.path, existing: ["/var/lib/sv/qemu/nvram/fw_VARS.fd"]).fill(&again)
        #expect(again == before)

        var unknown = try Self.defined(os: "", osInner: "<loader readonly='yes' type='pflash'>/opt/fw/CODE.fd</loader>")
        let unchanged = unknown
        try DebianFirmware.selection(dir.path).fill(&unknown)
        #expect(unknown == unchanged)
    }
}
