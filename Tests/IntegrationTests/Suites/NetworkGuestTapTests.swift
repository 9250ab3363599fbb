import Foundation
import Testing

extension Integration.Networks {
    /// Starts `lab` in the daemon and boots one guest on it that takes a DHCP lease; returns the guest, its tap and
    /// the address the guest got.
    static func bootGuestOnLab(_ daemon: DaemonHarness, mac: String) async throws -> (TestGuest, String, String) {
        let virsh = Virsh(daemon)
        let xmlPath = daemon.scratch.appendingPathComponent("lab.xml").path
        try labXML.write(toFile: xmlPath, atomically: true, encoding: .utf8)
        try await virsh.must("net-define", xmlPath)
        try await virsh.must("net-start", "lab")
        let g = try guest(daemon, name: "tapg-\(UUID().uuidString.prefix(4))", network: "lab", mac: mac, cmdline: "")
        try await virsh.must("create", g.xmlPath)
        let line = try await waitForLine(g, containing: "eth0 address")
        let cidr = try #require(line.split(separator: " ").drop { $0 != "address" }.dropFirst().first)
        let address = String(cidr.split(separator: "/")[0])
        let iflist = try await virsh.must("domiflist", g.name)
        let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
        return (g, tap, address)
    }

    /// The bridge `interface` is enslaved to, or nil.
    static func master(of interface: String, in ns: NetworkNamespace) async throws -> String? {
        let out = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-o", "link", "show", interface)
        let words = out.split(whereSeparator: \.isWhitespace)
        return words.firstIndex(of: "master").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil }
    }

    /// Whether the guest answers from the namespace (the host side of the bridge): a TCP connect to a closed port
    /// of the guest gets a reset back when the path works and times out when it does not. (No ping binary here.)
    static func guestAnswers(_ ns: NetworkNamespace, _ address: String) async throws -> Bool {
        let probe = """
            import errno, socket, sys
            s = socket.socket(); s.settimeout(2)
            sys.exit(0 if s.connect_ex((sys.argv[1], 9)) == errno.ECONNREFUSED else 1)
            """
        return try await ns.exec("/usr/bin/python3", "-c", probe, address).succeeded
    }

    @Test func restartingANetworkReattachesARunningGuestsTap() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                let (g, tap, address) = try await Self.bootGuestOnLab(daemon, mac: "52:54:00:77:01:01")
                #expect(try await Self.master(of: tap, in: ns) == "svlab0")
                #expect(try await Self.guestAnswers(ns, address), "guest \(address) answers before the restart")

                try await virsh.must("net-destroy", "lab")
                #expect(!(try await ns.interfaceExists("svlab0")))
                // The tap belongs to the running guest: it stays, detached.
                #expect(try await ns.interfaceExists(tap))
                #expect(try await Self.master(of: tap, in: ns) == nil)
                #expect(
                    !(try await Self.guestAnswers(ns, address)), "the probe tells a lost guest from a reachable one")

                try await virsh.must("net-start", "lab")
                #expect(try await Self.master(of: tap, in: ns) == "svlab0")
                // The guest kept its address; it answers again on the new bridge without a guest restart.
                try await waitUntil("guest \(address) answers on the new bridge", timeout: .seconds(20)) {
                    try await Self.guestAnswers(ns, address)
                }
                #expect(try await virsh.state(g.name) == "running")
                try await virsh.must("destroy", g.name)
                try await waitUntil("tap \(tap) removed", timeout: .seconds(10)) {
                    !(try await ns.interfaceExists(tap))
                }
            }
        }
    }

    @Test func bridgeInterfaceEnslavesTheTapToAnExistingBridge() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svbr9", "type", "bridge")
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "svbr9", "up")
                let g = try TestGuest(daemon, name: "brg-\(UUID().uuidString.prefix(4))")
                let xml = try String(contentsOfFile: g.xmlPath, encoding: .utf8).replacingOccurrences(
                    of: "</devices>",
                    with: """
                        <interface type='bridge'><source bridge='svbr9'/><mac address='52:54:00:77:02:01'/>\
                        <model type='virtio'/></interface></devices>
                        """)
                try xml.write(toFile: g.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("create", g.xmlPath)
                let iflist = try await virsh.must("domiflist", g.name)
                #expect(iflist.contains("bridge") && iflist.contains("svbr9"), "domiflist: \(iflist)")
                let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
                #expect(try await Self.master(of: tap, in: ns) == "svbr9")
                let brctl = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-o", "link", "show", "master", "svbr9")
                #expect(brctl.contains(tap))

                // A bridge that does not exist is refused before QEMU starts, naming the bridge.
                let g2 = try TestGuest(daemon, name: "brg2-\(UUID().uuidString.prefix(4))")
                let xml2 = try String(contentsOfFile: g2.xmlPath, encoding: .utf8).replacingOccurrences(
                    of: "</devices>",
                    with:
                        "<interface type='bridge'><source bridge='svnone0'/><model type='virtio'/></interface></devices>"
                )
                try xml2.write(toFile: g2.xmlPath, atomically: true, encoding: .utf8)
                let r = try await virsh("create", g2.xmlPath)
                #expect(!r.succeeded && r.stderr.contains("svnone0"), "stderr: \(r.stderr)")

                try await virsh.must("destroy", g.name)
                try await waitUntil("tap \(tap) removed", timeout: .seconds(10)) {
                    !(try await ns.interfaceExists(tap))
                }
                // The bridge is the host's, not the daemon's: it stays.
                #expect(try await ns.interfaceExists("svbr9"))
            }
        }
    }

    @Test func aRunningGuestsTapSurvivesADaemonKillAndGoesWhenTheGuestStops() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                let (g, tap, address) = try await Self.bootGuestOnLab(daemon, mac: "52:54:00:77:03:01")

                try await daemon.killDaemon()
                #expect(try await ns.interfaceExists(tap))
                try await daemon.start()
                #expect(try await virsh.state(g.name) == "running")
                #expect(try await virsh.must("domiflist", g.name).contains(tap))
                #expect(try await Self.master(of: tap, in: ns) == "svlab0")
                #expect(try await Self.guestAnswers(ns, address))

                // The restarted daemon knows the tap is the guest's: a network restart re-attaches it too.
                try await virsh.must("net-destroy", "lab")
                try await virsh.must("net-start", "lab")
                #expect(try await Self.master(of: tap, in: ns) == "svlab0")

                try await virsh.must("destroy", g.name)
                try await waitUntil("tap \(tap) removed", timeout: .seconds(10)) {
                    !(try await ns.interfaceExists(tap))
                }
                // A new guest may get the same tap name again.
                let g2 = try Self.guest(
                    daemon, name: "tapg2-\(UUID().uuidString.prefix(4))", network: "lab", mac: "52:54:00:77:03:02",
                    cmdline: "")
                try await virsh.must("create", g2.xmlPath)
                #expect(try await virsh.must("domiflist", g2.name).contains(tap))
                try await virsh.must("destroy", g2.name)
            }
        }
    }
}
