import Foundation
import Testing

extension Integration {
    /// UEFI and TPM for real: a guest with `firmware='efi'` and an emulated TPM 2.0 boots through Debian's OVMF
    /// (its variable store copied from the descriptor's template), its TPM served by a swtpm the daemon starts and
    /// stops with QEMU, and `undefine --nvram --tpm` removes both states.
    @Suite struct FirmwareTPM {
        static let enabled =
            FileManager.default.fileExists(atPath: "/usr/share/OVMF/OVMF_CODE_4M.fd")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/swtpm")

        @Test(.enabled(if: enabled)) func uefiGuestWithEmulatedTPMBootsAndIsCleanedUp() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                    .replacingOccurrences(of: "<os>", with: "<os firmware='efi'>")
                    .replacingOccurrences(
                        of: "</devices>",
                        with: "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>")
                try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                let uuid = try await virsh.must("domuuid", guest.name).trimmingCharacters(in: .whitespacesAndNewlines)
                try await virsh.must("start", guest.name)
                // OVMF loads the kernel from fw_cfg: the guest's banner means UEFI boot worked.
                try await guest.waitForBanner(timeout: .seconds(180))
                let live = try await virsh.must("dumpxml", guest.name)
                #expect(live.contains("<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>"), "\(live)")
                let nvram = "\(daemon.stateDir)/qemu/nvram/\(guest.name)_VARS.fd"
                #expect(live.contains("<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>\(nvram)</nvram>"), "\(live)")
                #expect(FileManager.default.fileExists(atPath: nvram))
                let swtpmState = "\(daemon.stateDir)/swtpm/\(uuid)/tpm2"
                #expect(FileManager.default.fileExists(atPath: swtpmState))
                #expect(try swtpmProcesses(uuid).count == 1)
                let qemuPid = try String(contentsOfFile: "\(daemon.runDir)/qemu/\(guest.name).pid", encoding: .utf8)
                let argv = try String(
                    contentsOfFile: "/proc/\(qemuPid.trimmingCharacters(in: .whitespacesAndNewlines))/cmdline",
                    encoding: .utf8)
                #expect(argv.contains("tpm-crb"))
                try await virsh.must("destroy", guest.name)
                try await waitUntil("swtpm of \(guest.name) to stop", timeout: .seconds(20)) {
                    (try? swtpmProcesses(uuid).isEmpty) == true
                }
                // Kept across starts, removed only when asked.
                #expect(FileManager.default.fileExists(atPath: swtpmState))
                #expect(FileManager.default.fileExists(atPath: nvram))
                try await virsh.must("undefine", guest.name, "--nvram", "--tpm")
                #expect(!FileManager.default.fileExists(atPath: nvram))
                #expect(!FileManager.default.fileExists(atPath: "\(daemon.stateDir)/swtpm/\(uuid)"))
            }
        }

        /// Processes whose command line names swtpm and the domain's state directory.
        func swtpmProcesses(_ uuid: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }.filter {
                let argv = (try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) ?? ""
                return argv.hasPrefix("swtpm") || argv.hasPrefix("/usr/bin/swtpm") ? argv.contains(uuid) : false
            }
        }
    }
}
