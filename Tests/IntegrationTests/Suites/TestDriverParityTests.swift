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

        /// Statistics of the running domain `test`: libvirt's test driver gives fixed figures (memory, CPU, block
        /// info, stats records) and errors, compared as they are, and counters that are fractions of the wall
        /// clock (block and interface), compared by shape and to within a second's growth of each other.
        @Test func statisticsLookTheSame() async throws {
            try await DaemonHarness.with { daemon in
                for commands in [
                    "dommemstat test", "cpu-stats test", "cpu-stats test --start 1 --count 1", "cpu-stats test --total",
                    "cpu-stats test --start 2", "domblkinfo test vda", "domblkinfo test /guest/diskimage1",
                    "domblkinfo test --all", "domblkinfo test hdz", "domblkstat test", "domblkstat test hdz",
                    "domifstat test nosuch", "domstats", "domstats --iothread test",
                    "domstats --state --list-active", "domstats --vcpu --enforce", "dumpxml test",
                    "dommemstat test --period 7 --live; dommemstat test --period 9 --config; dumpxml test; "
                        + "dumpxml --inactive test",
                    "dommemstat t9 --period 2",
                    "destroy test; dommemstat test; domblkinfo test vda; domifstat test testnet0; cpu-stats test; "
                        + "domstats; domblkstat test vda",
                ] {
                    let (libvirt, ours) = try await Self.bothOutputs(daemon, commands)
                    #expect(ours == libvirt, "\(commands)\n--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")
                }
                for commands in [
                    "domblkstat test vda", "domblkstat test vda --human", "domifstat test testnet0",
                    "domifstat test aa:bb:cc:dd:ee:ff",
                ] {
                    let (libvirt, ours) = try await Self.bothOutputs(daemon, commands)
                    let (a, b) = (Self.clockFigures(libvirt), Self.clockFigures(ours))
                    #expect(
                        a.shape == b.shape && a.values.count == b.values.count && !a.values.isEmpty,
                        "\(commands)\n--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")
                    for (x, y) in zip(a.values, b.values) {
                        #expect(abs(x - y) <= max(x, y) * 1e-6, "\(commands): \(x) against \(y)")
                    }
                }
            }
        }

        /// libvirt's test driver counts no IOThreads of a domain defined by XML, running or not.
        @Test func iothreadStatsLookTheSame() async throws {
            try await DaemonHarness.with { daemon in
                let xml = daemon.scratch.appendingPathComponent("t3.xml").path
                try """
                    <domain type='test'><name>t3</name><uuid>5c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f</uuid>
                    <memory>65536</memory><vcpu>1</vcpu><iothreads>2</iothreads><os><type>hvm</type></os></domain>
                    """.write(toFile: xml, atomically: true, encoding: .utf8)
                // Named, not all: libvirt lists a host's domains in its hash table's order, which varies.
                let sequence = [
                    "define \(xml)", "domstats --iothread t3", "start t3", "domstats --iothread t3", "domstats t3 test",
                    // Nor has it a balloon: no memory statistics, and no period to set.
                    "dommemstat t3", "dommemstat t3 --period 2",
                ].joined(separator: "; ")
                let (libvirt, ours) = try await Self.bothOutputs(daemon, sequence)
                #expect(ours == libvirt, "--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")
            }
        }

        /// Text with every run of digits replaced by `#`, and the numbers they were.
        static func clockFigures(_ text: String) -> (shape: String, values: [Double]) {
            var shape = ""
            var values: [Double] = []
            var digits = ""
            for c in text + "\n" {
                if c.isASCII && c.isNumber {
                    digits.append(c)
                    continue
                }
                if let value = Double(digits) {
                    values.append(value)
                    shape += "#"
                }
                digits = ""
                shape.append(c)
            }
            return (shape, values)
        }
    }
}
