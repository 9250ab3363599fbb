import Foundation
import Testing

extension Integration {
    /// The device events virt-manager registers for, from a real guest, compared with a private libvirtd 9.0
    /// (python/device_events.py): AGENT_LIFECYCLE at start (the agent's port not open yet) and when the guest
    /// opens it, TRAY_CHANGE as media are ejected and inserted, DEVICE_ADDED for a hot-plugged disk.
    @Suite struct DeviceEvents {
        @Test func deviceEventsMatchLibvirtd() async throws {
            func transcript(_ at: CLIEndpoint) async throws -> [String] {
                let name = "devev-\(UUID().uuidString.prefix(6).lowercased())"
                at.track(name)
                var files: [String] = []
                for file in ["a.iso", "b.iso", "extra.img"] {
                    let path = at.scratch.appendingPathComponent("\(name)-\(file)").path
                    try Data(count: 1 << 20).write(to: URL(fileURLWithPath: path))
                    files.append(path)
                }
                let devices =
                    "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='\(files[0])'/>"
                    + "<target dev='hdc' bus='ide'/><readonly/></disk>"
                    + "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices>"
                let xml = try TestEnvironment.guestXML(
                    name: name, serialLog: at.scratch.appendingPathComponent("\(name).log").path
                ).replacingOccurrences(of: "</devices>", with: devices)
                let path = at.scratch.appendingPathComponent("\(name).xml").path
                try xml.write(toFile: path, atomically: true, encoding: .utf8)
                try await at.virsh.must("define", path)
                let r = try await run(
                    TestEnvironment.python,
                    [TestEnvironment.pythonScript("device_events.py"), at.uri, name] + files, scratch: at.scratch,
                    timeout: .seconds(150))
                #expect(r.succeeded, "\(at.label): \(r)")
                // After the hot-plug the agent's port may open and close again as the agent and the daemon come
                // and go (timing, not behaviour): the transcript ends there.
                let lines = r.stdout.split(separator: "\n").map(String.init)
                return Array(lines.prefix { $0 != "added virtio-disk1" }) + (lines.contains("added virtio-disk1") ? ["added virtio-disk1"] : [])
            }
            let ours = try await DaemonHarness.with { try await transcript(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await transcript(CLIEndpoint($0)) }
            #expect(ours.first == "agent state=2 reason=1" && ours.last == "added virtio-disk1", "\(ours)")
            #expect(ours.filter { $0.hasPrefix("tray ") }.count == 4, "\(ours)")
            #expect(ours == theirs, "swiftvirtd:\n\(ours)\nlibvirtd:\n\(theirs)")
        }
    }
}
