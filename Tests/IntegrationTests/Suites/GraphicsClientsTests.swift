import Foundation
import Testing

extension Integration {
    /// The graphical clients: virDomainOpenGraphicsFD as python3-libvirt sees it, compared with a private libvirtd
    /// 9.0, then Debian's virt-viewer and virt-manager on a virtual X server (python/graphics_clients_flow.sh),
    /// showing real guests' screens: by the VNC port of the live XML, and by a descriptor from the daemon for a
    /// guest whose VNC listens nowhere; and virt-manager's New VM wizard, driven over the accessibility bus,
    /// creates a guest.
    @Suite struct GraphicsClients {
        /// The demo guest with a screen (`video`) and `graphics`.
        static func guestXML(name: String, scratch: URL, graphics: String, video: String = "vga") throws -> String {
            try TestEnvironment.guestXML(name: name, serialLog: scratch.appendingPathComponent("\(name).log").path)
                .replacingOccurrences(
                    of: "</devices>", with: graphics + "<video><model type='\(video)'/></video></devices>")
        }

        /// The descriptor's far end is QEMU's VNC server, whether the daemon made it (OpenGraphicsFD) or took
        /// our socket (OpenGraphics, the descriptor sent with the call): it asks for the password unless
        /// SKIPAUTH; the errors (no such display, unknown flag, guest not running) are libvirtd's.
        @Test func openGraphicsFDMatchesLibvirtd() async throws {
            func transcript(_ at: CLIEndpoint) async throws -> [String] {
                let name = "ogfd-\(UUID().uuidString.prefix(6).lowercased())"
                at.track(name)
                let path = at.scratch.appendingPathComponent("\(name).xml").path
                try Self.guestXML(
                    name: name, scratch: at.scratch, graphics: "<graphics type='vnc' port='-1' passwd='sesame'/>"
                ).write(toFile: path, atomically: true, encoding: .utf8)
                try await at.virsh.must("define", path)
                try await at.virsh.must("start", name)
                var lines: [String] = []
                for phase in ["running", "inactive"] {
                    if phase == "inactive" { try await at.virsh.must("destroy", name) }
                    let r = try await run(
                        TestEnvironment.python, [TestEnvironment.pythonScript("open_graphics.py"), at.uri, name, phase],
                        scratch: at.scratch)
                    #expect(r.succeeded, "\(at.label): \(r)")
                    lines += r.stdout.split(separator: "\n").map(String.init)
                }
                return lines
            }
            let ours = try await DaemonHarness.with { try await transcript(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await transcript(CLIEndpoint($0)) }
            #expect(ours.first == "flags=0 banner=b'RFB 003.008\\n' security types=[2]", "\(ours)")
            #expect(ours.contains("own socket flags=0 banner=b'RFB 003.008\\n' security types=[2]"), "\(ours)")
            #expect(ours.count == 10 && ours == theirs, "swiftvirtd:\n\(ours)\nlibvirtd:\n\(theirs)")
        }

        @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/virt-manager")), .timeLimit(.minutes(5)))
        func virtViewerAndVirtManagerShowTheGuests() async throws {
            try await NetworkNamespace.with { ns in
                let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                    "svt-gfx-\(UUID().uuidString.prefix(6))")
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: scratch) }
                let portGuest = scratch.appendingPathComponent("port.xml").path
                let fdGuest = scratch.appendingPathComponent("fd.xml").path
                try Self.guestXML(name: "portguest", scratch: scratch, graphics: "<graphics type='vnc' port='-1'/>")
                    .write(toFile: portGuest, atomically: true, encoding: .utf8)
                try Self.guestXML(
                    name: "fdguest", scratch: scratch, graphics: "<graphics type='vnc'><listen type='none'/></graphics>"
                ).write(toFile: fdGuest, atomically: true, encoding: .utf8)
                let spiceGuest = scratch.appendingPathComponent("spice.xml").path
                try Self.guestXML(
                    name: "spiceguest", scratch: scratch, graphics: "<graphics type='spice' autoport='yes'/>",
                    video: "qxl"
                ).write(toFile: spiceGuest, atomically: true, encoding: .utf8)
                let python = URL(fileURLWithPath: TestEnvironment.pythonScript("xwd_pixels.py"))
                    .deletingLastPathComponent().path
                let r = try await run(
                    "/usr/sbin/ip",
                    ["netns", "exec", ns.name, "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh",
                     TestEnvironment.pythonScript("graphics_clients_flow.sh"), try TestEnvironment.daemonBinary(),
                     scratch.path, python, portGuest, fdGuest, spiceGuest], scratch: scratch, timeout: .seconds(300))
                let steps = LibvirtDBus.steps(r.stdout)
                #expect(r.succeeded && steps["end"] != nil, "\(r)\n\(readFile(scratch.appendingPathComponent("swiftvirtd.log").path))")
                // By name: virt-viewer read the address and port from the live XML and connected to it.
                let byName = steps["viewer-by-name"] ?? ""
                #expect(byName.contains("Guest graphics address is 127.0.0.1:59"), "\(byName)")
                // --attach and virt-manager's console: a descriptor, the only way to a display listening nowhere.
                let attach = steps["viewer-attach"] ?? ""
                #expect(attach.range(of: #"callback fd=[0-9]+"#, options: .regularExpression) != nil, "\(attach)")
                let console = steps["manager-console"] ?? ""
                #expect(console.contains("proto=vnc") && console.contains("gport=None"), "\(console)")
                // Each console window shows the guest's screen: the BIOS's text is there, in VGA grey.
                // The SPICE display too: virt-viewer opens one descriptor per SPICE channel.
                let spice = steps["spice-viewer-attach"] ?? ""
                #expect(spice.range(of: #"callback fd=[0-9]+"#, options: .regularExpression) != nil, "\(spice)")
                let spiceConsole = steps["spice-manager-console"] ?? ""
                #expect(spiceConsole.contains("proto=spice"), "\(spiceConsole)")
                for step in ["viewer-by-name", "viewer-attach", "manager-console", "spice-viewer-attach", "spice-manager-console"] {
                    #expect(Self.pixels(steps[step], "grey") > 500, "\(step): \(steps[step] ?? "-")")
                }
                // The manager window lists both running guests.
                let main = steps["manager-main"] ?? ""
                #expect(main.contains("domain=portguest status=Running added"), "\(main)")
                #expect(main.contains("domain=fdguest status=Running added"), "\(main)")
                #expect(Self.pixels(main, "lit") > 10000, "\(main)")
                // virt-manager's New VM wizard, clicked through over the accessibility bus, made and started a
                // guest from the image with the memory and CPUs chosen.
                let wizard = steps["manager-create"] ?? ""
                for line in [
                    "os: Generic Linux 2022", "finished", "state: running", "<memory unit='KiB'>262144</memory>",
                    // The running guest's disk, with the live source's index, as libvirt shows it.
                    "<vcpu placement='static'>1</vcpu>", "import.qcow2' index='1'/>",
                ] {
                    #expect(wizard.contains(line), "\(line) in:\n\(wizard)")
                }
                #expect(steps["domdisplay"]?.hasPrefix("vnc://127.0.0.1:") == true, "\(steps["domdisplay"] ?? "-")")
            }
        }

        /// A count from xwd_pixels.py's "grey=N lit=M" line in a step's output.
        static func pixels(_ output: String?, _ key: String) -> Int {
            guard let output, let range = output.range(of: "\(key)=[0-9]+", options: .regularExpression) else {
                return 0
            }
            return Int(output[range].dropFirst(key.count + 1)) ?? 0
        }
    }
}
