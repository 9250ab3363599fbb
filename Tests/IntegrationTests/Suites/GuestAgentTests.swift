import Foundation
import Testing

extension Integration {
    /// The guest agent through Debian's virsh: one test guest running Debian's qemu-ga on its
    /// org.qemu.guest_agent.0 channel, with an ext4 disk mounted on /mnt and a user-mode NIC, answers domtime,
    /// domfsinfo, guestinfo, domhostname and domifaddr with the agent source, takes vCPUs offline and online
    /// inside the guest, freezes, thaws and trims, sets passwords, reboots and shuts down through the agent (with
    /// its response timeout); its start and its agent connecting are
    /// AGENT_LIFECYCLE events and `state='connected'` in the live XML; domblkinfo on it. The refusals (inactive,
    /// no agent channel, agent not connected), the channel's state and domblkinfo of the same disk images are
    /// compared with a private libvirtd 9.0.
    @Suite struct GuestAgent {
        static let agentChannel = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"

        /// An empty ext4 filesystem of 32 MiB in a raw image.
        static func ext4Image(_ path: String, scratch: URL) async throws {
            _ = try await run("/usr/bin/truncate", ["-s", "32M", path], scratch: scratch)
            let made = try await run("/usr/sbin/mkfs.ext4", ["-q", "-F", path], scratch: scratch)
            guard made.succeeded else { throw HarnessError("mkfs.ext4: \(made)") }
        }

        @Test func agentAnswersOnARunningGuest() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let disk = daemon.scratch.appendingPathComponent("\(guest.name)-data.img").path
                try await Self.ext4Image(disk, scratch: daemon.scratch)
                let devices = """
                    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\(disk)'/>\
                    <target dev='vda' bus='virtio'/></disk>\
                    <interface type='user'><mac address='52:54:00:5a:61:01'/><model type='virtio'/></interface>\
                    \(Self.agentChannel)
                    """
                try readFile(guest.xmlPath).replacingOccurrences(of: "</devices>", with: devices + "</devices>")
                    .replacingOccurrences(of: "console=ttyS0", with: "console=ttyS0 svmount=/dev/vda")
                    .replacingOccurrences(of: "<vcpu>1</vcpu>", with: "<vcpu>2</vcpu>")
                    .write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                // The agent's channel opening inside the guest: libvirt's AGENT_LIFECYCLE event.
                let events = try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "event", guest.name, "--event", "agent-lifecycle", "--loop", "--timeout", "120",
                    ],
                    scratch: daemon.scratch)
                defer { events.signal(SIGTERM) }
                try await Task.sleep(for: .milliseconds(500))
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let name = guest.name
                try await waitUntil("the guest agent to connect", timeout: .seconds(30)) {
                    try await virsh("domtime", guest.name).succeeded
                }

                #expect(
                    events.stdout.contains(
                        "event 'agent-lifecycle' for domain '\(name)': state: 'disconnected' reason: 'domain started'"),
                    "\(events.stdout)")
                try await waitUntil("the agent-lifecycle event", timeout: .seconds(30)) {
                    events.stdout.contains(
                        "event 'agent-lifecycle' for domain '\(name)': state: 'connected' reason: 'channel event'")
                }
                let target = try await virsh.must("dumpxml", name, "--xpath", "//channel/target")
                #expect(
                    target.contains(#"<target type="virtio" name="org.qemu.guest_agent.0" state="connected"/>"#),
                    "\(target)")

                // domtime: the guest's clock follows the host's RTC; set, then put back from the host, then from
                // the guest's RTC (which the agent wrote when setting).
                func guestTime() async throws -> Int {
                    let out = try await virsh.must("domtime", guest.name)
                    return Int(
                        out.replacingOccurrences(of: "Time:", with: "").trimmingCharacters(in: .whitespacesAndNewlines))
                        ?? 0
                }
                let now = Int(Date().timeIntervalSince1970)
                #expect(abs(try await guestTime() - now) < 120)
                try await virsh.must("domtime", guest.name, "--time", "1700000000")
                let set = try await guestTime()
                #expect(set >= 1_700_000_000 && set < 1_700_000_060, "\(set)")
                try await virsh.must("domtime", guest.name, "--now")
                #expect(abs(try await guestTime() - Int(Date().timeIntervalSince1970)) < 30)
                try await virsh.must("domtime", guest.name, "--sync")
                #expect(abs(try await guestTime() - Int(Date().timeIntervalSince1970)) < 30)
                let pretty = try await virsh.must("domtime", guest.name, "--pretty")
                #expect(pretty.contains("Time: 20"), "\(pretty)")

                // domfsinfo: the ext4 disk on /mnt, matched to the domain's target by its PCI address.
                let fsinfo = try await virsh.must("domfsinfo", guest.name)
                let mnt = fsinfo.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first == "/mnt" }
                #expect(mnt == ["/mnt", "vda", "ext4", "vda"], "\(fsinfo)")

                // guestinfo, type by type and all at once.
                func info(_ flags: String...) async throws -> [String: String] {
                    let out = try await virsh.must("guestinfo", guest.name, flags.first ?? "--os")
                    var fields: [String: String] = [:]
                    for line in out.split(separator: "\n") {
                        let parts = line.split(separator: ":", maxSplits: 1)
                        guard parts.count == 2 else { continue }
                        fields[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(
                            in: .whitespaces)
                    }
                    return fields
                }
                let os = try await info("--os")
                #expect(
                    os["os.id"] == "swiftvirt" && os["os.version-id"] == "1" && os["os.machine"] == "x86_64", "\(os)")
                #expect(os["os.kernel-release"]?.hasSuffix("-cloud-amd64") == true, "\(os)")
                #expect(try await info("--hostname") == ["hostname": "swiftvirt-guest"])
                #expect(try await info("--timezone") == ["timezone.name": "UTC", "timezone.offset": "0"])
                #expect(try await info("--user") == ["user.count": "0"])
                let fs = try await info("--filesystem")
                #expect(
                    fs["fs.count"] == "1" && fs["fs.0.mountpoint"] == "/mnt" && fs["fs.0.fstype"] == "ext4", "\(fs)")
                #expect(fs["fs.0.disk.0.alias"] == "vda" && fs["fs.0.disk.0.device"] == "/dev/vda", "\(fs)")
                #expect(Int(fs["fs.0.total-bytes"] ?? "") ?? 0 > 20_000_000, "\(fs)")
                // The guest's vCPUs: vCPU 0 stays, vCPU 1 goes offline and comes back inside the guest.
                func guestVCPUs() async throws -> String {
                    try await virsh.must("guestvcpus", name).split(separator: "\n")
                        .map {
                            $0.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }.joined(
                                separator: "=")
                        }
                        .joined(separator: " ")
                }
                func guestCount() async throws -> String {
                    try await virsh.must("vcpucount", name, "--guest").trimmingCharacters(in: .whitespacesAndNewlines)
                }
                #expect(try await guestVCPUs() == "vcpus=0-1 online=0-1 offlinable=1")
                try await virsh.must("guestvcpus", name, "--cpulist", "1", "--disable")
                #expect(try await guestVCPUs() == "vcpus=0-1 online=0 offlinable=1")
                #expect(try await guestCount() == "1")
                try await virsh.must("setvcpus", name, "2", "--guest")
                #expect(try await guestCount() == "2")
                try await virsh.must("setvcpus", name, "1", "--guest")
                #expect(try await guestVCPUs() == "vcpus=0-1 online=0 offlinable=1")
                try await virsh.must("guestvcpus", name, "--cpulist", "1", "--enable")
                #expect(try await guestCount() == "2")
                let cpu0 = try await virsh("guestvcpus", name, "--cpulist", "0", "--disable")
                #expect(cpu0.stderr.contains("Operation not supported: vCPU '0' is not offlinable"), "\(cpu0)")
                let absent = try await virsh("guestvcpus", name, "--cpulist", "5-6", "--enable")
                #expect(absent.stderr.contains("invalid argument: guest is missing vCPUs '5-6'"), "\(absent)")
                let tooMany = try await virsh("setvcpus", name, "3", "--guest")
                #expect(
                    tooMany.stderr.contains(
                        "requested vcpu count is greater than the count of enabled vcpus in the domain: 3 > 2"),
                    "\(tooMany)")
                let disks = try await info("--disk")
                #expect(disks["disk.0.name"] == "/dev/vda" && disks["disk.0.alias"] == "vda", "\(disks)")
                #expect(disks["disk.0.partition"] == "no", "\(disks)")
                let everything = try await virsh.must("guestinfo", guest.name)
                for key in ["user.count", "os.id", "timezone.name", "hostname", "fs.0.name", "disk.0.name", "if.count"]
                {
                    #expect(everything.contains(key), "\(key): \(everything)")
                }

                // The agent's hostname and addresses (the NIC's DHCP lease comes from QEMU's user network).
                #expect(
                    try await virsh.must("domhostname", guest.name, "--source", "agent").contains("swiftvirt-guest"))
                try await waitUntil("eth0's address through the agent", timeout: .seconds(60)) {
                    try await virsh.must("domifaddr", guest.name, "--source", "agent").contains("10.0.2.15/24")
                }
                let addresses = try await virsh.must("domifaddr", guest.name, "--source", "agent")
                let eth0 = addresses.split(separator: "\n").map { $0.split(separator: " ") }.first {
                    $0.first == "eth0"
                }
                #expect(eth0 == ["eth0", "52:54:00:5a:61:01", "ipv4", "10.0.2.15/24"], "\(addresses)")
                #expect(addresses.contains("127.0.0.1/8"), "\(addresses)")
                let interfaces = try await info("--interface")
                #expect(interfaces.values.contains("10.0.2.15"), "\(interfaces)")

                // Calls at the same time take turns on the one agent channel.
                try await withThrowingTaskGroup(of: CommandResult.self) { group in
                    for _ in 0..<4 { group.addTask { try await virsh("domhostname", name, "--source", "agent") } }
                    for try await result in group { #expect(result.stdout.contains("swiftvirt-guest"), "\(result)") }
                }

                // Freeze, thaw, trim.
                #expect(try await virsh.must("domfsfreeze", guest.name).contains("Froze 1 filesystem(s)"))
                #expect(try await virsh.must("domfsthaw", guest.name).contains("Thawed 1 filesystem(s)"))
                try await virsh.must("domfstrim", guest.name)
                let mountpoint = try await virsh("domfstrim", guest.name, "--mountpoint", "/mnt")
                #expect(mountpoint.stderr.contains("Specifying mount point is not supported for now"), "\(mountpoint)")
                // Passwords: the agent runs the guest's chpasswd; /etc/passwd read back through the agent's file calls.
                func rootPassword() async throws -> String {
                    func call(_ json: String) async throws -> Any? {
                        let out = try await virsh.must("qemu-agent-command", name, json)
                        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
                        return object?["return"]
                    }
                    let handle = try #require(
                        try await call(#"{"execute":"guest-file-open","arguments":{"path":"/etc/passwd"}}"#) as? Int)
                    let read = try await call(
                        #"{"execute":"guest-file-read","arguments":{"handle":\#(handle),"count":4096}}"#)
                    _ = try await call(#"{"execute":"guest-file-close","arguments":{"handle":\#(handle)}}"#)
                    let text = ((read as? [String: Any])?["buf-b64"] as? String).flatMap { Data(base64Encoded: $0) }
                    let root = String(decoding: text ?? Data(), as: UTF8.self).split(separator: "\n").first {
                        $0.hasPrefix("root:")
                    }
                    return root.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[1]) } ?? ""
                }
                try await virsh.must("set-user-password", guest.name, "root", "secret")
                #expect(try await rootPassword().hasPrefix("$6$"))
                let crypted =
                    "$6$saltsalt$Vr7Y1gHGeG9gK8jZ5cEAnDCsxlVzDZkB5JS/6P8hWnGTiXkW5zRhFYcwDVZ2IzoBd2bXT0ArKZ6nC2c4zmwqh."
                try await virsh.must("set-user-password", guest.name, "root", crypted, "--encrypted")
                #expect(try await rootPassword() == crypted)
                let nobody = try await virsh("set-user-password", guest.name, "nobody", "x")
                #expect(
                    nobody.stderr.contains("unable to execute QEMU agent command 'guest-set-user-password'"),
                    "\(nobody)")

                // domblkinfo of the running guest's disk: the guest has written its superblock (allocation is the
                // highest offset written), physical is what the sparse file takes on the host.
                let blk = try await virsh.must("domblkinfo", guest.name, "vda")
                #expect(blk.contains("Capacity:       33554432"), "\(blk)")
                let sizes = Dictionary(
                    blk.split(separator: "\n").compactMap { line -> (String, Int)? in
                        let parts = line.split(separator: ":")
                        return parts.count == 2
                            ? (String(parts[0]), Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? -1) : nil
                    }, uniquingKeysWith: { a, _ in a })
                #expect((sizes["Allocation"] ?? 0) > 0 && (sizes["Physical"] ?? 0) > 0, "\(blk)")
                #expect((sizes["Physical"] ?? .max) < 33_554_432, "\(blk)")
                let all = try await virsh.must("domblkinfo", guest.name, "--all", "--human")
                #expect(all.contains("vda") && all.contains("32.000 MiB"), "\(all)")
                let unknown = try await virsh("domblkinfo", guest.name, "vdz")
                #expect(
                    unknown.stderr.contains("invalid argument: invalid path vdz not assigned to domain"), "\(unknown)")

                // Paused: libvirt's refusal before the agent is asked.
                try await virsh.must("suspend", guest.name)
                let paused = try await virsh("domtime", guest.name)
                #expect(paused.stderr.contains("Requested operation is not valid: domain is not running"), "\(paused)")
                let pausedShutdown = try await virsh("shutdown", guest.name, "--mode", "agent")
                #expect(
                    pausedShutdown.stderr.contains("Requested operation is not valid: domain is not running"),
                    "\(pausedShutdown)")
                try await virsh.must("resume", guest.name)
                try await Self.powerRequestsAndTimeout(virsh, guest, daemon)
            }
        }

        /// Without a running guest, without an agent channel, and with the channel but no agent on it: the same
        /// errors as libvirtd; and domblkinfo of the same disk images, inactive and running.
        @Test func refusalsAndBlockInfoMatchLibvirtd() async throws {
            try await LiveChanges.sameOnBothDaemons { at in
                let name = "agent-\(UUID().uuidString.prefix(6).lowercased())"
                let raw = at.scratch.appendingPathComponent("\(name)-raw.img").path
                let qcow2 = at.scratch.appendingPathComponent("\(name).qcow2").path
                try await Self.ext4Image(raw, scratch: at.scratch)
                let made = try await run(
                    "/usr/bin/qemu-img", ["create", "-q", "-f", "qcow2", qcow2, "64M"], scratch: at.scratch)
                guard made.succeeded else { throw HarnessError("qemu-img: \(made)") }
                let disks = """
                    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\(raw)'/>\
                    <target dev='vda' bus='virtio'/></disk>\
                    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\(qcow2)'/>\
                    <target dev='vdb' bus='virtio'/></disk>\
                    <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>
                    """
                let agentCommands = [
                    ["domtime", name], ["domtime", name, "--now"], ["domfsinfo", name], ["guestinfo", name],
                    ["guestinfo", name, "--os"], ["domhostname", name, "--source", "agent"], ["domhostname", name],
                    ["domhostname", name, "--source", "lease"], ["guestinfo", name, "--os", "--disk"],
                    ["domifaddr", name, "--source", "agent"], ["domfsfreeze", name], ["domfsthaw", name],
                    ["domfsthaw", name, "--mountpoint", "/"], ["domfstrim", name],
                    ["set-user-password", name, "root", "pw"], ["guestvcpus", name],
                    ["shutdown", name, "--mode", "agent"], ["reboot", name, "--mode", "agent"],
                    ["guest-agent-timeout", name, "--timeout", "-3"], ["guest-agent-timeout", name, "--timeout", "7"],
                    ["dumpxml", name, "--xpath", "//channel/target"],
                ]
                let blockCommands = [
                    ["domblkinfo", name, "vda"], ["domblkinfo", name, "vdb"], ["domblkinfo", name, raw],
                    ["domblkinfo", name, "vdb", "--human"], ["domblkinfo", name, "--all"], ["domblkinfo", name, "hdc"],
                    ["domblkinfo", name, "vdz"],
                ]
                var lines = try await LiveChanges.transcript(
                    at, name, LiveChanges.definition(name, extra: disks), start: false, agentCommands + blockCommands)
                lines += try await LiveChanges.transcript(
                    at, name, LiveChanges.definition(name, extra: disks), start: true, agentCommands + blockCommands)
                lines += try await LiveChanges.transcript(
                    at, name, LiveChanges.definition(name, extra: Self.agentChannel), start: true, agentCommands)
                return lines.map { $0.replacingOccurrences(of: at.scratch.path, with: "SCRATCH") }
            }
        }
    }
}
