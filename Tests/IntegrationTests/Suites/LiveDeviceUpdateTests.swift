import Foundation
import Testing

extension Integration.DeviceChanges {
    /// update-device on a running guest, the same on swiftvirtd and on a private libvirtd 9.0: `domif-setlink`
    /// (virsh's update-device of the live `<interface>` with `<link state>`), NIC changes libvirt refuses, and
    /// VNC password changes, checked by authenticating to the guest's VNC server with the old and new
    /// passwords (a real RFB client), and by an expired password.
    @Test func liveUpdatesAsLibvirtd() async throws {
        let ours = try await DaemonHarness.with { try await Self.liveUpdates(CLIEndpoint($0)) }
        let theirs = try await LibvirtdHarness.with { try await Self.liveUpdates(CLIEndpoint($0)) }
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) { #expect(a == b) }
        // What the transcript holds, so that equality means something.
        #expect(theirs.contains { $0.hasPrefix("auth second45 after update: ok") }, "\(theirs)")
        #expect(theirs.contains { $0.hasPrefix("auth third678 after virt-xml: ok") }, "\(theirs)")
        #expect(theirs.contains { $0.hasPrefix("domif-getlink NAME 52:54:00:5e:0a:01 0 52:54:00:5e:0a:01 down") }, "\(theirs)")
    }

    static func liveUpdates(_ at: CLIEndpoint) async throws -> [String] {
        let name = "upd-\(UUID().uuidString.prefix(6).lowercased())"
        let mac = "52:54:00:5e:0a:01"
        at.track(name)
        func file(_ base: String, _ text: String) throws -> String { try writeScratchFile(at.scratch, base, text) }
        let xml = try file(
            "\(name).xml",
            """
            <domain type='qemu'><name>\(name)</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
            <os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
            <interface type='user'><mac address='\(mac)'/><model type='virtio'/></interface>
            <interface type='user'><mac address='52:54:00:5e:0a:03'/><model type='e1000'/><link state='down'/></interface>
            <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1' passwd='first123'/></devices></domain>
            """)
        try await at.virsh.must("define", xml)
        try await at.virsh.must("start", name)
        let display = try await at.virsh.must("vncdisplay", name).trimmingCharacters(in: .whitespacesAndNewlines)
        let port = 5900 + (Int(display.split(separator: ":").last ?? "") ?? -5900)
        var lines: [String] = []
        func auth(_ password: String, _ when: String) async throws {
            let r = try await run(
                TestEnvironment.python, [TestEnvironment.pythonScript("vnc_auth.py"), String(port), password],
                scratch: at.scratch)
            lines.append("auth \(password) \(when): \(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) \(r.stderr)")
        }
        func graphics(_ attributes: String) throws -> String {
            try file("g.xml", "<graphics type='vnc' port='-1' autoport='yes' \(attributes)/>")
        }
        var files = 0
        func nic(_ body: String) throws -> String {
            files += 1
            return try file("nic\(files).xml", "<interface type='user'>\(body)</interface>")
        }
        let commands: [[String]] = [
            ["domif-getlink", name, "52:54:00:5e:0a:03"],
            ["domif-setlink", name, "52:54:00:5e:0a:03", "up"],
            ["domif-getlink", name, "52:54:00:5e:0a:03"],
            ["domif-getlink", name, mac],
            ["domif-setlink", name, mac, "down"],
            ["domif-getlink", name, mac],
            ["dumpxml", name, "--xpath", "//interface/link"],
            ["domif-setlink", name, mac, "up"],
            ["domif-getlink", name, mac],
            ["update-device", name, try nic("<mac address='\(mac)'/><model type='virtio'/><link state='down'/>"), "--live"],
            ["domif-getlink", name, mac],
            ["update-device", name, try nic("<mac address='\(mac)'/><model type='e1000'/>"), "--live"],
            ["update-device", name, try nic("<mac address='52:54:00:5e:0a:02'/><model type='virtio'/>"), "--live"],
            ["update-device", name, try nic("<mac address='\(mac)'/><model type='virtio'/><target dev='tapx'/>"), "--live"],
            ["domif-getlink", name, mac],
        ]
        for command in commands { lines.append(try await transcriptLine(at, name, command)) }
        try await auth("first123", "at start")
        try await auth("second45", "at start")
        for (attributes, label) in [
            ("listen='127.0.0.1' passwd='second45' keymap='de'", "keymap"), ("listen='0.0.0.0' passwd='x'", "listen"),
            ("listen='127.0.0.1' passwd='second45'", "password"),
        ] {
            lines.append(label + ": " + (try await transcriptLine(at, name, ["update-device", name, try graphics(attributes), "--live"])))
        }
        try await auth("first123", "after update")
        try await auth("second45", "after update")
        lines.append(try await transcriptLine(at, name, ["update-device", name, try file("g.xml", "<graphics type='vnc' port='5999' autoport='no' listen='127.0.0.1'/>"), "--live"]))
        lines.append(try await transcriptLine(at, name, ["update-device", name, try file("g.xml", "<graphics type='spice' passwd='x'/>"), "--live"]))
        // virt-xml (virt-manager's library) edits the live XML it reads and sends update-device.
        for change in [["--graphics", "password=third678"], ["--network", "link_state=down"]] {
            let r = try await run(
                Integration.VirtTools.virtXML, ["--connect", at.uri, name, "--edit", "--update"] + change,
                scratch: at.scratch)
            lines.append("virt-xml \(change.joined(separator: " ")): \(r.status) \(r.stdout.replacingOccurrences(of: name, with: "NAME")) \(r.stderr)")
        }
        try await auth("third678", "after virt-xml")
        lines.append(try await transcriptLine(at, name, ["domif-getlink", name, mac]))
        let expired = "listen='127.0.0.1' passwd='second45' passwdValidTo='2001-01-01T00:00:00'"
        lines.append(try await transcriptLine(at, name, ["update-device", name, try graphics(expired), "--live"]))
        try await auth("second45", "expired")
        _ = try await at.virsh("destroy", name)
        _ = try await at.virsh("undefine", name)
        return lines
    }

    /// One command's exit status, output and error, with the domain's name and the scratch path normalised.
    static func transcriptLine(_ at: CLIEndpoint, _ name: String, _ command: [String]) async throws -> String {
        let r = try await run(TestEnvironment.virsh, at.virsh.baseArguments + command, scratch: at.scratch)
        func normal(_ text: String) -> String {
            text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
        }
        let out = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(normal(command.joined(separator: " "))) \(r.status) \(normal(out)) \(normal(r.stderr))"
    }
}
