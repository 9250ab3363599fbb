import Foundation
import Testing

extension Integration {
    /// Host statistics (`nodememstats`, `nodecpustats`, `freecell`, `nodecpumap`) through Debian's virsh, on
    /// swiftvirtd and on a private libvirtd 9.0 of the same host: the same fields, the same errors, and values
    /// that agree up to what the host changes between two reads. The test driver's fixed values equal those of
    /// libvirt's own test driver.
    @Suite struct NodeStats {
        /// "name: number [KiB]" lines of a virsh statistics listing, in order.
        static func figures(_ text: String) -> [(name: String, value: Double)] {
            text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { return nil }
                let number = parts[1].split(separator: " ").first.map(String.init) ?? ""
                guard let value = Double(number.replacingOccurrences(of: "%", with: "")) else { return nil }
                return (parts[0].trimmingCharacters(in: .whitespaces), value)
            }
        }

        @Test func hostStatisticsAsLibvirtd() async throws {
            try await DaemonHarness.with { daemon in
                try await LibvirtdHarness.with { lvd in
                    let ours = Virsh(daemon)
                    let theirs = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                    // Fields and errors: identical text once the figures are masked.
                    for command in [
                        ["nodememstats"], ["nodememstats", "--cell", "0"], ["nodememstats", "--cell", "1"],
                        ["nodecpustats"], ["nodecpustats", "--cpu", "1"], ["nodecpustats", "--cpu", "9"],
                        ["freecell"], ["freecell", "--all"], ["freecell", "--cellno", "0"],
                        ["freecell", "--cellno", "3"], ["nodecpumap"], ["nodecpumap", "--pretty"],
                    ] {
                        let a = try await run(TestEnvironment.virsh, ours.baseArguments + command, scratch: ours.scratch)
                        let b = try await run(TestEnvironment.virsh, theirs.baseArguments + command, scratch: theirs.scratch)
                        let mask = { (s: String) in s.replacing(/[0-9]{4,}/, with: "N") }
                        #expect(a.succeeded == b.succeeded, "\(command): \(a) vs \(b)")
                        #expect(
                            mask(a.stdout + a.stderr) == mask(b.stdout + b.stderr),
                            "\(command)\n--- swiftvirtd ---\n\(a.stdout)\(a.stderr)\n--- libvirtd ---\n\(b.stdout)\(b.stderr)")
                    }
                    // Values: totals equal, moving figures close (read a moment apart), CPU times growing.
                    let memory = [try await ours.must("nodememstats"), try await theirs.must("nodememstats")].map(Self.figures)
                    #expect(memory[0].map(\.name) == ["total", "free", "buffers", "cached"])
                    #expect(memory[0][0].value == memory[1][0].value, "total memory: \(memory)")
                    #expect(abs(memory[0][1].value - memory[1][1].value) < memory[0][0].value * 0.05, "free: \(memory)")
                    let cpuBefore = Self.figures(try await ours.must("nodecpustats"))
                    let cpuLibvirt = Self.figures(try await theirs.must("nodecpustats"))
                    try await Task.sleep(for: .milliseconds(300))
                    let cpuAfter = Self.figures(try await ours.must("nodecpustats"))
                    #expect(cpuBefore.map(\.name) == ["user", "system", "idle", "iowait"])
                    for i in 0..<4 {
                        #expect(cpuLibvirt[i].value >= cpuBefore[i].value && cpuLibvirt[i].value <= cpuAfter[i].value,
                            "\(cpuBefore[i].name): swiftvirtd \(cpuBefore[i].value)…\(cpuAfter[i].value), libvirtd \(cpuLibvirt[i].value)")
                    }
                    #expect(cpuAfter[0].value + cpuAfter[1].value + cpuAfter[2].value > cpuBefore[0].value + cpuBefore[1].value + cpuBefore[2].value)
                    let percent = Self.figures(try await ours.must("nodecpustats", "--percent"))
                    #expect(percent.map(\.name) == ["usage", "user", "system", "idle", "iowait"], "\(percent)")
                    let maps = [try await ours.must("nodecpumap"), try await theirs.must("nodecpumap")]
                    #expect(maps[0] == maps[1])
                    // The capabilities' NUMA cells (which `freecell --all` reads) are the same.
                    let topology = { (xml: String) -> String in
                        guard let start = xml.range(of: "<topology>\n      <cells") else { return "" }
                        return xml[start.lowerBound...].components(separatedBy: "</topology>").first ?? ""
                    }
                    let ourCaps = topology(try await ours.must("capabilities"))
                    let theirCaps = topology(try await theirs.must("capabilities"))
                    #expect(!ourCaps.isEmpty && ourCaps == theirCaps, "\(ourCaps)")
                }
            }
        }

        @Test func testDriverStatisticsAsLibvirtsTestDriver() async throws {
            try await DaemonHarness.with { daemon in
                for commands in [
                    "nodememstats", "nodecpustats", "freecell", "freecell --all", "freecell --cellno 1",
                    "freecell --cellno 2", "nodecpumap", "nodecpumap --pretty",
                ] {
                    let (libvirt, ours) = try await TestDriverParity.bothOutputs(daemon, commands)
                    #expect(ours == libvirt, "\(commands)\n--- libvirt ---\n\(libvirt)\n--- swiftvirtd ---\n\(ours)")
                }
            }
        }
    }
}
