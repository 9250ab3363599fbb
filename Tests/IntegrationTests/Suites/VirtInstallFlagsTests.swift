import Foundation
import Testing

extension Integration {
    /// virt-install's other everyday options against swiftvirtd, each guest checked where it shows: `--boot uefi`
    /// (OVMF loader and a per-domain NVRAM), `--tpm` (an emulated TPM 2.0), `--transient`, `--autostart`,
    /// `--graphics none`, `--disk path=` outside any pool, `--cloud-init` (virt-install's seed ISO attached),
    /// `--network bridge=`, and `--autoconsole text`, which attaches the serial console of the guest it boots.
    @Suite(.serialized) struct VirtInstallFlags {
        static func install(_ daemon: DaemonHarness, _ name: String, _ arguments: [String]) async throws -> CommandResult {
            try await VirtInstall.install(
                ["--connect", daemon.uri, "--name", name, "--osinfo", "generic", "--memory", "256", "--virt-type", "qemu",
                 "--noautoconsole"] + arguments, scratch: daemon.scratch)
        }

        @Test func optionsShowInTheGuests() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    let bridge = daemon.scratch.appendingPathComponent("br.xml").path
                    try "<network><name>vibr</name><bridge name='vibr0'/></network>".write(toFile: bridge, atomically: true, encoding: .utf8)
                    try await virsh.must("net-create", bridge)
                    let path = daemon.scratch.appendingPathComponent("outside.qcow2").path
                    let cases: [(name: String, arguments: [String], check: (String) -> Bool)] = [
                        ("vi-uefi", ["--boot", "uefi", "--import", "--disk", "none", "--network", "none"], {
                            $0.contains("<loader readonly='yes' type='pflash'>/usr/share/OVMF/") && $0.contains("_VARS.fd</nvram>")
                        }),
                        ("vi-tpm", ["--tpm", "default", "--import", "--disk", "none", "--network", "none"], {
                            $0.contains("<backend type='emulator' version='2.0'/>")
                        }),
                        ("vi-none", ["--graphics", "none", "--import", "--disk", "none", "--network", "none"], {
                            !$0.contains("<graphics") && $0.contains("<console type='pty'")
                        }),
                        ("vi-path", ["--disk", "path=\(path),size=0.01", "--import", "--network", "none"], {
                            $0.contains("<source file='\(path)' index=")
                        }),
                        ("vi-ci", ["--cloud-init", "--disk", "size=0.01", "--network", "none"], {
                            $0.contains("-cloudinit.iso' index=")
                        }),
                        ("vi-br", ["--network", "bridge=vibr0", "--import", "--disk", "none"], {
                            $0.contains("<source bridge='vibr0'/>")
                        }),
                    ]
                    for c in cases {
                        let r = try await Self.install(daemon, c.name, c.arguments)
                        #expect(r.succeeded && r.stdout.contains("Domain creation completed."), "\(c.name): \(r)")
                        #expect(try await virsh.state(c.name) == "running", "\(c.name)")
                        let xml = try await virsh.must("dumpxml", c.name)
                        #expect(c.check(xml), "\(c.name):\n\(xml)")
                        try await virsh.must("destroy", c.name)
                    }
                    #expect(FileManager.default.fileExists(atPath: path))

                    let transient = try await Self.install(daemon, "vi-tr", ["--transient", "--import", "--disk", "none", "--network", "none"])
                    #expect(transient.succeeded, "\(transient)")
                    #expect(try await virsh.must("list", "--transient", "--name").contains("vi-tr"))
                    try await virsh.must("destroy", "vi-tr")
                    #expect(!(try await virsh.must("list", "--all", "--name")).contains("vi-tr"))

                    let autostart = try await Self.install(daemon, "vi-as", ["--autostart", "--import", "--disk", "none", "--network", "none"])
                    #expect(autostart.succeeded, "\(autostart)")
                    #expect(try await virsh.must("list", "--autostart", "--name").contains("vi-as"))
                    try await virsh.must("destroy", "vi-as")
                }
            }
        }

        @Test func autoconsoleTextAttachesTheSerialConsole() async throws {
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                let image = try TestEnvironment.guestImage()
                let console = try ChildProcess(
                    TestEnvironment.python,
                    [TestEnvironment.pythonScript("pty_run.py"), VirtInstall.path, "--connect", daemon.uri, "--name", "vi-con",
                     "--osinfo", "generic", "--memory", "256", "--virt-type", "qemu", "--disk", "none", "--network", "none",
                     "--graphics", "none", "--autoconsole", "text", "--import",
                     "--boot", "kernel=\(image.kernel),initrd=\(image.initrd),kernel_args=console=ttyS0"],
                    scratch: daemon.scratch)
                try await console.waitForOutput("Connected to domain", timeout: .seconds(60))
                // The guest's own boot arrives on the console virt-install opened.
                try await console.waitForOutput(TestEnvironment.banner, timeout: .seconds(90))
                console.signal(SIGTERM)
                _ = try? await console.wait(timeout: .seconds(10))
                _ = try await Virsh(daemon)("destroy", "vi-con")
            }
        }
    }
}
