import Foundation
import Testing

extension Integration {
    /// Management behaviour beyond the basic lifecycle: autostart, reboot/reset with their events,
    /// redefinition while running, name/uuid rules, concurrent calls, the KVM verdict, our own CLI.
    @Suite struct Management {
        @Test func autostartedDomainBootsWithTheDaemon() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("autostart", guest.name)
                #expect(try await virsh.dominfo(guest.name)["Autostart"] == "enable")
                #expect(try await virsh.must("list", "--all", "--autostart", "--name").contains(guest.name))

                try await daemon.killDaemon()
                try await daemon.start()
                try await virsh.waitForState(guest.name, "running")
                try await guest.waitForBanner()
                #expect(daemon.qemuPids().count == 1)

                try await virsh.must("autostart", "--disable", guest.name)
                #expect(try await virsh.dominfo(guest.name)["Autostart"] == "disable")
                try await virsh.must("destroy", guest.name)
                try await daemon.killDaemon()
                try await daemon.start()
                #expect(try await virsh.state(guest.name) == "shut off")
                #expect(daemon.qemuPids().isEmpty)
            }
        }

        @Test func rebootAndResetRestartTheGuestAndReportReboot() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let pids = daemon.qemuPids()

                // One `virsh event` waits for the reboot event while the guest is reset.
                async let event = virsh("event", "--domain", guest.name, "--event", "reboot", "--timeout", "60")
                try await Task.sleep(for: .seconds(2))
                try await virsh.must("reset", guest.name)
                try await guest.waitForBanner(count: 2)
                let seen = try await event
                #expect(seen.stdout.contains("event 'reboot' for domain '\(guest.name)'"), "\(seen)")

                // ACPI reboot: the guest goes down and comes back in the same QEMU.
                try await virsh.must("reboot", guest.name)
                try await guest.waitForBanner(count: 3)
                #expect(try await virsh.state(guest.name) == "running")
                #expect(daemon.qemuPids() == pids, "reboot must not replace the QEMU process")
                try await virsh.must("destroy", guest.name)
            }
        }

        @Test func redefiningARunningDomainTakesEffectAtNextBoot() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                let inactive = try await virsh.must("dumpxml", "--inactive", guest.name)
                let changed = inactive.replacingOccurrences(
                    of: "<title>SwiftVirt demo guest</title>", with: "<title>second edition</title>")
                #expect(changed != inactive)
                let path = daemon.scratch.appendingPathComponent("changed.xml").path
                try changed.write(toFile: path, atomically: true, encoding: .utf8)
                try await virsh.must("define", path)

                #expect(!(try await virsh.must("dumpxml", guest.name)).contains("second edition"))
                #expect(try await virsh.must("dumpxml", "--inactive", guest.name).contains("second edition"))
                try await virsh.must("destroy", guest.name)
                #expect(try await virsh.must("dumpxml", guest.name).contains("second edition"))
            }
        }

        @Test func namesAndUUIDsBelongToOneDomain() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                let xml = try await virsh.must("dumpxml", "--inactive", guest.name)
                let uuid = try await virsh.must("domuuid", guest.name).trimmingCharacters(in: .whitespacesAndNewlines)

                // Same name, another uuid.
                let otherUUID = xml.replacingOccurrences(of: uuid, with: "11111111-2222-4333-8444-555555555555")
                let a = daemon.scratch.appendingPathComponent("a.xml").path
                try otherUUID.write(toFile: a, atomically: true, encoding: .utf8)
                let sameName = try await virsh("define", a)
                #expect(!sameName.succeeded)
                #expect(sameName.stderr.contains("domain '\(guest.name)' already exists with uuid \(uuid)"), "\(sameName)")

                // Same uuid, another name.
                let renamed = xml.replacingOccurrences(of: "<name>\(guest.name)</name>", with: "<name>impostor</name>")
                let b = daemon.scratch.appendingPathComponent("b.xml").path
                try renamed.write(toFile: b, atomically: true, encoding: .utf8)
                let sameUUID = try await virsh("define", b)
                #expect(!sameUUID.succeeded)
                #expect(sameUUID.stderr.contains("already defined with uuid \(uuid)"), "\(sameUUID)")
                #expect(!(try await virsh.must("list", "--all", "--name")).contains("impostor"))
            }
        }

        @Test func concurrentStartsAndDestroysOfOneDomainDoNotInterleave() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)

                let starts = try await withThrowingTaskGroup(of: CommandResult.self) { group in
                    for _ in 0..<3 { group.addTask { try await virsh("start", guest.name) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(starts.filter(\.succeeded).count == 1, "\(starts)")
                for failed in starts where !failed.succeeded {
                    #expect(failed.stderr.contains("already active") || failed.stderr.contains("already running"), "\(failed)")
                }
                #expect(daemon.qemuPids().count == 1)

                let destroys = try await withThrowingTaskGroup(of: CommandResult.self) { group in
                    for _ in 0..<3 { group.addTask { try await virsh("destroy", guest.name) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(destroys.filter(\.succeeded).count == 1, "\(destroys)")
                for failed in destroys where !failed.succeeded {
                    #expect(failed.stderr.contains("not running"), "\(failed)")
                }
                #expect(try await virsh.state(guest.name) == "shut off")
                try await waitUntil("QEMU to exit", timeout: .seconds(10)) { daemon.qemuPids().isEmpty }
            }
        }

        /// The accelerator verdict decides what is advertised and what `type='kvm'` gets.
        @Test func kvmIsAdvertisedOnlyWhenUsable() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let caps = try await virsh.must("capabilities")
                #expect(caps.contains("<domain type='qemu'"))
                let guest = try TestGuest(daemon)
                let kvmXML = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                    .replacingOccurrences(of: "<domain type='qemu'>", with: "<domain type='kvm'>")
                let path = daemon.scratch.appendingPathComponent("kvm.xml").path
                try kvmXML.write(toFile: path, atomically: true, encoding: .utf8)
                let defined = try await virsh("define", path)
                if caps.contains("<domain type='kvm'") {
                    #expect(defined.succeeded, "\(defined)")
                } else {
                    #expect(caps.contains("KVM accelerator probe:"))
                    #expect(!defined.succeeded)
                    #expect(defined.stderr.contains("KVM is"), "the error carries the probe's verdict: \(defined)")
                }
                let domcaps = try await virsh.must("domcapabilities")
                #expect(domcaps.contains("<domain>qemu</domain>"))
            }
        }

        /// Autoport VNC: the live XML reports the ports QEMU really listens on, and the server speaks RFB there.
        @Test func vncAutoportIsReportedAndServed() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8).replacingOccurrences(
                    of: "</devices>",
                    with: "<graphics type='vnc' autoport='yes' websocket='-1'/><video><model type='vga'/></video></devices>")
                try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("create", guest.xmlPath)
                let live = try await virsh.must("dumpxml", guest.name)
                let graphics = try #require(live.split(separator: "\n").first { $0.contains("<graphics") }, "\(live)")
                func attribute(_ name: String) -> Int? {
                    guard let range = graphics.range(of: "\(name)='") else { return nil }
                    return Int(graphics[range.upperBound...].prefix { $0.isNumber })
                }
                let port = try #require(attribute("port"), "\(graphics)")
                #expect(port >= 5900)
                #expect(attribute("websocket") == port - 200, "\(graphics)")
                let display = try await virsh.must("vncdisplay", guest.name).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(display.hasSuffix(":\(port - 5900)"), "\(display)")
                #expect(try readRFBGreeting(port: port).hasPrefix("RFB 003."))
                try await virsh.must("destroy", guest.name)
            }
        }

        @Test func swiftvirtCLIManagesAGuest() async throws {
            try await DaemonHarness.with { daemon in
                let cli = try TestEnvironment.cliBinary()
                let guest = try TestGuest(daemon)
                func sv(_ args: String...) async throws -> CommandResult {
                    try await run(cli, ["-c", daemon.socket] + args, scratch: daemon.scratch)
                }
                #expect(try await sv("define", guest.xmlPath).succeeded)
                #expect(try await sv("start", guest.name).succeeded)
                try await guest.waitForBanner()
                let list = try await sv("list")
                #expect(list.stdout.contains(guest.name) && list.stdout.contains("running"), "\(list)")
                #expect(try await sv("domstate", guest.name).stdout.contains("running"))
                #expect(try await sv("suspend", guest.name).succeeded)
                #expect(try await sv("domstate", guest.name).stdout.contains("paused"))
                #expect(try await sv("resume", guest.name).succeeded)
                #expect(try await sv("dumpxml", guest.name).stdout.contains("<domain type='qemu' id="))
                #expect(try await sv("destroy", guest.name).succeeded)
                #expect(try await sv("undefine", guest.name).succeeded)
                let missing = try await sv("start", guest.name)
                #expect(!missing.succeeded)
                #expect(missing.stderr.contains("error: Domain not found"), "\(missing)")
            }
        }
    }
}

/// The first bytes a VNC server sends on 127.0.0.1:port.
private func readRFBGreeting(port: Int) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw HarnessError("connect to VNC port \(port): errno \(errno)") }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 12)
    let n = read(fd, &buffer, buffer.count)
    guard n > 0 else { throw HarnessError("no RFB greeting on port \(port)") }
    return String(decoding: buffer.prefix(n), as: UTF8.self)
}
