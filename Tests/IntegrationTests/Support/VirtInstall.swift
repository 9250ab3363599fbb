import Foundation
import Testing

/// Debian's virt-install 4.1 run against a harness daemon, and what its tests share: the arguments of a guest booted
/// from the test kernel, the stored definition with per-install values taken out, the default network a private
/// libvirtd lacks, and the guest's serial shell.
enum VirtInstall {
    static let path = "/usr/bin/virt-install"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// A guest of `osinfo` with a 1 GiB disk in the default pool, a NIC on the default network and `graphics`,
    /// booted from the test kernel (`--import`, direct kernel boot) instead of an installer.
    static func importArguments(uri: String, name: String, osinfo: String, graphics: String) throws -> [String] {
        let image = try TestEnvironment.guestImage()
        return commonArguments(uri: uri, name: name, osinfo: osinfo, graphics: graphics) + [
            "--import", "--boot", "kernel=\(image.kernel),initrd=\(image.initrd),kernel_args=console=ttyS0",
        ]
    }

    /// The arguments every run here has; the install source is added by the caller. `generic` has no
    /// recommended memory in osinfo, so virt-install needs `--memory` for it.
    static func commonArguments(uri: String, name: String, osinfo: String, graphics: String) -> [String] {
        [
            "--connect", uri, "--name", name, "--virt-type", "qemu", "--osinfo", osinfo, "--disk", "size=1",
            "--network", "network=default", "--graphics", graphics, "--noautoconsole",
        ] + (osinfo == "generic" ? ["--memory", "1024"] : [])
    }

    static func install(_ arguments: [String], scratch: URL) async throws -> CommandResult {
        try await run(path, arguments, scratch: scratch, timeout: .seconds(180))
    }

    /// The stored definition with what is generated per install taken out: uuid, MAC address, disk file.
    static func comparable(_ xml: String) -> [String] {
        xml.split(separator: "\n").map(String.init).filter { !$0.contains("<uuid>") }.map { line in
            if line.contains("<mac address=") { return "<mac address=(generated)/>" }
            if line.contains("<source file=") && line.contains(".qcow2'") { return "<source file=(pool default)/>" }
            return line
        }
    }

    /// virt-install's warnings (what it found lacking in the connection's answers, e.g. a network without PXE).
    static func warnings(_ result: CommandResult) -> [String] {
        result.stderr.split(separator: "\n").filter { $0.hasPrefix("WARNING") }.map { "virt-install: " + $0 }
    }

    /// Records every line where the two definitions differ.
    static func expectSame(_ ours: [String], _ theirs: [String], _ what: String) {
        #expect(ours.count == theirs.count, "\(what): \(ours.count) lines vs libvirtd's \(theirs.count)")
        for (i, (a, b)) in zip(ours, theirs).enumerated() where a != b {
            Issue.record("\(what) line \(i + 1): swiftvirtd \(a) / libvirtd \(b)")
        }
    }

    /// Defines and starts libvirt's stock default network on a private libvirtd (swiftvirtd's harness has one).
    static func startDefaultNetwork(_ virsh: Virsh, scratch: URL) async throws {
        let network = scratch.appendingPathComponent("default.xml").path
        try """
        <network><name>default</name><forward mode='nat'/><bridge name='virbr0' stp='on' delay='0'/>
        <ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2'
        end='192.168.122.254'/></dhcp></ip></network>
        """.write(toFile: network, atomically: true, encoding: .utf8)
        try await virsh.must("net-define", network)
        try await virsh.must("net-start", "default")
    }

    /// Opens the guest's serial console and waits until its shell answers (`echo sum=$((40+2))` → sum=42); the
    /// console stays open for more commands. Close it with `closeConsole`.
    static func openShell(uri: String, name: String, scratch: URL, timeout: Duration = .seconds(120)) async throws
        -> ChildProcess
    {
        let console = try ChildProcess(
            TestEnvironment.python,
            [TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", uri, "console", name],
            scratch: scratch)
        try await console.waitForOutput("Escape character is", timeout: .seconds(20))
        try await waitUntil("the shell of \(name)", timeout: timeout) {
            console.write("echo sum=$((40+2))\r")
            try await Task.sleep(for: .seconds(1))
            return console.stdout.contains("sum=42")
        }
        return console
    }

    /// Leaves virsh console with its escape character; should virsh miss it, the console is killed after 10 s
    /// (it is only a reader: the guest is checked already).
    static func closeConsole(_ console: ChildProcess) async {
        console.write("\u{1d}")
        _ = try? await console.wait(timeout: .seconds(10))
    }
}
