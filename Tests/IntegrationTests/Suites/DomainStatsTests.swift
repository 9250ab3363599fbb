import Foundation
import Testing

extension Integration {
    /// Domain statistics (virConnectGetAllDomainStats, BlockStats, InterfaceStats, MemoryStats, GetCPUStats) of a
    /// guest with a disk and a tap, on swiftvirtd and on a private libvirtd 9.0 side by side in one network
    /// namespace: the same `virsh domstats` keys per group while running and once shut off, the same fields from
    /// domblkstat/domifstat/dommemstat/cpu-stats, the same errors for the inactive domain; on swiftvirtd the values
    /// move and python3-libvirt's getAllDomainStats returns the records.
    @Suite struct DomainStats {
        /// What one daemon showed of its guest.
        struct Observation {
            var running: [String: String] = [:]
            var inactive: [String: String] = [:]
            /// Command → the field names it printed.
            var fields: [String: [String]] = [:]
            /// Command → its error on the inactive domain.
            var inactiveErrors: [String: String] = [:]
            /// The series prometheus-libvirt-exporter exports of the running guest and the host.
            var exported: Set<String> = []
        }

        @Test func statisticsMatchLibvirtdAndMove() async throws {
            try await NetworkNamespace.with { ns in
                let theirs = try await LibvirtdHarness.with(netns: ns.name) {
                    try await Self.observe(CLIEndpoint($0), tap: "svdsl0", ours: false)
                }
                let ours = try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) {
                    try await Self.observe(CLIEndpoint($0), tap: "svdss0", ours: true)
                }
                // Both records hold every group a running guest has (nothing compared is vacuous).
                for key in ["cpu.time", "balloon.rss", "vcpu.0.time", "net.0.tx.drop", "block.0.fl.times", "dirtyrate.calc_mode"] {
                    #expect(theirs.running[key] != nil && ours.running[key] != nil, "\(key)")
                }
                #expect(theirs.inactive["block.0.capacity"] != nil && theirs.inactive["net.count"] == nil)
                for (label, a, b) in [("running", ours.running, theirs.running), ("shut off", ours.inactive, theirs.inactive)] {
                    for group in Set((Array(a.keys) + Array(b.keys)).map(Self.group)).sorted() {
                        let mine = a.keys.filter { Self.group($0) == group }.sorted()
                        let libvirt = b.keys.filter { Self.group($0) == group }.sorted()
                        #expect(mine == libvirt, "\(label) group \(group)")
                    }
                }
                // The harness's libvirtd runs its guests without a cgroup and then refuses cpu-stats ("cgroup
                // CPUACCT controller is not mounted"); with one (a host libvirtd) it prints these fields.
                var expected = theirs.fields
                if expected["cpu-stats"]?.first?.hasPrefix("error:") == true {
                    expected["cpu-stats"] = ["cpu_time", "user_time", "system_time"]
                }
                #expect(ours.fields == expected)
                #expect(ours.inactiveErrors == theirs.inactiveErrors)
                #expect(theirs.inactiveErrors.count == 5 && theirs.fields.count == 4)
                #expect(theirs.exported.contains("libvirt_domain_interface_stats_receive_bytes_total"))
                let onlyOurs = ours.exported.subtracting(theirs.exported).sorted()
                let onlyTheirs = theirs.exported.subtracting(ours.exported).sorted()
                #expect(onlyOurs.isEmpty && onlyTheirs.isEmpty, "exporter series only swiftvirtd \(onlyOurs), only libvirtd \(onlyTheirs)")
            }
        }

        static func group(_ key: String) -> String { String(key.prefix { $0 != "." }) }

        /// `virsh domstats` output as key → value.
        static func stats(_ text: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                out[line[..<eq].trimmingCharacters(in: .whitespaces)] = String(line[line.index(after: eq)...])
            }
            return out
        }

        /// The field names of domblkstat/domifstat/dommemstat ("[dev] name value") and cpu-stats ("name value
        /// seconds") lines, with their values.
        static func fields(_ text: String) -> [(String, String)] {
            text.split(separator: "\n").compactMap { line in
                let t = line.split(whereSeparator: \.isWhitespace).map(String.init)
                if t.count == 3 && t[2] == "seconds" { return (t[0], t[1]) }
                return t.count >= 2 ? (t[t.count - 2], t[t.count - 1]) : nil
            }
        }

        static func observe(_ at: CLIEndpoint, tap: String, ours: Bool) async throws -> Observation {
            let virsh = at.virsh
            let (name, xmlPath, serialLog) = try at.makeGuest()
            let disk = at.scratch.appendingPathComponent("\(name).raw").path
            _ = FileManager.default.createFile(atPath: disk, contents: nil)
            try FileHandle(forWritingTo: URL(fileURLWithPath: disk)).truncate(atOffset: 16 << 20)
            let xml = try String(contentsOfFile: xmlPath, encoding: .utf8).replacingOccurrences(
                of: "</devices>",
                with: """
                    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\(disk)'/>\
                    <target dev='vda' bus='virtio'/></disk><interface type='ethernet'><target dev='\(tap)'/>\
                    <mac address='52:54:00:77:45:0\(ours ? 1 : 2)'/><model type='virtio'/></interface></devices>
                    """)
            try xml.write(toFile: xmlPath, atomically: true, encoding: .utf8)
            try await virsh.must("define", xmlPath)
            try await virsh.must("start", name)
            try await waitUntil("banner of \(name)", timeout: .seconds(90)) {
                readFile(serialLog).contains(TestEnvironment.banner)
            }

            var seen = Observation()
            seen.running = stats(try await virsh.must("domstats", name))
            let commands: [(String, [String])] = [
                ("domblkstat", ["domblkstat", name, "vda"]), ("domifstat", ["domifstat", name, tap]),
                ("dommemstat", ["dommemstat", name]), ("cpu-stats", ["cpu-stats", name, "--total"]),
            ]
            for (label, args) in commands {
                let r = try await run(TestEnvironment.virsh, virsh.baseArguments + args, scratch: at.scratch)
                seen.fields[label] = r.succeeded ? fields(r.stdout).map(\.0) : ["error: \(r.stderr)"]
            }
            // QEMU 7.2 answers query-stats: the vm group is supported (and empty under TCG) on both.
            try await virsh.must("domstats", name, "--enforce", "--vm")
            if ours { try await checkValuesMove(at, name: name, tap: tap, before: seen.running) }
            seen.exported = try await exported(at, name: name, tap: tap, checkMoving: ours)

            // The running guest's period shows in its live XML; one for the persistent definition only is kept in
            // that definition, the running guest's left as it was.
            try await virsh.must("dommemstat", name, "--period", "2", "--live")
            #expect(try await virsh.must("dumpxml", name).contains("<stats period='2'/>"), "\(at.label)")
            try await virsh.must("dommemstat", name, "--period", "3", "--config")
            #expect(try await virsh.must("dumpxml", "--inactive", name).contains("<stats period='3'/>"), "\(at.label)")
            #expect(try await virsh.must("dumpxml", name).contains("<stats period='2'/>"), "\(at.label)")

            try await virsh.must("destroy", name)
            seen.inactive = stats(try await virsh.must("domstats", name))
            let failing: [(String, [String])] = commands + [("domstats-enforce", ["domstats", name, "--enforce", "--iothread"])]
            for (label, args) in failing {
                let r = try await run(TestEnvironment.virsh, virsh.baseArguments + args, scratch: at.scratch)
                #expect(!r.succeeded, "\(label) on the inactive domain at \(at.label)")
                seen.inactiveErrors[label] = r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                    .replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: tap, with: "TAP")
            }
            if ours {
                // The next start gives QEMU the definition's period.
                try await virsh.must("start", name)
                #expect(try await balloonInterval(virsh, name).contains(#""return":3"#))
                try await virsh.must("destroy", name)
            }
            try await virsh.must("undefine", name)
            return seen
        }

        /// What Debian's prometheus-libvirt-exporter exports of the running guest; on swiftvirtd its CPU time
        /// moves between two scrapes and the block and network counters are the guest's.
        static func exported(_ at: CLIEndpoint, name: String, tap: String, checkMoving: Bool) async throws -> Set<String> {
            try await LibvirtExporter.with(uri: at.uri, scratch: at.scratch) { scrape in
                let first = try await scrape()
                if checkMoving {
                    // An idle guest's CPU time moves slowly; the exporter prints it to 10 ms.
                    let cpu = "libvirt_domain_info_cpu_time_seconds_total"
                    let c0 = LibvirtExporter.value(first, cpu, domain: name) ?? 0
                    var second = first
                    try await waitUntil("the exporter's CPU time to move past \(c0)", timeout: .seconds(20)) {
                        second = try await scrape()
                        return LibvirtExporter.value(second, cpu, domain: name) ?? 0 > c0
                    }
                    #expect(c0 > 0)
                    let read = LibvirtExporter.value(second, "libvirt_domain_block_stats_read_bytes_total", domain: name)
                    #expect(read ?? 0 > 0, "exporter block read bytes \(String(describing: read))")
                    let received = LibvirtExporter.value(
                        second, "libvirt_domain_interface_stats_receive_bytes_total", domain: name, label: tap)
                    #expect(received ?? 0 > 0, "exporter receive bytes of \(tap): \(String(describing: received))")
                    #expect(LibvirtExporter.value(second, "libvirt_domain_state_code", domain: name) == 1)
                }
                return LibvirtExporter.series(first, domain: name)
            }
        }

        /// QEMU's balloon polling interval of the guest, as its monitor answers.
        static func balloonInterval(_ virsh: Virsh, _ name: String) async throws -> String {
            try await virsh.must(
                "qemu-monitor-command", name,
                #"{"execute":"qom-get","arguments":{"path":"/machine/peripheral/balloon0","property":"guest-stats-polling-interval"}}"#
            )
        }

        /// swiftvirtd's figures are the guest's own and move: CPU time grows, the disk was read at boot, the tap
        /// carried the guest's packets, the balloon period reaches QEMU, and python3-libvirt gets the records.
        static func checkValuesMove(_ at: CLIEndpoint, name: String, tap: String, before: [String: String]) async throws {
            let virsh = at.virsh
            #expect(before["state.state"] == "1" && before["state.reason"] == "1")
            #expect(before["balloon.current"] == "262144" && before["balloon.maximum"] == "262144")
            #expect(before["vcpu.current"] == "1" && before["vcpu.0.state"] == "1")
            #expect(before["net.count"] == "1" && before["net.0.name"] == tap)
            #expect(before["block.count"] == "1" && before["block.0.name"] == "vda")
            #expect(before["block.0.capacity"] == "\(16 << 20)")
            #expect(UInt64(before["block.0.rd.bytes"] ?? "") ?? 0 > 0, "\(before)")
            let cpu0 = UInt64(before["cpu.time"] ?? "") ?? 0
            #expect(cpu0 > 0 && UInt64(before["vcpu.0.time"] ?? "") ?? 0 > 0)
            try await Task.sleep(for: .seconds(1))
            let cpu1 = UInt64(stats(try await virsh.must("domstats", name, "--cpu-total"))["cpu.time"] ?? "") ?? 0
            #expect(cpu1 > cpu0, "cpu.time \(cpu0) then \(cpu1)")

            // The guest sends (DHCP) on its NIC: the tap's receive side is the guest's transmit side.
            try await waitUntil("the guest's packets on \(tap)", timeout: .seconds(30)) {
                let f = Dictionary(fields(try await virsh.must("domifstat", name, tap)), uniquingKeysWith: { a, _ in a })
                return Int(f["tx_packets"] ?? "") ?? 0 > 0
            }
            let total = Dictionary(fields(try await virsh.must("domblkstat", name)), uniquingKeysWith: { a, _ in a })
            #expect(Int(total["rd_bytes"] ?? "") ?? 0 > 0, "\(total)")
            let memory = Dictionary(fields(try await virsh.must("dommemstat", name)), uniquingKeysWith: { a, _ in a })
            #expect(memory["actual"] == "262144" && Int(memory["rss"] ?? "") ?? 0 > 0, "\(memory)")
            // Per host CPU too (libvirtd on a cgroup v2 host refuses this one).
            let perCPU = try await virsh.must("cpu-stats", name)
            #expect(perCPU.contains("CPU0:") && perCPU.contains("vcpu_time") && perCPU.contains("Total:"), "\(perCPU)")

            try await virsh.must("dommemstat", name, "--period", "2", "--live")
            let interval = try await balloonInterval(virsh, name)
            #expect(interval.contains(#""return":2"#), "\(interval)")

            #expect(try await virsh.must("domstats", "--list-running").contains("Domain: '\(name)'"))
            #expect(!(try await virsh.must("domstats", "--list-shutoff").contains(name)))

            let script = """
                import sys, libvirt
                conn = libvirt.open(sys.argv[1])
                records = {d.name(): s for d, s in conn.getAllDomainStats()}
                s = records[sys.argv[2]]
                assert s['state.state'] == libvirt.VIR_DOMAIN_RUNNING, s
                assert s['block.0.rd.bytes'] > 0 and s['net.0.name'] == sys.argv[3] and s['cpu.time'] > 0, s
                dom = conn.lookupByName(sys.argv[2])
                only = conn.domainListGetStats([dom], libvirt.VIR_DOMAIN_STATS_STATE)
                assert sorted(only[0][1]) == ['state.reason', 'state.state'], only
                assert dom.blockStatsFlags('vda')['rd_bytes'] > 0 and dom.blockStats('vda')[1] > 0
                assert dom.getCPUStats(True)[0]['cpu_time'] > 0
                assert dom.memoryStats()['actual'] == 262144
                print('ok', len(s))
                """
            let py = try await run(TestEnvironment.python, ["-c", script, at.uri, name, tap], scratch: at.scratch)
            #expect(py.succeeded && py.stdout.hasPrefix("ok"), "\(py)")
        }
    }
}
