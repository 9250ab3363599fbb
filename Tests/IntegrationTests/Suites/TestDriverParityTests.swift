import Foundation
import Testing

extension Integration {
    /// libvirt's `test:///default` served by swiftvirtd (`test+unix:///default?socket=...`) against libvirt's own
    /// test driver, which Debian's virsh runs in-process: the same output for the same commands.
    @Suite struct TestDriverParity {
        /// Both virsh runs: libvirt's in-process test driver, and swiftvirtd's.
        static func bothOutputs(_ daemon: DaemonHarness, _ commands: String) async throws -> (libvirt: String, ours: String) {
            let libvirt = try await run(TestEnvironment.virsh, ["-c", "test:///default", commands], scratch: daemon.scratch)
            let ours = try await run(
                TestEnvironment.virsh, ["-c", "test+unix:///default?socket=\(daemon.socket)", commands],
                scratch: daemon.scratch)
            return (normalised(libvirt.stdout + libvirt.stderr), normalised(ours.stdout + ours.stderr))
        }

        /// The test driver reports the wall clock as CPU time; only that figure may differ between runs.
        static func normalised(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("CPU time:") ? "CPU time: (clock)" : String(line)
            }.joined(separator: "\n")
        }

        @Test func defaultObjectsLookTheSame() async throws {
            try await DaemonHarness.with { daemon in
                for commands in [
                    "list --all", "dominfo test", "domstate test --reason", "net-list --all", "pool-list --all",
                    "vol-list default-pool", "domid test", "domuuid test", "list --all --name", "net-info default",
                    "net-dumpxml default", "pool-info default-pool", "nodeinfo", "capabilities", "version",
                    "sysinfo", "domcapabilities", "net-dhcp-leases default",
                ] {
                    let (libvirt, ours) = try await Self.bothOutputs(daemon, commands)
                    #expect(ours == libvirt, "\(commands)\n--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")
                }
            }
        }

        @Test func lifecycleBehavesTheSame() async throws {
            try await DaemonHarness.with { daemon in
                let xml = daemon.scratch.appendingPathComponent("t2.xml").path
                try """
                    <domain type='test'><name>t2</name><uuid>8a3e1b6e-4c2f-4a55-9d1e-2b7f0c6d9e11</uuid>
                    <memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>
                    """.write(toFile: xml, atomically: true, encoding: .utf8)
                let sequence = [
                    "define \(xml)", "list --all", "start t2", "list --all", "dominfo t2", "suspend t2", "domstate t2 --reason",
                    "resume t2", "destroy t2", "domstate t2 --reason", "start t2", "undefine t2", "list --all", "destroy t2",
                    "list --all", "shutdown test", "domstate test --reason", "start test", "list --all", "start test",
                    "undefine nosuch", "destroy test", "undefine test", "list --all",
                ].joined(separator: "; ")
                let (libvirt, ours) = try await Self.bothOutputs(daemon, sequence)
                #expect(ours == libvirt, "--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")

                // As libvirt's, the host goes back to its defaults when its last connection closes, and the
                // instance's files go with it.
                let again = try await Self.bothOutputs(daemon, "list --all")
                #expect(again.ours == again.libvirt && again.ours.contains("test   running"), "\(again.ours)")
                try await waitUntil("the test host's files to go", timeout: .seconds(10)) {
                    ((try? FileManager.default.contentsOfDirectory(atPath: daemon.runDir + "/test")) ?? []).isEmpty
                }
            }
        }
    }
}
