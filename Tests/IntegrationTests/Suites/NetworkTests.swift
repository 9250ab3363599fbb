import Foundation
import Testing

extension Integration {
    /// Virtual networks with the real parts (Linux bridge, dnsmasq, nftables, tap devices, a booted guest running
    /// udhcpc), each test inside its own network namespace with the daemon under test started in it.
    @Suite struct Networks {
        static let labXML = """
            <network>
              <name>lab</name>
              <forward mode='nat'/>
              <bridge name='svlab0'/>
              <domain name='lab.test'/>
              <dns><host ip='10.77.0.50'><hostname>db</hostname></host></dns>
              <ip address='10.77.0.1' prefix='24'>
                <dhcp><range start='10.77.0.100' end='10.77.0.200'/></dhcp>
              </ip>
            </network>
            """

        /// The test guest with one virtio NIC on `network` and extra kernel options for its init.
        static func guest(
            _ daemon: DaemonHarness, name: String, network: String, mac: String, cmdline: String
        ) throws -> TestGuest {
            let guest = try TestGuest(daemon, name: name)
            let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                .replacingOccurrences(
                    of: "<cmdline>console=ttyS0</cmdline>", with: "<cmdline>console=ttyS0 \(cmdline)</cmdline>"
                )
                .replacingOccurrences(
                    of: "</devices>",
                    with: """
                        <interface type='network'><source network='\(network)'/><mac address='\(mac)'/>\
                        <model type='virtio'/></interface></devices>
                        """)
            try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            return guest
        }

        static func waitForLine(_ guest: TestGuest, containing text: String, timeout: Duration = .seconds(120))
            async throws -> String
        {
            do {
                try await waitUntil("'\(text)' on \(guest.name)'s serial console", timeout: timeout) {
                    readFile(guest.serialLog).contains(text)
                }
            } catch {
                throw HarnessError("\(error); serial log tail:\n\(readFile(guest.serialLog).suffix(1500))")
            }
            let log = readFile(guest.serialLog)
            return log.split(whereSeparator: \.isNewline).last { $0.contains(text) }.map(String.init) ?? ""
        }

        @Test func natNetworkServesDHCPAndDNSToGuestsThatReachEachOther() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    let xmlPath = daemon.scratch.appendingPathComponent("lab.xml").path
                    try Self.labXML.write(toFile: xmlPath, atomically: true, encoding: .utf8)
                    try await virsh.must("net-define", xmlPath)
                    try await virsh.must("net-start", "lab")
                    let info = try await virsh.must("net-info", "lab")
                    #expect(info.contains("Active:         yes") && info.contains("Bridge:         svlab0"))
                    #expect(try await ns.interfaceExists("svlab0"))
                    #expect(try await ns.nftTables().contains("swiftvirt_svlab0"))
                    #expect(try await ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout.hasPrefix("1"))
                    #expect(try await virsh.must("net-list").contains("lab"))

                    // A fixed address for the second guest, added to the running network and its config.
                    try await virsh.must(
                        "net-update", "lab", "add", "ip-dhcp-host",
                        "<host mac='52:54:00:77:00:02' name='fixed' ip='10.77.0.10'/>", "--live", "--config")
                    #expect(
                        try await virsh.must("net-dumpxml", "lab", "--inactive").contains(
                            "<host mac='52:54:00:77:00:02' name='fixed' ip='10.77.0.10'/>"))

                    let g1 = try Self.guest(
                        daemon, name: "netg1-\(UUID().uuidString.prefix(4))", network: "lab", mac: "52:54:00:77:00:01",
                        cmdline: "svresolve=db svping=10.77.0.10")
                    let g2 = try Self.guest(
                        daemon, name: "netg2-\(UUID().uuidString.prefix(4))", network: "lab", mac: "52:54:00:77:00:02",
                        cmdline: "")
                    try await virsh.must("create", g2.xmlPath)
                    try await virsh.must("create", g1.xmlPath)

                    let line1 = try await Self.waitForLine(g1, containing: "eth0 address")
                    let addr1 = try #require(line1.split(separator: " ").drop { $0 != "address" }.dropFirst().first)
                    let host1 = Int(addr1.split(separator: "/")[0].split(separator: ".").last ?? "") ?? 0
                    #expect(addr1.hasPrefix("10.77.0.") && (100...200).contains(host1), "guest 1 got \(addr1)")
                    #expect(try await Self.waitForLine(g1, containing: "ping 10.77.0.1 ").hasSuffix("ok"))
                    #expect(try await Self.waitForLine(g1, containing: "resolved db").hasSuffix("10.77.0.50"))
                    #expect(try await Self.waitForLine(g2, containing: "eth0 address").contains("10.77.0.10/24"))
                    // Two guests on one network reach each other through the bridge.
                    #expect(try await Self.waitForLine(g1, containing: "ping 10.77.0.10 ").hasSuffix("ok"))

                    let leases = try await virsh.must("net-dhcp-leases", "lab")
                    #expect(leases.contains("52:54:00:77:00:01") && leases.contains(String(addr1)))
                    #expect(leases.contains("52:54:00:77:00:02") && leases.contains("10.77.0.10/24"))
                    let ifaddr = try await virsh.must("domifaddr", g1.name)
                    #expect(ifaddr.contains("vnet") && ifaddr.contains(String(addr1)))
                    // The ARP source: guest 1 pinged the bridge, so the namespace's neighbour table knows it.
                    let ip1 = String(addr1.split(separator: "/")[0])
                    let arp = try await virsh.must("domifaddr", g1.name, "--source", "arp")
                    #expect(arp.contains("52:54:00:77:00:01") && arp.contains(ip1 + "/0"), "arp: \(arp)")
                    let iflist = try await virsh.must("domiflist", g1.name)
                    #expect(iflist.contains("network") && iflist.contains("lab") && iflist.contains("virtio"))
                    let tap = try #require(
                        iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
                    #expect(try await ns.interfaceExists(tap))

                    try await virsh.must("destroy", g1.name)
                    try await waitUntil("tap \(tap) removed", timeout: .seconds(10)) {
                        !(try await ns.interfaceExists(tap))
                    }
                    let tap2 = try #require(
                        try await virsh.must("domiflist", g2.name).split(separator: " ")
                            .first { $0.hasPrefix("vnet") }.map(String.init))
                    try await virsh.must("destroy", g2.name)
                    // Wait for the guest's teardown (QEMU exit, `ip link del` of its tap) so that the process count
                    // below sees only the network's own processes change.
                    try await waitUntil("tap \(tap2) removed", timeout: .seconds(10)) {
                        !(try await ns.interfaceExists(tap2))
                    }
                    try await waitUntil("guests' QEMU gone", timeout: .seconds(10)) { daemon.qemuPids().isEmpty }

                    let dnsmasqPid = Int32(
                        readFile(daemon.runDir + "/networks/lab.pid").trimmingCharacters(in: .whitespacesAndNewlines))
                    let dnsmasqBefore = try await ns.pids().count
                    try await virsh.must("net-destroy", "lab")
                    #expect(!(try await ns.interfaceExists("svlab0")))
                    #expect(!(try await ns.nftTables().contains("swiftvirt_svlab0")))
                    #expect(try await ns.pids().count == dnsmasqBefore - 1, "dnsmasq still runs")
                    // Gone or a zombie (dnsmasq daemonized, so its reaper is whoever adopted it, not the daemon).
                    let stat =
                        dnsmasqPid.flatMap { FileHandle(forReadingAtPath: "/proc/\($0)/stat") }
                        .map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
                    #expect(dnsmasqPid != nil && (stat.isEmpty || stat.contains(") Z ")), "dnsmasq: \(stat)")
                    #expect(try await virsh.must("net-list", "--inactive").contains("lab"))
                    try await virsh.must("net-undefine", "lab")
                    #expect(!(try await virsh.must("net-list", "--all").contains("lab")))
                }
            }
        }

        @Test func isolatedNetworkForwardsNothingAndBadInputIsRefused() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    func file(_ name: String, _ xml: String) throws -> String {
                        let path = daemon.scratch.appendingPathComponent(name).path
                        try xml.write(toFile: path, atomically: true, encoding: .utf8)
                        return path
                    }
                    let iso = try file(
                        "iso.xml",
                        "<network><name>iso</name><bridge name='sviso0'/><ip address='10.88.0.1' prefix='24'><dhcp><range start='10.88.0.10' end='10.88.0.20'/></dhcp></ip></network>"
                    )
                    try await virsh.must("net-define", iso)
                    try await virsh.must("net-start", "iso")
                    let rules = try await ns.exec("nft", "list", "table", "ip", "swiftvirt_sviso0").stdout
                    #expect(rules.contains("iifname \"sviso0\" reject") && !rules.contains("masquerade"))
                    #expect(try await ns.exec("cat", "/proc/sys/net/ipv4/ip_forward").stdout.hasPrefix("0"))

                    // As libvirt: a subnet another network uses is accepted at define and refused at start,
                    // naming the interface that holds it.
                    let overlap = try file(
                        "overlap.xml", "<network><name>ov</name><ip address='10.88.0.129' prefix='25'/></network>")
                    try await virsh.must("net-define", overlap)
                    let r1 = try await virsh("net-start", "ov")
                    #expect(
                        !r1.succeeded && r1.stderr.contains("in use by interface sviso0")
                            && r1.stderr.contains("10.88.0.128/25"), "\(r1.stderr)")
                    try await virsh.must("net-undefine", "ov")

                    let outside = try file(
                        "outside.xml",
                        "<network><name>out</name><ip address='10.99.0.1' prefix='24'><dhcp><range start='10.99.0.10' end='10.99.1.20'/></dhcp></ip></network>"
                    )
                    let r2 = try await virsh("net-define", outside)
                    #expect(
                        !r2.succeeded && r2.stderr.contains("network/ip/dhcp/range")
                            && r2.stderr.contains("is not entirely within network 10.99.0.1/24"), "\(r2.stderr)")

                    // A bridge that already exists on the host: start fails and leaves nothing behind.
                    try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svtaken0", "type", "bridge")
                    let taken = try file(
                        "taken.xml",
                        "<network><name>taken</name><bridge name='svtaken0'/><ip address='10.66.0.1' prefix='24'><dhcp><range start='10.66.0.10' end='10.66.0.20'/></dhcp></ip></network>"
                    )
                    try await virsh.must("net-define", taken)
                    let pidsBefore = try await ns.pids().count
                    let r3 = try await virsh("net-start", "taken")
                    #expect(!r3.succeeded && r3.stderr.contains("svtaken0") && r3.stderr.contains("already exists"))
                    #expect(!(try await ns.nftTables().contains("swiftvirt_svtaken0")))
                    #expect(try await ns.pids().count == pidsBefore)
                    #expect(try await virsh.must("net-list", "--inactive").contains("taken"))

                    let ro = Virsh(daemon, readOnlySocket: true)
                    let r4 = try await ro("net-destroy", "iso")
                    #expect(!r4.succeeded && r4.stderr.contains("read only"))
                    #expect(try await ro.must("net-list").contains("iso"))

                    try await virsh.must("net-destroy", "iso")
                    #expect(!(try await ns.interfaceExists("sviso0")))
                }
            }
        }

        @Test func defaultNetworkAutostartsAndSurvivesADaemonRestart() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    try await waitUntil("default network active", timeout: .seconds(20)) {
                        (try await virsh.must("net-list")).contains("default")
                    }
                    let info = try await virsh.must("net-info", "default")
                    #expect(info.contains("Autostart:      yes") && info.contains("Bridge:         virbr0"))
                    #expect(try await virsh.must("net-dumpxml", "default").contains("192.168.122.1"))
                    let pidFile = daemon.runDir + "/networks/default.pid"
                    let dnsmasq = readFile(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)
                    #expect(Int32(dnsmasq).map { kill($0, 0) == 0 } == true, "dnsmasq pid '\(dnsmasq)'")

                    try await daemon.killDaemon()
                    // Still there while the daemon is down.
                    #expect(try await ns.interfaceExists("virbr0"))
                    try await daemon.start()
                    #expect(try await virsh.must("net-list").contains("default"))
                    #expect(try await ns.interfaceExists("virbr0"))
                    // dnsmasq kept running: same process, still alive.
                    #expect(readFile(pidFile).trimmingCharacters(in: .whitespacesAndNewlines) == dnsmasq)
                    #expect(Int32(dnsmasq).map { kill($0, 0) == 0 } == true)

                    try await virsh.must("net-destroy", "default")
                    #expect(!(try await ns.interfaceExists("virbr0")))
                    #expect(!(try await ns.nftTables().contains("swiftvirt_virbr0")))
                }
            }
        }
    }
}
