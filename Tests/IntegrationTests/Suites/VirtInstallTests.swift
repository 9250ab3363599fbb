import Foundation
import Testing

extension Integration {
    /// virt-install 4.1 against swiftvirtd and a private libvirtd 9.0: what each stores must match line by line
    /// (uuid, MAC and disk file aside), and the guests must boot on swiftvirtd.
    @Suite(.serialized, .enabled(if: VirtInstall.available)) struct VirtInstallMatrix {
        /// One virt-install run: the domain's name and its arguments for a connection URI.
        struct InstallRun {
            let name: String
            let arguments: (String) throws -> [String]
        }

        /// Runs each install on a private libvirtd in a network namespace of its own and returns what it stored
        /// (after virt-install's warnings); each guest is destroyed as soon as it is defined and started.
        static func storedOnLibvirtd(
            _ runs: [InstallRun], check: (Virsh, String) async throws -> Void = { _, _ in }
        ) async throws -> [String: [String]] {
            try await NetworkNamespace.with { ns in
                try await LibvirtdHarness.with(netns: ns.name) { lvd in
                    let virsh = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                    try await VirtInstall.startDefaultNetwork(virsh, scratch: lvd.scratch)
                    var stored: [String: [String]] = [:]
                    for install in runs {
                        lvd.guestNames.insert(install.name)
                        let result = try await VirtInstall.install(install.arguments(lvd.uri), scratch: lvd.scratch)
                        #expect(result.succeeded, "libvirtd \(install.name): \(result)")
                        guard result.succeeded else { continue }
                        stored[install.name] = VirtInstall.warnings(result) + VirtInstall.comparable(
                            try await virsh.must("dumpxml", "--inactive", install.name))
                        try await check(virsh, install.name)
                        _ = try await virsh("destroy", install.name)
                    }
                    return stored
                }
            }
        }

        /// The command line (NUL-separated) of the QEMU process running `name` on swiftvirtd.
        static func qemuCommandLine(_ daemon: DaemonHarness, _ name: String) throws -> String {
            let pid = try String(contentsOfFile: "\(daemon.runDir)/qemu/\(name).pid", encoding: .utf8)
            return try String(
                contentsOfFile: "/proc/\(pid.trimmingCharacters(in: .whitespacesAndNewlines))/cmdline", encoding: .utf8)
        }

        /// The value of `-cpu` in a QEMU command line (arguments separated by spaces or NULs).
        static func cpuArgument(_ commandLine: String) -> String? {
            let words = commandLine.split { $0 == " " || $0 == "\0" }
            return words.firstIndex(of: "-cpu").flatMap { words.indices.contains($0 + 1) ? String(words[$0 + 1]) : nil }
        }

        /// Runs each install on swiftvirtd in a network namespace, checks the running guest with `check` (one
        /// guest at a time), destroys it and returns what was stored.
        static func storedOnSwiftvirtd(
            _ runs: [InstallRun], check: (DaemonHarness, NetworkNamespace, String) async throws -> Void
        ) async throws -> [String: [String]] {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    var stored: [String: [String]] = [:]
                    for install in runs {
                        daemon.guestNames.insert(install.name)
                        let result = try await VirtInstall.install(install.arguments(daemon.uri), scratch: daemon.scratch)
                        #expect(result.succeeded, "swiftvirtd \(install.name): \(result)")
                        guard result.succeeded else { continue }
                        stored[install.name] = VirtInstall.warnings(result) + VirtInstall.comparable(
                            try await virsh.must("dumpxml", "--inactive", install.name))
                        do {
                            try await check(daemon, ns, install.name)
                        } catch {
                            Issue.record("swiftvirtd \(install.name): \(error)")
                        }
                        _ = try await virsh("destroy", install.name)
                    }
                    return stored
                }
            }
        }

        static func compare(_ runs: [InstallRun], ours: [String: [String]], theirs: [String: [String]]) {
            for install in runs {
                guard let a = ours[install.name], let b = theirs[install.name] else { continue }
                VirtInstall.expectSame(a, b, install.name)
            }
        }

        /// The operating systems of issue 12: no OS, a virtio Linux, Windows 10 (SATA, e1000e, Hyper-V features,
        /// ich9 sound), the newest Fedora.
        static let systems = ["generic", "debian11", "win10", "fedora-unknown"]

        /// Every system with VNC and with SPICE, booted from the test kernel (`--import --boot kernel=...`).
        @Test func directKernelBootMatrix() async throws {
            var runs: [InstallRun] = []
            for osinfo in Self.systems {
                for graphics in ["vnc", "spice"] {
                    runs.append(
                        InstallRun(name: "vi-\(osinfo)-\(graphics)") { uri in
                            try VirtInstall.importArguments(
                                uri: uri, name: "vi-\(osinfo)-\(graphics)", osinfo: osinfo, graphics: graphics)
                        })
                }
            }
            var ourCPU: [String: String] = [:]
            var theirCPU: [String: String] = [:]
            let ours = try await Self.storedOnSwiftvirtd(runs) { daemon, _, name in
                ourCPU[name] = Self.cpuArgument(try Self.qemuCommandLine(daemon, name))
                let console = try await VirtInstall.openShell(uri: daemon.uri, name: name, scratch: daemon.scratch)
                await VirtInstall.closeConsole(console)
            }
            let theirs = try await Self.storedOnLibvirtd(runs) { virsh, name in
                // From the stored definition, which start runs: the live one has the CPU features QEMU reported.
                let file = virsh.scratch.appendingPathComponent("\(name).xml").path
                try await virsh.must("dumpxml", "--inactive", name).write(toFile: file, atomically: true, encoding: .utf8)
                theirCPU[name] = Self.cpuArgument(try await virsh.must("domxml-to-native", "qemu-argv", file))
            }
            #expect(ours.count == runs.count && theirs.count == runs.count)
            Self.compare(runs, ours: ours, theirs: theirs)
            // QEMU's -cpu is libvirtd's, Hyper-V enlightenments included (QEMU 7.2 runs them under TCG).
            for install in runs {
                let expected = theirCPU[install.name]
                #expect(ourCPU[install.name] == expected && expected != nil, "\(install.name): \(ourCPU) vs \(theirCPU)")
            }
            // What osinfo chose, so the comparison covers it: Windows 10 gets Hyper-V enlightenments and the
            // hypervclock timer even under TCG (QEMU 7.2 runs them; both daemons start the guest), a SATA disk
            // and an e1000e NIC; the Linux guests get virtio.
            let win10 = (ours["vi-win10-vnc"] ?? []).joined(separator: "\n")
            for element in ["<hyperv mode='custom'>", "<timer name='hypervclock' present='yes'/>", "bus='sata'",
                "<model type='e1000e'/>"] {
                #expect(win10.contains(element), "win10 lacks \(element):\n\(win10)")
            }
            #expect((ours["vi-fedora-unknown-spice"] ?? []).contains { $0.contains("<model type='virtio'/>") })
        }

        /// A bootable ISO (isolinux) with the test guest's kernel and initrd, console on the first serial port.
        static func makeBootISO(in dir: URL) async throws -> String {
            let image = try TestEnvironment.guestImage()
            let tree = dir.appendingPathComponent("iso-tree")
            let boot = tree.appendingPathComponent("isolinux")
            let fm = FileManager.default
            try fm.createDirectory(at: boot, withIntermediateDirectories: true)
            for (source, target) in [
                ("/usr/lib/ISOLINUX/isolinux.bin", "isolinux/isolinux.bin"),
                ("/usr/lib/syslinux/modules/bios/ldlinux.c32", "isolinux/ldlinux.c32"),
                (image.kernel, "vmlinuz"), (image.initrd, "initrd.img"),
            ] {
                try fm.copyItem(atPath: source, toPath: tree.appendingPathComponent(target).path)
            }
            try """
            SERIAL 0 115200
            PROMPT 0
            TIMEOUT 1
            DEFAULT guest
            LABEL guest
              KERNEL /vmlinuz
              INITRD /initrd.img
              APPEND console=ttyS0

            """.write(to: boot.appendingPathComponent("isolinux.cfg"), atomically: true, encoding: .utf8)
            let iso = dir.appendingPathComponent("boot.iso").path
            let made = try await run(
                "/usr/bin/xorriso",
                [
                    "-as", "mkisofs", "-quiet", "-o", iso, "-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat",
                    "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table", "-V", "SVTBOOT", tree.path,
                ], scratch: dir)
            guard made.succeeded else { throw HarnessError("xorriso failed: \(made)") }
            return iso
        }

        static let isoToolsPresent = ["/usr/bin/xorriso", "/usr/lib/ISOLINUX/isolinux.bin",
            "/usr/lib/syslinux/modules/bios/ldlinux.c32"].allSatisfy { FileManager.default.fileExists(atPath: $0) }

        /// `--cdrom` boots the ISO through SeaBIOS and isolinux (no direct kernel boot); `--pxe` on a network
        /// without TFTP defines and starts the guest as libvirtd does: the NIC's boot ROM gets a DHCP lease from
        /// the network's dnsmasq, finds no boot file, and the guest keeps running (no error from either daemon).
        @Test(.enabled(if: isoToolsPresent, "xorriso, isolinux and syslinux-common (scripts/install-deps.sh)"))
        func cdromAndPXEInstalls() async throws {
            let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("svt-iso-\(UUID())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let iso = try await Self.makeBootISO(in: dir)
            let runs = [
                InstallRun(name: "vi-cdrom") { uri in
                    VirtInstall.commonArguments(uri: uri, name: "vi-cdrom", osinfo: "debian11", graphics: "vnc")
                        + ["--cdrom", iso]
                },
                InstallRun(name: "vi-pxe") { uri in
                    VirtInstall.commonArguments(uri: uri, name: "vi-pxe", osinfo: "debian11", graphics: "vnc") + ["--pxe"]
                },
            ]
            let ours = try await Self.storedOnSwiftvirtd(runs) { daemon, _, name in
                let virsh = Virsh(daemon)
                #expect(try await virsh.state(name) == "running")
                if name == "vi-cdrom" {
                    #expect(try await virsh.must("dumpxml", name).contains("<source file='\(iso)'"))
                    let console = try await VirtInstall.openShell(uri: daemon.uri, name: name, scratch: daemon.scratch)
                    // Booted from the ISO: isolinux gave the kernel its command line, no -kernel on QEMU's.
                    console.write("echo cmd=$(cat /proc/cmdline)\r")
                    try await console.waitForOutput("cmd=BOOT_IMAGE=/vmlinuz console=ttyS0", timeout: .seconds(20))
                    let qemu = try Self.qemuCommandLine(daemon, name)
                    #expect(!qemu.contains("\0-kernel\0") && qemu.contains(iso))
                    await VirtInstall.closeConsole(console)
                } else {
                    let mac = try await virsh.must("domiflist", name).split(whereSeparator: \.isWhitespace).first {
                        $0.filter { $0 == ":" }.count == 5
                    }.map(String.init)
                    let macAddress = try #require(mac)
                    try await waitUntil("a DHCP lease for the PXE ROM", timeout: .seconds(90)) {
                        if try await virsh.must("net-dhcp-leases", "default").contains(macAddress) { return true }
                        try await Task.sleep(for: .seconds(1))
                        return false
                    }
                    try await Task.sleep(for: .seconds(2))
                    #expect(try await virsh.state(name) == "running")
                }
            }
            let theirs = try await Self.storedOnLibvirtd(runs)
            #expect(ours.count == runs.count && theirs.count == runs.count)
            Self.compare(runs, ours: ours, theirs: theirs)
            // virt-install reads the network's XML and warns that it has no TFTP/bootp, on both daemons alike.
            #expect(ours["vi-pxe"]?.first?.contains("may not support PXE") == true, "\(ours["vi-pxe"] ?? [])")
            // virt-install starts the install with the ISO in the CD-ROM and stores the definition for later boots
            // with the drive kept and its media taken out, on both daemons (the live XML has it, checked above).
            let cdrom = ours["vi-cdrom"] ?? []
            #expect(cdrom.contains { $0.contains("device='cdrom'") } && !cdrom.contains { $0.contains(iso) }, "\(cdrom)")
        }
    }
}
