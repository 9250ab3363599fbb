import Foundation
import Testing

extension Integration {
    /// Live attach and detach of character devices: a virtio channel on a unix socket that names no path (the
    /// daemon's socket for it), a SPICE agent channel, a virtio console on a pty, a PCI serial port; libvirt's
    /// refusals (a serial console, the same channel twice, a detach that names no existing device, an ISA serial
    /// port QEMU cannot plug), and libvirt's refusals of a vsock (no /dev/vhost-vsock here), a virtiofs share
    /// (no shared memory), a 9p share, and their detach, and of USB and PCI host devices (no USB bus, no VFIO);
    /// an ivshmem-plain `<shmem>` plugged in and out (the
    /// legacy model refused). The same virsh commands on the same booted guest on swiftvirtd and on a private
    /// libvirtd 9.0 give the same exit status, output, errors, live XML and DEVICE_ADDED / DEVICE_REMOVED events;
    /// on swiftvirtd QEMU has each plugged device and its chardev or memory backend, drops both again, and the
    /// guest's kernel enumerates the shared memory device.
    @Suite struct LiveCharDevices {
        static let files: [String: String] = [
            "chan": "<channel type='unix'><target type='virtio' name='org.swiftvirt.test.0'/></channel>",
            "vdagent": "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>",
            "vcon": "<console type='pty'><target type='virtio'/></console>",
            "scon": "<console type='pty'><target type='serial'/></console>",
            "pciserial": "<serial type='pty'><target type='pci-serial'/></serial>",
            "isaserial": "<serial type='pty'><target type='isa-serial' port='1'/></serial>",
            // Devices this host cannot give a guest, refused as libvirt refuses them live.
            "vsock": "<vsock model='virtio'><cid auto='yes'/></vsock>",
            "virtiofs": """
                <filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>\
                <source dir='/tmp'/><target dir='share'/></filesystem>
                """,
            "shmem": "<shmem name='svtshm-live'><model type='ivshmem-plain'/><size unit='M'>4</size></shmem>",
            "ivshmem": "<shmem name='svtshm-old'><model type='ivshmem'/><size unit='M'>4</size></shmem>",
            "fs9p": "<filesystem type='mount' accessmode='mapped'><source dir='/tmp'/><target dir='share9'/></filesystem>",
            // Host devices: this machine has no USB bus and no VFIO.
            "usbhost": """
                <hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x1234'/><product id='0xbeef'/>                </source></hostdev>
                """,
            "pcihost": """
                <hostdev mode='subsystem' type='pci' managed='yes'><source>                <address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/></source></hostdev>
                """,
        ]

        static let charXPath = "//devices/*[self::serial or self::console or self::channel or self::shmem]"

        enum Step {
            /// attach-device or detach-device --live of one of `files`.
            case attach(String), detach(String)
            /// detach-device --live of the live XML of the device this XPath picks (its pty or socket path named).
            case detachLive(String)
            /// The live XML of the character devices.
            case xml
            /// swiftvirtd only: QEMU has a device and a chardev for each alias of the live character devices.
            case inQEMU
            /// swiftvirtd only, after a step that succeeded: the guest's kernel enumerated this PCI vendor:device.
            case sees(String)
            /// The live character devices lost this text (the guest let go).
            case gone(String)
        }

        static let steps: [Step] = [
            .attach("chan"), .attach("chan"), .attach("vdagent"), .attach("vcon"), .attach("scon"), .attach("pciserial"),
            .attach("isaserial"), .xml, .inQEMU,
            // libvirt compares sources: the unix channel that named no path, and the pty, are found only by theirs.
            .detach("chan"), .detach("vcon"), .detachLive("//devices/channel[target/@name='org.swiftvirt.test.0']"),
            .gone("org.swiftvirt.test.0"), .detachLive("//devices/console[target/@type='virtio']"),
            .gone("console1"), .detach("vdagent"), .gone("com.redhat.spice.0"),
            .detachLive("//devices/serial[target/@type='pci-serial']"), .gone("pci-serial"), .xml, .inQEMU,
            .detach("chan"),
            .attach("vsock"), .detach("vsock"), .attach("virtiofs"), .attach("fs9p"), .detach("virtiofs"),
            .attach("usbhost"), .attach("pcihost"),
            // Shared memory: ivshmem-plain on /dev/shm (the guest enumerates it), not the legacy model.
            .attach("shmem"), .sees("1af4:1110"), .attach("ivshmem"), .xml, .inQEMU, .detach("shmem"), .gone("svtshm-live"), .detach("shmem"),
        ]

        @Test func liveCharDevicesAsLibvirtd() async throws {
            let ours = try await DaemonHarness.with(arguments: ["--no-default-network"]) {
                try await Self.scenario(CLIEndpoint($0))
            }
            let theirs = try await LibvirtdHarness.with { try await Self.scenario(CLIEndpoint($0)) }
            for command in ["chan.xml --live", "vdagent.xml --live", "vcon.xml --live", "pciserial.xml --live"] {
                #expect(ours.contains { $0.hasPrefix("attach-device NAME SCRATCH/\(command) rc=0") }, "\(command)")
            }
            #expect(ours.filter { $0.hasPrefix("detach-device NAME SCRATCH/live") && $0.contains(" rc=0") }.count == 3)
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(a == b, "\n--- swiftvirtd ---\n\(a)\n--- libvirtd ---\n\(b)") }
        }

        /// The scenario on one daemon: its transcript (names, paths and ptys normalised), the device events last.
        static func scenario(_ at: CLIEndpoint) async throws -> [String] {
            let guest = try at.makeGuest()
            let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
            try xml.replacingOccurrences(
                of: "</devices>",
                with: "<controller type='virtio-serial' index='0'/><graphics type='spice' autoport='yes'/></devices>"
            ).write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            let name = guest.name
            var paths: [String: String] = [:]
            for (key, text) in files { paths[key] = try writeScratchFile(at.scratch, "\(key).xml", text) }
            let events = try await at.bootWatchingEvents(guest)
            let ours = at.label == "swiftvirtd"
            func normal(_ text: String) -> String {
                text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
                    .replacing(/\/dev\/pts\/[0-9]+/, with: "/dev/pts/N")
                    .replacing(/path=["'][^"']*\/org\.swiftvirt\.test\.0["']/, with: "path=\"CHANNELS/org.swiftvirt.test.0\"")
            }
            var lines: [String] = []
            func virsh(_ arguments: String...) async throws {
                let r = try await run(TestEnvironment.virsh, at.virsh.baseArguments + arguments, scratch: at.scratch)
                lines.append(normal("\(arguments.joined(separator: " ")) rc=\(r.status)\n\(r.stdout)\(r.stderr)"))
            }
            var detached = 0
            for step in steps {
                switch step {
                case .attach(let key): try await virsh("attach-device", name, paths[key]!, "--live")
                case .detach(let key): try await virsh("detach-device", name, paths[key]!, "--live")
                case .detachLive(let xpath):
                    detached += 1
                    let live = try await at.virsh.must("dumpxml", name, "--xpath", xpath)
                    let file = try writeScratchFile(at.scratch, "live\(detached).xml", live)
                    try await virsh("detach-device", name, file, "--live")
                case .xml: try await virsh("dumpxml", name, "--xpath", charXPath)
                case .sees(let id):
                    guard ours, lines.last?.contains(" rc=0\n") == true else { continue }
                    try await waitUntil("the guest to enumerate \(id)", timeout: .seconds(30)) {
                        readFile(guest.serialLog).contains("[\(id)]")
                    }
                case .gone(let text):
                    try await waitUntil("\(text) to leave the live definition of \(name)", timeout: .seconds(30)) {
                        !(try await at.virsh.must("dumpxml", name, "--xpath", charXPath)).contains(text)
                    }
                case .inQEMU:
                    guard ours else { continue }
                    let qtree = try await at.virsh.must("qemu-monitor-command", name, "--hmp", "info qtree")
                    let chardevs = try await at.virsh.must("qemu-monitor-command", name, #"{"execute":"query-chardev"}"#)
                    let live = try await at.virsh.must("dumpxml", name, "--xpath", charXPath)
                    let ids = live.split(separator: "<alias name=\"").dropFirst()
                        .compactMap { $0.split(separator: "\"").first.map(String.init) }
                    #expect(!ids.isEmpty)
                    let objects = try await at.virsh.must("qemu-monitor-command", name, Integration.DeviceChanges.qomObjects)
                    for id in ids {
                        #expect(qtree.contains("id \"\(id)\""), "QEMU should have \(id)")
                        if id.hasPrefix("shmem") {
                            #expect(objects.contains("shmmem-\(id)"), "QEMU should have shmmem-\(id): \(objects)")
                        } else {
                            #expect(chardevs.contains("\"char\(id)\""), "QEMU should have char\(id): \(chardevs)")
                        }
                    }
                    #expect(objects.contains("shmmem-shmem0") == ids.contains("shmem0"), "\(objects)")
                    for id in ["channel0", "channel1", "console1", "serial1"] where !ids.contains(id) {
                        #expect(!qtree.contains("id \"\(id)\""), "QEMU should not have \(id)")
                        #expect(!chardevs.contains("\"char\(id)\""), "QEMU should not have char\(id)")
                    }
                }
            }
            try? FileManager.default.removeItem(atPath: "/dev/shm/svtshm-live")
            return lines + (try await at.finishWatchingEvents(events, guest: name, normal: normal))
        }
    }
}
