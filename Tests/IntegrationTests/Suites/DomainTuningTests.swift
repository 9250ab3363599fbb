import Foundation
import Testing

extension Integration {
    /// `<cputune>`, `<vcpu cpuset>`, `<iothreads>`, `<memtune>`, `<memoryBacking>` and NUMA cells on a real
    /// TCG guest: the threads QEMU reports are pinned where the definition says, the domain's cgroups hold the
    /// shares, bandwidth and memory limit, the guest boots, and the cgroups go with the guest.
    @Suite struct DomainTuning {
        static let tuning = """
            <vcpu placement='static' cpuset='1'>2</vcpu>
            <iothreads>1</iothreads>
            <cputune>
              <shares>512</shares><period>100000</period><quota>50000</quota>
              <vcpupin vcpu='0' cpuset='0'/><emulatorpin cpuset='1'/><iothreadpin iothread='1' cpuset='0-1'/>
            </cputune>
            <memtune><hard_limit unit='MiB'>1024</hard_limit></memtune>
            <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
            """
        static let cpu = """
            <cpu><topology sockets='1' cores='2' threads='1'/>
            <numa><cell id='0' cpus='0-1' memory='256' unit='MiB' memAccess='shared'/></numa></cpu>
            """

        /// Cpus_allowed_list of each thread of `pid`, by thread name.
        static func affinity(_ pid: String) -> [String: String] {
            var out: [String: String] = [:]
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            for tid in tasks {
                let name = readFile("/proc/\(pid)/task/\(tid)/comm").trimmingCharacters(in: .whitespacesAndNewlines)
                let status = readFile("/proc/\(pid)/task/\(tid)/status")
                let line = status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }
                out[name] = line.map { $0.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces) }
            }
            return out
        }

        @Test func pinningCgroupsAndMemoryBackingOnARealGuest() async throws {
            // Pinning to CPU 1 needs two host CPUs (CI machines have two).
            guard ProcessInfo.processInfo.activeProcessorCount >= 2 else { return }
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let xml = readFile(guest.xmlPath)
                    .replacingOccurrences(of: "<vcpu>1</vcpu>", with: Self.tuning)
                    .replacingOccurrences(of: "<features>", with: Self.cpu + "<features>")
                try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()

                let pid = readFile(daemon.runDir + "/qemu/\(guest.name).pid").trimmingCharacters(in: .whitespacesAndNewlines)
                let threads = Self.affinity(pid)
                #expect(threads["CPU 0/TCG"] == "0", "\(threads)")
                #expect(threads["CPU 1/TCG"] == "1", "vcpu cpuset is the default: \(threads)")
                #expect(threads["IO iothread1"] == "0-1", "\(threads)")
                #expect(threads["qemu-system-x86"] == "1", "\(threads)")

                let groups = try FileManager.default.contentsOfDirectory(atPath: "/sys/fs/cgroup/cpu/machine")
                    .filter { $0.hasPrefix("swiftvirt-") && $0.hasSuffix(guest.name) }
                let group = try #require(groups.first, "no cgroup for \(guest.name)")
                let cpu = "/sys/fs/cgroup/cpu/machine/\(group)"
                func value(_ path: String) -> String { readFile(path).trimmingCharacters(in: .whitespacesAndNewlines) }
                #expect(value(cpu + "/cpu.shares") == "512")
                #expect(value(cpu + "/vcpu0/cpu.cfs_quota_us") == "50000")
                #expect(value(cpu + "/vcpu1/cpu.cfs_period_us") == "100000")
                #expect(value(cpu + "/emulator/tasks").contains(pid))
                #expect(value("/sys/fs/cgroup/memory/machine/\(group)/memory.limit_in_bytes") == "1073741824")

                // Guest RAM is one shared memfd backend per NUMA node, as the definition asks.
                let args = readFile("/proc/\(pid)/cmdline").split(separator: "\0").map(String.init)
                #expect(args.contains { $0.hasPrefix("memory-backend-memfd,id=ram-node0,size=262144k,share=on") }, "\(args)")
                #expect(args.contains("node,nodeid=0,cpus=0-1,memdev=ram-node0"), "\(args)")

                try await virsh.must("destroy", guest.name)
                #expect(!FileManager.default.fileExists(atPath: cpu))
                #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/machine/\(group)"))
            }
        }
    }
}
