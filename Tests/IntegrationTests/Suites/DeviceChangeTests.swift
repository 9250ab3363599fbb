import Foundation
import Testing

extension Integration {
    /// attach-device, detach-device, update-device (and virsh's attach-disk, detach-disk, change-media) through
    /// Debian's virsh. Persistent changes: the same commands on swiftvirtd and a private libvirtd 9.0 give the
    /// same output, the same errors and the same definitions. Live changes: a booted guest gets a virtio disk
    /// (QEMU's block layer and the guest's PCI bus see it), loses it again with libvirt's DEVICE_REMOVED
    /// event, and has its CD-ROM medium inserted, swapped and ejected.
    @Suite struct DeviceChanges {
        static let domain = """
            <domain type='qemu'>
              <name>devchg</name>
              <uuid>4c1f9a52-77d0-4d0e-9a3b-1f2e3d4c5b6a</uuid>
              <memory unit='KiB'>65536</memory>
              <vcpu>1</vcpu>
              <os><type arch='x86_64' machine='pc'>hvm</type></os>
              <devices>
                <emulator>/usr/bin/qemu-system-x86_64</emulator>
                <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>
              </devices>
            </domain>
            """

        @Test func persistentChangesAsLibvirtd() async throws {
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                try await LibvirtdHarness.with { lvd in
                    let dir = daemon.scratch
                    func file(_ name: String, _ text: String) throws -> String {
                        let path = dir.appendingPathComponent(name).path
                        try text.write(toFile: path, atomically: true, encoding: .utf8)
                        return path
                    }
                    let xml = try file("devchg.xml", Self.domain)
                    let image = dir.appendingPathComponent("data.img").path
                    FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20))
                    let nic = try file(
                        "nic.xml", "<interface type='user'><mac address='52:54:00:aa:bb:cc'/><model type='virtio'/></interface>")
                    let video = try file("video.xml", "<video><model type='virtio'/></video>")
                    let unknown = try file("foo.xml", "<foo/>")
                    let scsi = try file("scsi.xml", "<controller type='scsi' index='0' model='virtio-scsi'/>")
                    let cdrom = try file(
                        "cd.xml",
                        "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='\(image)'/><target dev='hdc' bus='ide'/><readonly/></disk>")
                    let rng = try file("rng.xml", "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>")
                    let steps: [[String]] = [
                        ["define", xml],
                        ["attach-disk", "devchg", image, "vdb", "--config"],
                        ["attach-disk", "devchg", image, "vdb", "--config"],
                        ["attach-disk", "devchg", image, "sdb", "--targetbus", "usb", "--config"],
                        ["attach-device", "devchg", nic, "--config"],
                        ["attach-device", "devchg", scsi, "--config"],
                        ["attach-device", "devchg", scsi, "--config"],
                        ["attach-device", "devchg", rng, "--config"],
                        ["dumpxml", "devchg", "--inactive"],
                        ["update-device", "devchg", cdrom, "--config"],
                        ["domblklist", "devchg", "--inactive", "--details"],
                        ["detach-device", "devchg", nic, "--config"],
                        ["detach-device", "devchg", nic, "--config"],
                        ["detach-device", "devchg", rng, "--config"],
                        ["detach-device", "devchg", rng, "--config"],
                        ["attach-device", "devchg", video, "--config"],
                        ["update-device", "devchg", video, "--config"],
                        ["attach-device", "devchg", unknown, "--config"],
                        ["attach-device", "devchg", nic, "--live"],
                        ["attach-device", "devchg", nic],
                        ["blockresize", "devchg", "vdb", "64M"],
                        ["detach-disk", "devchg", "vdb", "--config"],
                        ["detach-disk", "devchg", "vdz", "--config"],
                        ["change-media", "devchg", "hdc", "--eject", "--config"],
                        ["dumpxml", "devchg", "--inactive"],
                        ["undefine", "devchg"],
                    ]
                    let sides = [Virsh(daemon), Virsh(uri: lvd.uri, scratch: lvd.scratch)]
                    for step in steps {
                        var outputs: [String] = []
                        for side in sides {
                            let r = try await run(TestEnvironment.virsh, side.baseArguments + step, scratch: side.scratch)
                            outputs.append("rc=\(r.succeeded ? 0 : 1)\n\(r.stdout)\(r.stderr)")
                        }
                        #expect(
                            outputs[0] == outputs[1],
                            "\(step.joined(separator: " "))\n--- swiftvirtd ---\n\(outputs[0])\n--- libvirtd ---\n\(outputs[1])")
                    }
                }
            }
        }

        /// Block devices QEMU has, as `info block` shows them.
        static func qemuBlocks(_ virsh: Virsh, _ name: String) async throws -> String {
            try await virsh.must("qemu-monitor-command", name, "--hmp", "info block")
        }

        @Test func liveChangesReachTheGuest() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    try await Self.liveChanges(daemon, netns: ns.name)
                }
            }
        }

        static func liveChanges(_ daemon: DaemonHarness, netns: String) async throws {
            let virsh = Virsh(daemon)
            let guest = try TestGuest(daemon)
            // The demo guest with an empty IDE CD-ROM drive.
            var xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
            xml = xml.replacingOccurrences(
                of: "</devices>",
                with: "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk></devices>")
            try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            try await virsh.must("define", guest.xmlPath)
            try await virsh.must("start", guest.name)
            try await guest.waitForBanner()
            let data = daemon.scratch.appendingPathComponent("hot.qcow2").path
            let r = try await run("/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", data, "32M"], scratch: daemon.scratch)
            #expect(r.succeeded, "\(r)")
            let iso = daemon.scratch.appendingPathComponent("cd.iso").path
            let iso2 = daemon.scratch.appendingPathComponent("cd2.iso").path
            for path in [iso, iso2] { FileManager.default.createFile(atPath: path, contents: Data(count: 1 << 20)) }

            // Hotplug: the block layer has it, the guest enumerates a new virtio-blk PCI function.
            let pciBefore = readFile(guest.serialLog).components(separatedBy: "[1af4:1001]").count
            try await virsh.must("attach-disk", guest.name, data, "vdb", "--subdriver", "qcow2", "--targetbus", "virtio")
            #expect(try await virsh.must("domblklist", guest.name).contains("vdb      \(data)"))
            #expect(try await Self.qemuBlocks(virsh, guest.name).contains("\(data) (qcow2)"))
            let live = try await virsh.must("dumpxml", guest.name)
            #expect(live.contains("<alias name='virtio-disk1'/>"), "\(live)")
            try await waitUntil("the guest to see the new disk", timeout: .seconds(30)) {
                readFile(guest.serialLog).components(separatedBy: "[1af4:1001]").count > pciBefore
            }
            // blockresize grows the image under the running guest (qcow2: to a multiple of 512).
            try await virsh.must("blockresize", guest.name, "vdb", "64M")
            let blocks = try await virsh.must("domstats", guest.name, "--block")
            #expect(blocks.contains("block.1.name=vdb") && blocks.contains("block.1.capacity=67108864"), "\(blocks)")
            let img = try await run("/usr/bin/qemu-img", ["info", "-U", data], scratch: daemon.scratch)
            #expect(img.stdout.contains("virtual size: 64 MiB"), "\(img)")
            let missing = try await virsh("blockresize", guest.name, "vdz", "64M")
            #expect(missing.stderr.contains("disk 'vdz' was not found in the domain config"), "\(missing)")
            // Not in the persistent definition: it was a live change only.
            #expect(!(try await virsh.must("domblklist", guest.name, "--inactive")).contains("vdb"))

            // Unplug: the guest lets go, libvirt's DEVICE_REMOVED event names the device.
            let events = try ChildProcess(
                TestEnvironment.virsh,
                virsh.baseArguments + ["event", guest.name, "--event", "device-removed", "--loop", "--timeout", "30"],
                scratch: daemon.scratch)
            try await Task.sleep(for: .milliseconds(500))
            try await virsh.must("detach-disk", guest.name, "vdb", "--live")
            try await waitUntil("the disk to leave the live definition", timeout: .seconds(30)) {
                !(try await virsh.must("domblklist", guest.name)).contains("vdb")
            }
            try await events.waitForOutput(
                "event 'device-removed' for domain '\(guest.name)': virtio-disk1", timeout: .seconds(30))
            events.signal(SIGTERM)
            #expect(!(try await Self.qemuBlocks(virsh, guest.name)).contains(data))

            // CD-ROM media: insert, swap, eject; QEMU's drive follows each time.
            try await virsh.must("change-media", guest.name, "hdc", iso, "--insert")
            #expect(try await Self.qemuBlocks(virsh, guest.name).contains("\(iso) (raw, read-only)"))
            try await virsh.must("change-media", guest.name, "hdc", iso2, "--update")
            let swapped = try await Self.qemuBlocks(virsh, guest.name)
            #expect(swapped.contains("\(iso2) (raw, read-only)") && !swapped.contains("\(iso) "), "\(swapped)")
            #expect(try await virsh.must("domblklist", guest.name).contains("hdc      \(iso2)"))
            try await virsh.must("change-media", guest.name, "hdc", "--eject")
            #expect(try await Self.qemuBlocks(virsh, guest.name).contains("ide0-1-0: [not inserted]"))

            // Refusals as libvirt words them.
            let cdrom = try await virsh("detach-disk", guest.name, "hdc", "--live")
            #expect(cdrom.stderr.contains("disk device type 'cdrom' cannot be detached"), "\(cdrom)")
            let sound = daemon.scratch.appendingPathComponent("sound.xml").path
            try "<sound model='ich6'/>".write(toFile: sound, atomically: true, encoding: .utf8)
            let attachSound = try await virsh("attach-device", guest.name, sound, "--live")
            #expect(attachSound.stderr.contains("live attach of device 'sound' is not supported"), "\(attachSound)")

            // A NIC on a network: its tap joins the bridge, QEMU gets the backend and the device, the guest
            // enumerates a virtio-net function; detached, the tap and the backend go.
            let net = daemon.scratch.appendingPathComponent("net.xml").path
            try "<network><name>hotnet</name><bridge name='hotbr0'/></network>".write(toFile: net, atomically: true, encoding: .utf8)
            try await virsh.must("net-create", net)
            let netBefore = readFile(guest.serialLog).components(separatedBy: "[1af4:1000]").count
            try await virsh.must("attach-interface", guest.name, "network", "hotnet", "--model", "virtio", "--mac", "52:54:00:12:34:56")
            let ifaces = try await virsh.must("domiflist", guest.name)
            #expect(ifaces.contains("vnet0       network   hotnet   virtio   52:54:00:12:34:56"), "\(ifaces)")
            let ports = try await run("/usr/sbin/ip", ["-n", netns, "-br", "link", "show", "master", "hotbr0"], scratch: daemon.scratch)
            #expect(ports.stdout.contains("vnet0"), "\(ports)")
            #expect(try await virsh.must("qemu-monitor-command", guest.name, "--hmp", "info network").contains("hostnet0: index=0,type=tap,ifname=vnet0"))
            try await waitUntil("the guest to see the new NIC", timeout: .seconds(30)) {
                readFile(guest.serialLog).components(separatedBy: "[1af4:1000]").count > netBefore
            }
            try await virsh.must("detach-interface", guest.name, "network", "--mac", "52:54:00:12:34:56")
            try await waitUntil("the NIC to leave the live definition", timeout: .seconds(30)) {
                !(try await virsh.must("domiflist", guest.name)).contains("hotnet")
            }
            #expect(!(try await virsh.must("qemu-monitor-command", guest.name, "--hmp", "info network")).contains("hostnet0"))
            let gone = try await run("/usr/sbin/ip", ["-n", netns, "link", "show", "vnet0"], scratch: daemon.scratch)
            #expect(!gone.succeeded, "the tap should be gone: \(gone)")

            // --persistent: the guest and its definition both get the disk, and the guest keeps running.
            try await virsh.must("attach-disk", guest.name, data, "vdc", "--subdriver", "qcow2", "--persistent")
            #expect(try await virsh.must("domblklist", guest.name).contains("vdc"))
            #expect(try await virsh.must("domblklist", guest.name, "--inactive").contains("vdc"))
            #expect(try await virsh.state(guest.name) == "running")

            // What was plugged in is remembered once acknowledged: a daemon killed at once comes back knowing
            // the devices by the names QEMU has for them, and can unplug them.
            try await virsh.must("attach-interface", guest.name, "network", "hotnet", "--model", "virtio", "--mac", "52:54:00:12:34:57")
            let rng = daemon.scratch.appendingPathComponent("rng.xml").path
            try "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>".write(
                toFile: rng, atomically: true, encoding: .utf8)
            try await virsh.must("attach-device", guest.name, rng, "--live")
            try await daemon.killDaemon()
            try await daemon.start()
            let after = try await virsh.must("dumpxml", guest.name)
            #expect(after.contains("<alias name='virtio-disk2'/>") && after.contains("52:54:00:12:34:57"), "\(after)")
            #expect(after.contains("<alias name='rng0'/>"), "\(after)")
            try await virsh.must("detach-interface", guest.name, "network", "--mac", "52:54:00:12:34:57")
            try await virsh.must("detach-disk", guest.name, "vdc", "--live")
            try await virsh.must("detach-device", guest.name, rng, "--live")
            try await waitUntil("the three devices to leave the guest", timeout: .seconds(30)) {
                let xml = try await virsh.must("dumpxml", guest.name)
                return !xml.contains("52:54:00:12:34:57") && !xml.contains("<target dev='vdc'") && !xml.contains("<rng")
            }
            let objects = try await virsh.must("qemu-monitor-command", guest.name, Self.qomObjects)
            #expect(!objects.contains("objrng0"), "the RNG's backend should be gone: \(objects)")
            try await virsh.must("destroy", guest.name)
        }
    }
}
