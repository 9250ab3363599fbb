import Foundation
import Testing

extension Integration {
    /// XML that only libvirt's QEMU driver writes, compared with a private libvirtd 9.0 on the same definition:
    /// `dumpxml --migratable` of an inactive and of a running domain, the refusal of a PCI controller attached
    /// without what define would fill in, and the disks of a running guest (source `index`, `<backingStore>`
    /// chains for raw, qcow2 and qcow2-over-qcow2 images, empty and loaded CD-ROMs, media changed), and the
    /// live `<cpu>` of named models. One guest per daemon, started once, for the XML; one short-lived guest per
    /// CPU definition (a `<cpu>` cannot change while a guest runs).
    @Suite struct LiveXMLParity {
        /// The demo guest with a VNC display, the guest agent's channel, a tablet, a sound card (so libvirt's
        /// default USB controller, pci-root, PS/2 keyboard and `<audio>` are all there) and five disks.
        static func definition(_ at: CLIEndpoint) throws -> (name: String, xml: String) {
            let guest = try at.makeGuest()
            let dir = at.scratch.path
            let devices = """
                <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\(dir)/raw.img'/>\
                <target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                <source file='\(dir)/plain.qcow2'/><target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                <source file='\(dir)/over.qcow2'/><target dev='vdc' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/>\
                <readonly/></disk>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='\(dir)/media.iso'/>\
                <target dev='hdd' bus='ide'/><readonly/></disk>
                <graphics type='vnc'/>
                <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
                <input type='tablet' bus='usb'/><sound model='ich6'/>
                """
            let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                .replacingOccurrences(of: "<devices>", with: "<devices>" + devices)
            return (guest.name, xml)
        }

        /// The images the disks use, in the scratch directory.
        static func makeImages(_ at: CLIEndpoint) async throws {
            let dir = at.scratch.path
            for command in [
                "qemu-img create -q -f raw \(dir)/raw.img 8M", "qemu-img create -q -f qcow2 \(dir)/plain.qcow2 8M",
                "qemu-img create -q -f qcow2 \(dir)/base.qcow2 8M", "qemu-img create -q -f raw \(dir)/other.img 4M",
                "qemu-img create -q -f qcow2 -b \(dir)/base.qcow2 -F qcow2 \(dir)/over.qcow2",
                "truncate -s 1M \(dir)/media.iso",
            ] {
                let result = try await run("/bin/sh", ["-c", command], scratch: at.scratch)
                guard result.succeeded else { throw HarnessError("\(command): \(result)") }
            }
        }

        /// The commands' transcript on one daemon: name, uuid and scratch directory normalised; lines that are
        /// libvirtd's alone (its `<resource>` partition and DAC `<seclabel>` in live XML) left out.
        static func transcript(_ at: CLIEndpoint) async throws -> [String] {
            try await makeImages(at)
            let (name, xml) = try definition(at)
            let path = at.scratch.appendingPathComponent("\(name).xml").path
            try xml.write(toFile: path, atomically: true, encoding: .utf8)
            try await at.virsh.must("define", path)
            let onlyLibvirtd = ["<uuid>", "<resource>", "<partition>", "</resource>", "seclabel", "<label>", "imagelabel"]
            func normal(_ text: String) -> String {
                text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
                    .split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { line in !onlyLibvirtd.contains { line.contains($0) } }.joined(separator: "\n")
            }
            var lines: [String] = []
            func record(_ arguments: [String], stdin: String? = nil) async throws {
                let result = try await run(
                    TestEnvironment.virsh, at.virsh.baseArguments + arguments, scratch: at.scratch, stdin: stdin)
                lines.append("\(normal(arguments.joined(separator: " "))) \(result.status)\n\(normal(result.stdout))\n\(normal(result.stderr))")
            }
            let controllers = [
                "<controller type='pci' model='pcie-root-port'/>", "<controller type='pci' index='3' model='pcie-root-port'/>",
                "<controller type='pci' model='pci-bridge'/>",
                "<controller type='pci' model='pcie-root-port'><model name='pcie-root-port'/></controller>",
                "<controller type='pci' model='pcie-root-port'><model name='ioh3420'/><target chassis='1'/></controller>",
                "<controller type='pci' model='pcie-to-pci-bridge'><model name='pci-bridge'/></controller>",
            ]
            for (i, controller) in controllers.enumerated() {
                let file = at.scratch.appendingPathComponent("controller\(i).xml").path
                try controller.write(toFile: file, atomically: true, encoding: .utf8)
                try await record(["attach-device", name, file, "--config"])
            }
            try await record(["dumpxml", name, "--migratable"])
            try await record(["dumpxml", name, "--migratable", "--inactive"])
            try await at.virsh.must("start", name)
            let disks = ["dumpxml", name, "--xpath", "//disk"]
            try await record(disks)
            try await record(["dumpxml", name, "--migratable"])
            try await record(["dumpxml", name, "--migratable", "--security-info"])
            try await record(["attach-device", name, at.scratch.appendingPathComponent("controller0.xml").path, "--live"])
            try await record(["change-media", name, "hdc", "\(at.scratch.path)/media.iso", "--insert"])
            try await record(["change-media", name, "hdd", "--eject"])
            try await record(disks)
            try await record(["change-media", name, "hdd", "\(at.scratch.path)/other.img", "--insert"])
            try await record(disks)
            try await record(["dumpxml", name, "--migratable", "--xpath", "//disk"])
            try await at.virsh.must("destroy", name)
            try await record(["dumpxml", name, "--migratable"])
            return lines
        }

        /// The `<cpu>` of running guests with named models (the demo guest's default qemu64, models with and
        /// without features of their own, with a feature the map marks removed) in live and migratable XML.
        /// host-model and host-passthrough are not compared: see the README.
        static func cpuTranscript(_ at: CLIEndpoint) async throws -> [String] {
            let kernel = try TestEnvironment.guestImage().kernel
            var lines: [String] = []
            for (i, cpu) in [
                "", "<cpu mode='custom' match='exact'><model>Skylake-Client</model></cpu>",
                "<cpu><model fallback='allow'>Nehalem</model><feature policy='disable' name='sse4.2'/></cpu>",
                "<cpu><model>Westmere</model></cpu>", "<cpu><model>Icelake-Server</model></cpu>",
                "<cpu><model>EPYC</model><feature policy='require' name='lahf_lm'/></cpu>",
            ].enumerated() {
                let name = "cpu\(i)-\(UUID().uuidString.prefix(6).lowercased())"
                at.track(name)
                let xml = """
                    <domain type='qemu'><name>\(name)</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
                    <os><type arch='x86_64' machine='pc'>hvm</type><kernel>\(kernel)</kernel></os>\(cpu)
                    <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>
                    """
                let path = at.scratch.appendingPathComponent("\(name).xml").path
                try xml.write(toFile: path, atomically: true, encoding: .utf8)
                try await at.virsh.must("define", path)
                try await at.virsh.must("start", name)
                for flags in [[], ["--migratable"]] {
                    let result = try await run(
                        TestEnvironment.virsh, at.virsh.baseArguments + ["dumpxml", name, "--xpath", "/domain/cpu"] + flags,
                        scratch: at.scratch)
                    lines.append("\(i) \(flags) \(result.status) \(result.stdout) \(result.stderr)")
                }
                try await at.virsh.must("destroy", name)
                try await at.virsh.must("undefine", name)
            }
            return lines
        }

        @Test func liveCPUMatchesLibvirtd() async throws {
            let ours = try await DaemonHarness.with { try await Self.cpuTranscript(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await Self.cpuTranscript(CLIEndpoint($0)) }
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(a == b) }
        }

        @Test func matchesLibvirtd() async throws {
            let ours = try await DaemonHarness.with { try await Self.transcript(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await Self.transcript(CLIEndpoint($0)) }
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(a == b) }
        }
    }
}
