import Foundation
import Testing

extension Integration {
    /// Debian's virt-clone and virt-xml (virtinst 4.1) against swiftvirtd. virt-clone: `--auto-clone` (the disk
    /// cloned as a pool volume) and `--file`, with the clone's definition equal to the one libvirtd 9.0 stores
    /// for the same commands, but for what either side picks at random. virt-xml: `--edit` on the definition,
    /// `--add-device` and `--remove-device` of a disk and a NIC on a running guest with `--update` (hotplug), and
    /// `--add-device` of an RNG and a SCSI controller.
    @Suite struct VirtTools {
        static let virtClone = "/usr/bin/virt-clone"
        static let virtXML = "/usr/bin/virt-xml"

        /// A definition with what each daemon picks at random masked: uuids, MACs, the scratch directory.
        static func normalized(_ xml: String, scratch: String) -> String {
            xml.replacing(/<uuid>[0-9a-f-]+<\/uuid>/, with: "<uuid>U</uuid>")
                .replacing(/52:54:00(:[0-9a-f]{2}){3}/, with: "MAC")
                .replacingOccurrences(of: scratch, with: "SCRATCH")
        }

        @Test func virtCloneAsOnLibvirtd() async throws {
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                try await LibvirtdHarness.with { lvd in
                    var clones: [String] = []
                    for (side, scratch) in [(Virsh(daemon), daemon.scratch), (Virsh(uri: lvd.uri, scratch: lvd.scratch), lvd.scratch)] {
                        let poolDir = scratch.appendingPathComponent("clonepool").path
                        try FileManager.default.createDirectory(atPath: poolDir, withIntermediateDirectories: true)
                        try await side.must("pool-create-as", "clonepool", "dir", "--target", poolDir)
                        try await side.must("vol-create-as", "clonepool", "orig.qcow2", "16M", "--format", "qcow2")
                        let xml = scratch.appendingPathComponent("orig.xml").path
                        try """
                            <domain type='qemu'><name>orig</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
                            <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
                            <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>
                            <source file='\(poolDir)/orig.qcow2'/><target dev='vda' bus='virtio'/></disk>
                            <interface type='user'><model type='virtio'/></interface></devices></domain>
                            """.write(toFile: xml, atomically: true, encoding: .utf8)
                        try await side.must("define", xml)
                        let auto = try await run(
                            Self.virtClone, ["--connect", side.uri, "--original", "orig", "--auto-clone"], scratch: scratch,
                            timeout: .seconds(120))
                        #expect(auto.succeeded && auto.stdout.contains("Clone 'orig-clone' created successfully."), "\(auto)")
                        let file = scratch.appendingPathComponent("byfile.qcow2").path
                        let byFile = try await run(
                            Self.virtClone, ["--connect", side.uri, "--original", "orig", "--name", "byfile", "--file", file],
                            scratch: scratch, timeout: .seconds(120))
                        #expect(byFile.succeeded, "\(byFile)")
                        #expect(FileManager.default.fileExists(atPath: file))
                        let vols = try await side.must("vol-list", "clonepool")
                        #expect(vols.contains("orig-clone.qcow2"), "\(vols)")
                        var both = ""
                        for name in ["orig-clone", "byfile"] {
                            both += Self.normalized(try await side.must("dumpxml", name, "--inactive"), scratch: scratch.path)
                        }
                        clones.append(both)
                        for name in ["orig", "orig-clone", "byfile"] { _ = try await side("undefine", name) }
                        _ = try await side("pool-destroy", "clonepool")
                    }
                    #expect(clones[0] == clones[1], "--- swiftvirtd ---\n\(clones[0])\n--- libvirtd ---\n\(clones[1])")
                }
            }
        }

        @Test func virtXMLEditsAndHotplugs() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    let guest = try TestGuest(daemon)
                    try await virsh.must("define", guest.xmlPath)
                    func virtXML(_ arguments: String...) async throws -> CommandResult {
                        try await run(Self.virtXML, ["--connect", virsh.uri, guest.name] + arguments, scratch: daemon.scratch)
                    }
                    // virt-xml takes one change per call.
                    for change in [["--memory", "300"], ["--vcpus", "2"]] {
                        let edit = try await run(
                            Self.virtXML, ["--connect", virsh.uri, guest.name, "--edit"] + change, scratch: daemon.scratch)
                        #expect(edit.succeeded, "\(edit)")
                    }
                    let inactive = try await virsh.must("dumpxml", guest.name, "--inactive")
                    #expect(inactive.contains("<memory unit='KiB'>307200</memory>") && inactive.contains(">2</vcpu>"), "\(inactive)")

                    try await virsh.must("start", guest.name)
                    try await guest.waitForBanner()
                    let disk = daemon.scratch.appendingPathComponent("extra.raw").path
                    FileManager.default.createFile(atPath: disk, contents: Data(count: 4 << 20))
                    let add = try await virtXML("--add-device", "--disk", "\(disk),bus=virtio,target=vdb", "--update")
                    #expect(add.succeeded && add.stdout.contains("Device hotplug successful."), "\(add)")
                    #expect(try await virsh.must("domblklist", guest.name).contains("vdb"))
                    #expect(try await virsh.must("domblklist", guest.name, "--inactive").contains("vdb"))

                    let net = daemon.scratch.appendingPathComponent("net.xml").path
                    try "<network><name>vxnet</name><bridge name='vxbr0'/></network>".write(toFile: net, atomically: true, encoding: .utf8)
                    try await virsh.must("net-create", net)
                    let nic = try await virtXML("--add-device", "--network", "network=vxnet,mac=52:54:00:65:43:21", "--update")
                    #expect(nic.succeeded && nic.stdout.contains("Device hotplug successful."), "\(nic)")
                    #expect(try await virsh.must("domiflist", guest.name).contains("52:54:00:65:43:21"))

                    // Other kinds the guest takes live: an RNG and a SCSI controller.
                    for change in [["--rng", "/dev/urandom"], ["--controller", "type=scsi,model=virtio-scsi"]] {
                        let plug = try await run(
                            Self.virtXML, ["--connect", virsh.uri, guest.name, "--add-device"] + change + ["--update"],
                            scratch: daemon.scratch)
                        #expect(plug.succeeded && plug.stdout.contains("Device hotplug successful."), "\(plug)")
                    }
                    for flags in [[], ["--inactive"]] {
                        let xml = try await run(
                            TestEnvironment.virsh, virsh.baseArguments + ["dumpxml", guest.name] + flags, scratch: daemon.scratch)
                        #expect(xml.stdout.contains("<rng model='virtio'>") && xml.stdout.contains("model='virtio-scsi'"), "\(xml)")
                    }

                    let remove = try await virtXML("--remove-device", "--disk", "target=vdb", "--update")
                    #expect(remove.succeeded, "\(remove)")
                    try await waitUntil("vdb to leave the guest", timeout: .seconds(30)) {
                        !(try await virsh.must("domblklist", guest.name)).contains("vdb")
                    }
                    #expect(!(try await virsh.must("domblklist", guest.name, "--inactive")).contains("vdb"))
                    try await virsh.must("destroy", guest.name)
                }
            }
        }
    }
}
