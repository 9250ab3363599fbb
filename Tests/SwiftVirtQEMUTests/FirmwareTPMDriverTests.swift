import Foundation
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// The QEMU driver's rules, command line, undefine and swtpm for UEFI and TPM.
@Suite struct FirmwareTPMDriverTests {
    static func parsed(_ devices: String = "", os: String = "", osInner: String = "", features: String = "<acpi/>",
                       machine: String = "q35") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            """
            <domain type='qemu'><name>fw</name><uuid>0b5b4b4e-3c55-4d5e-9d43-2f6a0c6c0f17</uuid>
            <memory unit='MiB'>256</memory>
            <os \(os)><type arch='x86_64' machine='\(machine)'>hvm</type>\(osInner)</os>
            <features>\(features)</features><devices>\(devices)</devices></domain>
            """)
        try d.applyDefaults()
        QEMUFirmwareAndTPMRules.applyDefaults(&d, nvramDirectory: "/var/lib/swiftvirt/qemu/nvram")
        return d
    }

    /// libvirtd 9.0's refusals of the same definitions at define (qemuValidateDomainDefBoot and TPM checks).
    @Test(arguments: [
        ("", "<loader readonly='yes' type='pflash' secure='yes'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>",
         "<acpi/>", "pc", "", "unsupported configuration: Secure boot is supported with q35 machine types only"),
        ("", "<loader readonly='yes' type='pflash' secure='yes'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>",
         "<acpi/>", "q35", "", "unsupported configuration: Secure boot requires SMM feature enabled"),
        ("", "<loader readonly='yes' type='pflash' secure='yes'>/usr/share/OVMF/OVMF_CODE_4M.secboot.fd</loader>",
         "<acpi/><smm state='off'/>", "q35", "", "unsupported configuration: Secure boot requires SMM feature enabled"),
        ("firmware='efi'", "", "", "q35", "", "unsupported configuration: UEFI requires ACPI on this architecture"),
        ("", "", "<acpi/>", "q35", "<tpm model='tpm-crb'><backend type='emulator' version='1.2'/></tpm>",
         "unsupported configuration: Unsupported interface 'tpm-crb' for TPM 1.2"),
        ("", "", "<acpi/>", "q35", "<tpm model='tpm-spapr'><backend type='emulator'/></tpm>",
         "unsupported configuration: The QEMU executable /usr/bin/qemu-system-x86_64 does not support TPM model tpm-spapr"),
        ("", "", "<acpi/>", "q35",
         "<tpm model='tpm-tis'><backend type='emulator'><active_pcr_banks><sha256/></active_pcr_banks></backend></tpm>",
         "XML error: <active_pcr_banks/> requires TPM version '2.0'"),
        ("", "", "<acpi/>", "q35", "<tpm><backend type='emulator'/></tpm><tpm><backend type='passthrough'/></tpm>",
         "unsupported configuration: only a single TPM non-proxy device is supported"),
    ])
    func refusedAtDefineAsLibvirt(
        os: String, osInner: String, features: String, machine: String, devices: String, message: String
    ) throws {
        let d = try Self.parsed(devices, os: os, osInner: osInner, features: features, machine: machine)
        #expect {
            try QEMUFirmwareAndTPMRules.validate(d, emulator: "/usr/bin/qemu-system-x86_64")
        } throws: { error in
            (error as? DomainCheckError)?.virtError.message.hasPrefix(message + " (<") == true
        }
    }

    @Test func tpmDefaultsAsLibvirt() throws {
        let d = try Self.parsed(
            "<tpm><backend type='emulator'/></tpm>")
        #expect(d.devices.tpms.first?.model == .tis)
        #expect(d.devices.tpms.first?.emulatorVersion == .v1_2)
        #expect(d.devices.tpms.first?.alias == "tpm0")
        let crb = try Self.parsed("<tpm model='tpm-crb'><backend type='emulator'/></tpm>")
        #expect(crb.devices.tpms.first?.emulatorVersion == .v2_0)
    }

    /// Secure boot UEFI with an emulated TPM: compared with Golden/q35-uefi-tpm.args (SVQ_REGENERATE=DIR writes
    /// it), whose firmware and TPM arguments are those libvirtd 9.0 wrote for the same definition (in its JSON
    /// spelling there).
    @Test func secureBootAndTPMArguments() throws {
        let dir = try ScratchDirectory()
        var d = try Self.parsed(
            "<serial type='pty'><target port='0'/></serial><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>",
            os: "firmware='efi'")
        try DebianFirmware.selection(dir.path).fill(&d)
        var context = goldenContext
        context.swtpmSocketPath = "/run/swiftvirt/qemu/swtpm/1-fw-swtpm.sock"
        let text = try QEMUCommandLine(definition: d, context: context).argv.joined(separator: "\n") + "\n"
        if let out = ProcessInfo.processInfo.environment["SVQ_REGENERATE"] {
            try text.write(toFile: "\(out)/q35-uefi-tpm.args", atomically: true, encoding: .utf8)
            return
        }
        let url = try #require(QEMUCommandLineGoldenTests.goldenDirectory?.appendingPathComponent("q35-uefi-tpm.args"))
        #expect(text == (try String(contentsOf: url, encoding: .utf8)))
    }

    @Test func romLoaderPassthroughTPMAndStatelessFlash() throws {
        let rom = try Self.parsed(
            "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpmrm9'/></backend></tpm>",
            osInner: "<loader type='rom'>/usr/share/seabios/bios.bin</loader>", machine: "pc")
        let args = try QEMUCommandLine(definition: rom, context: goldenContext).arguments
        #expect(args.firstIndex(of: "-bios").map { args[$0 + 1] } == "/usr/share/seabios/bios.bin")
        #expect(args.firstIndex(of: "-tpmdev").map { args[$0 + 1] } == "passthrough,id=tpm-tpm0,path=/dev/tpmrm9")
        #expect(args.firstIndex(of: "-device").map { args[$0...].contains("tpm-tis,tpmdev=tpm-tpm0,id=tpm0") } == true)

        let writable = try Self.parsed(osInner: "<loader readonly='no' type='pflash'>/srv/fw/OVMF.fd</loader>")
        let flash = try QEMUCommandLine(definition: writable, context: goldenContext).arguments
        #expect(flash.contains("node-name=libvirt-pflash0-format,read-only=off,driver=raw,file=libvirt-pflash0-storage"))
        #expect(flash.firstIndex(of: "-machine").map { flash[$0 + 1] } == "pc-q35-7.2,usb=off,dump-guest-core=off,pflash0=libvirt-pflash0-format")
        #expect(!flash.contains { $0.contains("pflash1") })
    }

    /// A definition whose firmware was not chosen yet cannot become a command line; what stays kept is refused.
    @Test func unresolvedOrKeptFirmwareDoesNotStart() throws {
        let unresolved = try Self.parsed(os: "firmware='efi'")
        #expect(throws: QEMUCommandLineError.self) { try QEMUCommandLine(definition: unresolved, context: goldenContext) }
        let kept = try Self.parsed(
            osInner: "<loader readonly='yes' type='pflash'>/srv/fw/CODE.fd</loader><nvram type='file'><source file='/srv/v.fd'/></nvram>")
        #expect {
            try QEMUCommandLine(definition: kept, context: goldenContext)
        } throws: { error in
            (error as? QEMUCommandLineError)?.virtError.message
                == "unsupported configuration: <os/nvram> is not supported by SwiftVirt's QEMU driver"
        }
    }
}

@Suite(.enabled(if: qemuInstalled), .serialized) struct FirmwareTPMUndefineTests {
    /// libvirt's qemuDomainUndefineFlags: a store that exists must be removed or kept explicitly.
    @Test func nvramNeedsAnExplicitChoice() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        var d = try FirmwareTPMDriverTests.parsed(os: "firmware='efi'")
        d.name = "vars"
        try await driver.undefine(d, flags: [])  // no store yet: nothing to decide
        let store = driver.nvramDirectory + "/vars_VARS.fd"
        try FileManager.default.createDirectory(atPath: driver.nvramDirectory, withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: store))
        for (flags, message) in [
            (DomainUndefineFlags(), "Requested operation is not valid: cannot undefine domain with nvram"),
            ([.nvram, .keepNVRAM], "Requested operation is not valid: cannot both keep and delete nvram"),
            ([.tpm, .keepTPM], "Requested operation is not valid: cannot both keep and delete TPM"),
        ] as [(DomainUndefineFlags, String)] {
            await #expect {
                try await driver.undefine(d, flags: flags)
            } throws: { error in
                let v = (error as? VirtError)
                return v?.code == .operationInvalid && v?.domain == .qemu && v?.message == message
            }
        }
        try await driver.undefine(d, flags: .keepNVRAM)
        #expect(FileManager.default.fileExists(atPath: store))
        try await driver.undefine(d, flags: .nvram)
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    /// qemuTPMEmulatorCleanupHost: the state goes unless kept by `persistent_state` or `--keep-tpm`; `--tpm`
    /// removes even a persistent one.
    @Test(arguments: [
        (false, DomainUndefineFlags(), false), (false, DomainUndefineFlags.keepTPM, true),
        (true, DomainUndefineFlags(), true), (true, DomainUndefineFlags.tpm, false),
    ])
    func tpmStateFollowsLibvirtsRule(persistent: Bool, flags: DomainUndefineFlags, kept: Bool) async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let d = try FirmwareTPMDriverTests.parsed(
            "<tpm model='tpm-crb'><backend type='emulator' persistent_state='\(persistent ? "yes" : "no")'/></tpm>")
        let state = driver.swtpm.storagePath(uuid: d.uuid, version: .v2_0)
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        await driver.removedDomain(d, flags: flags)
        #expect(FileManager.default.fileExists(atPath: state) == kept)
        #expect(FileManager.default.fileExists(atPath: driver.swtpm.domainStateDirectory(uuid: d.uuid)) == kept)
    }
}

let swtpmInstalled = FileManager.default.isExecutableFile(atPath: SWTPM.binary)
    && FileManager.default.isExecutableFile(atPath: SWTPM.setupBinary)

/// The real swtpm: state made once, a control socket while it runs, nothing left when it stops.
@Suite(.enabled(if: swtpmInstalled), .serialized) struct SWTPMTests {
    @Test func stateIsMadeOnceAndTheEmulatorStops() async throws {
        let dir = try ScratchDirectory()
        let swtpm = SWTPM(stateDirectory: dir.path + "/state", runDirectory: dir.path + "/run", logDirectory: dir.path + "/log")
        let d = try FirmwareTPMDriverTests.parsed(
            "<tpm model='tpm-crb'><backend type='emulator' version='2.0'><active_pcr_banks><sha256/><sha384/></active_pcr_banks></backend></tpm>")
        let tpm = try #require(d.devices.tpms.first)
        for run in 1...2 {
            let instance = try await swtpm.start(tpm, of: d, id: Int32(run))
            #expect(instance.socketPath == swtpm.socketPath(id: Int32(run), name: "fw"))
            #expect(FileManager.default.fileExists(atPath: instance.socketPath))
            #expect(!instance.process.hasExited)
            await instance.stop()
            #expect(instance.process.hasExited)
            #expect(!FileManager.default.fileExists(atPath: instance.socketPath))
        }
        let state = swtpm.storagePath(uuid: d.uuid, version: .v2_0)
        #expect(FileManager.default.fileExists(atPath: state + "/tpm2-00.permall"))
        let log = try String(contentsOfFile: swtpm.logPath(name: "fw"), encoding: .utf8)
        #expect(log.components(separatedBy: "Starting vTPM manufacturing").count == 2, "set up once:\n\(log)")
        // <active_pcr_banks> applied by swtpm_setup --reconfigure at each start.
        #expect(log.contains("Successfully activated PCR banks sha256,sha384 among"), "\(log)")
        // swtpm_setup's own configuration, not the host's local CA.
        #expect(FileManager.default.fileExists(atPath: dir.path + "/state/swtpm/config/swtpm_setup.conf"))
    }
}
