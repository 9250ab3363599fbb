import Foundation
import Testing

/// LiveChanges compared with a private libvirtd 9.0: the same virsh commands on the same definition, on an
/// inactive domain and on a running guest, give the same exit status, output and error (names and paths
/// normalised; lines that differ by nature, such as ids, uuids, CPU time and the host CPU a vCPU ran on, left
/// out).
extension Integration.LiveChanges {
    static func definition(_ name: String, balloon: String = "virtio", extra: String = "") -> String {
        """
        <domain type='qemu'><name>\(name)</name><memory unit='MiB'>256</memory>
        <vcpu current='1'>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
        <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>\(extra)<memballoon model='\(balloon)'/></devices>
        </domain>
        """
    }

    /// Defines `xml` (named `name`) at `at`, starts it when asked, runs `commands` and returns the transcript.
    static func transcript(_ at: CLIEndpoint, _ name: String, _ xml: String, start: Bool, _ commands: [[String]])
        async throws -> [String]
    {
        at.track(name)
        let path = at.scratch.appendingPathComponent("\(name).xml").path
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
        try await at.virsh.must("define", path)
        if start { try await at.virsh.must("start", name) }
        // libvirtd runs QEMU as root here, which it reports as a taint in dominfo's "Messages".
        let varying = ["Id:", "UUID:", "OS Type", "Security", "Persistent", "CPU time", "Messages", "CPU:"]
        func normal(_ text: String) -> String {
            text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
        }
        var lines: [String] = []
        for command in commands {
            let result = try await run(TestEnvironment.virsh, at.virsh.baseArguments + command, scratch: at.scratch)
            let out = normal(result.stdout).split(separator: "\n")
                .filter { line in !varying.contains { line.hasPrefix($0) } }.joined(separator: "\n")
            lines.append("\(normal(command.joined(separator: " "))) \(result.status) \(out) \(normal(result.stderr))")
        }
        if start { _ = try await at.virsh("destroy", name) }
        _ = try await at.virsh("undefine", name)
        return lines
    }

    /// Runs `scenario` on swiftvirtd and on libvirtd and expects the same transcript.
    static func sameOnBothDaemons(_ scenario: (CLIEndpoint) async throws -> [String]) async throws {
        let ours = try await DaemonHarness.with { try await scenario(CLIEndpoint($0)) }
        let theirs = try await LibvirtdHarness.with { try await scenario(CLIEndpoint($0)) }
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) { #expect(a == b) }
    }

    /// The refusals that need no running guest, and the config changes.
    @Test func inactiveDomainMatchesLibvirtd() async throws {
        try await Self.sameOnBothDaemons { at in
            let name = "live-\(UUID().uuidString.prefix(6).lowercased())"
            return try await Self.transcript(at, name, Self.definition(name), start: false, [
                ["setmem", name, "100M"], ["setmem", name, "100M", "--live"], ["setmem", name, "1G", "--config"],
                ["setmaxmem", name, "300M", "--live"], ["setvcpus", name, "4", "--config"],
                ["setvcpus", name, "1", "--live"], ["send-key", name, "KEY_A"], ["screenshot", name, "/dev/null"],
                ["metadata", name, Self.uri], ["desc", name, "--live"], ["vcpucount", name],
                ["metadata", name, Self.uri, "--key", "sv", "--set", "<a><b x='1'/>t</a>"], ["metadata", name, Self.uri],
                ["desc", name, "--title", "A title"], ["desc", name, "--title"],
                ["setmaxmem", name, "300M"], ["setmem", name, "200M", "--config"], ["dominfo", name],
                ["setvcpus", name, "3", "--maximum", "--config"], ["vcpucount", name],
                ["metadata", name, Self.uri, "--remove"], ["metadata", name, Self.uri],
                ["setvcpus", name, "1", "--maximum", "--config"], ["vcpucount", name], ["dominfo", name],
                ["vcpuinfo", name], ["vcpupin", name],
                ["metadata", name, Self.uri, "--key", "sv", "--set", "<a><b x='1'/>t</a>"],
                ["desc", name, "--config", "Some words"],
                ["dumpxml", name, "--inactive", "--xpath", "/domain/*[self::title or self::description or self::metadata]"],
                ["dumpxml", name, "--inactive", "--xpath", "/domain/*[self::memory or self::currentMemory or self::vcpu]"],
                ["setvcpus", name, "2", "--maximum", "--config"], ["setvcpus", name, "2", "--config", "--hotpluggable"],
                ["dumpxml", name, "--inactive", "--xpath", "/domain/*[self::vcpu or self::vcpus]"],
                ["setvcpus", name, "3", "--maximum", "--config"],
                ["dumpxml", name, "--inactive", "--xpath", "/domain/*[self::vcpu or self::vcpus]"],
                ["setvcpus", name, "1", "--config"],
                ["dumpxml", name, "--inactive", "--xpath", "/domain/*[self::vcpu or self::vcpus]"],
            ])
        }
    }

    /// A running guest (no OS: the changes are QEMU's and the daemon's): live refusals, live metadata, a
    /// hot-plugged vCPU, the balloon target, a screenshot; and a guest without a balloon.
    @Test func runningGuestMatchesLibvirtd() async throws {
        try await Self.sameOnBothDaemons { at in
            let name = "live-\(UUID().uuidString.prefix(6).lowercased())"
            let shot = at.scratch.appendingPathComponent("shot.png").path
            var lines = try await Self.transcript(
                at, name, Self.definition(name, extra: "<video><model type='vga'/></video>"), start: true,
                [
                    ["setmem", name, "400M"], ["setmaxmem", name, "300M"], ["setvcpus", name, "3"],
                    ["setvcpus", name, "3", "--maximum", "--live", "--config"],
                    ["send-key", name, "--codeset", "usb", "1"], ["send-key", name, "KEY_B", "KEY_C"],
                    ["desc", name, "--live"], ["desc", name, "--live", "--title", "T"], ["desc", name, "--title"],
                    ["desc", name, "--title", "--config"],
                    ["metadata", name, Self.uri, "--key", "k", "--set", "<x y='1'/>", "--live"],
                    ["metadata", name, Self.uri], ["metadata", name, Self.uri, "--config"],
                    ["setvcpus", name, "2", "--live"], ["vcpucount", name], ["setmem", name, "200M"],
                    ["setmem", name, "220M", "--config"], ["dominfo", name], ["screenshot", name, shot],
                    ["vcpuinfo", name], ["vcpupin", name], ["vcpupin", name, "--config"],
                ])
            let plain = "plain-\(UUID().uuidString.prefix(6).lowercased())"
            lines += try await Self.transcript(
                at, plain, Self.definition(plain, balloon: "none"), start: true,
                [["setmem", plain, "200M"], ["screenshot", plain, shot], ["dominfo", plain]])
            return lines
        }
    }
}
