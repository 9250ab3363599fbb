import Foundation
import Testing

extension Integration {
    /// Cockpit's machines page talks to libvirt through libvirt-dbus. Debian's libvirt-dbus, on a private bus
    /// standing in for the system bus, connects to qemu:///system, which is swiftvirtd serving libvirt's default
    /// socket (`--libvirt-socket`) in a private mount and network namespace (python/libvirt_dbus_flow.sh): it
    /// lists domains, networks and pools, and starts and stops a guest and a network over D-Bus.
    @Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/libvirt-dbus"))) struct LibvirtDBus {
        @Test func cockpitsBackendDrivesSwiftvirtd() async throws {
            try await NetworkNamespace.with { ns in
                let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                    "svt-dbus-\(UUID().uuidString.prefix(6))")
                try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: scratch) }
                let xml = try TestEnvironment.guestXML(
                    name: "dbusguest", serialLog: scratch.appendingPathComponent("serial.log").path)
                let guest = scratch.appendingPathComponent("guest.xml").path
                try xml.write(toFile: guest, atomically: true, encoding: .utf8)
                let r = try await run(
                    "/usr/sbin/ip",
                    ["netns", "exec", ns.name, "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh",
                     TestEnvironment.pythonScript("libvirt_dbus_flow.sh"), try TestEnvironment.daemonBinary(), scratch.path,
                     guest], scratch: scratch, timeout: .seconds(180))
                let steps = Self.steps(r.stdout)
                #expect(r.succeeded && steps["end"] != nil, "\(r)\n\(readFile(scratch.appendingPathComponent("swiftvirtd.log").path))")
                for list in ["domains", "networks", "pools"] {
                    #expect(steps[list]?.hasPrefix("ao 1 \"/org/libvirt/QEMU/") == true, "\(list): \(steps[list] ?? "-")")
                }
                #expect(steps["name"] == "s \"dbusguest\"")
                #expect(steps["active before"] == "b false")
                #expect(steps["create"] == "created" && steps["active after create"] == "b true")
                #expect(steps["virsh state"] == "running")
                #expect(steps["destroy"] == "destroyed" && steps["active after destroy"] == "b false")
                #expect(steps["network name"] == "s \"dbusnet\"" && steps["network active"] == "b true")
                #expect(steps["network destroy"] == "stopped")
            }
        }

        /// The script's "== step" headers and what followed each, trimmed.
        static func steps(_ output: String) -> [String: String] {
            var steps: [String: String] = [:]
            var current: String?
            for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("== ") {
                    current = String(line.dropFirst(3))
                    steps[current!] = ""
                } else if let c = current {
                    steps[c] = (steps[c]! + "\n" + line).trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            return steps
        }
    }
}
