import Foundation
import Testing

/// Macvtap networks (forward modes bridge without a bridge name, private, vepa, passthrough) and hostdev, in a
/// namespace: the pool's interfaces are veth pairs whose peers hang off a NAT network's bridge, so a guest on a
/// macvtap device gets its DHCP lease from that network's dnsmasq and the namespace reaches it through the bridge.
extension Integration.Networks {
    /// The NAT network `lab` (svlab0, DHCP) plus veth pairs `names`, each peer (NAME + "p") on svlab0.
    static func labWithUplinks(_ daemon: DaemonHarness, _ ns: NetworkNamespace, _ names: [String]) async throws {
        let path = daemon.scratch.appendingPathComponent("lab.xml").path
        try labXML.write(toFile: path, atomically: true, encoding: .utf8)
        try await Virsh(daemon).must("net-define", path)
        try await Virsh(daemon).must("net-start", "lab")
        for name in names {
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", name, "type", "veth", "peer", "name", name + "p")
            try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", name + "p", "master", "svlab0")
            for dev in [name, name + "p"] { try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", dev, "up") }
        }
    }

    /// `ip -d link show DEV` of a macvtap: its mode and the interface it sits on.
    static func macvtap(_ dev: String, in ns: NetworkNamespace) async throws -> (mode: String, link: String) {
        let out = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-d", "link", "show", dev)
        let words = out.split(whereSeparator: \.isWhitespace)
        let mode = words.firstIndex(of: "macvtap").map { String(words[$0 + 2]) } ?? ""
        let link = words.first { $0.hasPrefix("\(dev)@") }.map { String($0.dropFirst(dev.count + 1).dropLast()) } ?? ""
        return (mode, link)
    }

    static func macvtapOf(_ guest: TestGuest, _ daemon: DaemonHarness) async throws -> String {
        let iflist = try await Virsh(daemon).must("domiflist", guest.name)
        return try #require(iflist.split(separator: " ").first { $0.hasPrefix("macvtap") }.map(String.init), "\(iflist)")
    }

    static func macAddress(of dev: String, in ns: NetworkNamespace) async throws -> String {
        let out = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-o", "link", "show", dev)
        let words = out.split(whereSeparator: \.isWhitespace)
        return words.firstIndex(of: "link/ether").map { String(words[$0 + 1]) } ?? ""
    }

    @Test func macvtapBridgeAndVEPAGuestsGetLeasesThroughTheirPool() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.labWithUplinks(daemon, ns, ["svmv0", "svmv1"])
                try await Self.defineAndStart(
                    daemon, "mvb",
                    "<network><name>mvb</name><forward mode='bridge'><interface dev='svmv0'/><interface dev='svmv1'/></forward></network>"
                )
                let g1 = try Self.guest(
                    daemon, name: "mvb1-\(UUID().uuidString.prefix(4))", network: "mvb", mac: "52:54:00:78:00:01",
                    cmdline: "")
                try await virsh.must("create", g1.xmlPath)
                let dev1 = try await Self.macvtapOf(g1, daemon)
                #expect(try await Self.macvtap(dev1, in: ns) == ("bridge", "svmv0"))
                #expect(try await Self.macAddress(of: dev1, in: ns) == "52:54:00:78:00:01")
                let live = try await virsh.must("net-dumpxml", "mvb")
                #expect(
                    live.contains("<network connections='1'>") && live.contains("<interface dev='svmv0' connections='1'/>"),
                    "\(live)")
                #expect(!(try await virsh.must("net-dumpxml", "mvb", "--inactive")).contains("connections"))
                let noBridge = try await virsh("net-info", "mvb")
                #expect(noBridge.succeeded && !noBridge.stdout.contains("Bridge:"), "\(noBridge)")
                // The next guest takes the least used interface of the pool.
                let g2 = try Self.guest(
                    daemon, name: "mvb2-\(UUID().uuidString.prefix(4))", network: "mvb", mac: "52:54:00:78:00:02",
                    cmdline: "")
                try await virsh.must("create", g2.xmlPath)
                let dev2 = try await Self.macvtapOf(g2, daemon)
                #expect(try await Self.macvtap(dev2, in: ns).link == "svmv1")
                // Both get leases from lab's dnsmasq through the veth and the bridge, and answer from there.
                for g in [g1, g2] {
                    let line = try await Self.waitForLine(g, containing: "eth0 address")
                    let cidr = try #require(line.split(separator: " ").drop { $0 != "address" }.dropFirst().first)
                    #expect(cidr.hasPrefix("10.77.0."), "\(line)")
                    let address = String(cidr.split(separator: "/")[0])
                    try await waitUntil("\(g.name) answers at \(address)", timeout: .seconds(20)) {
                        try await Self.guestAnswers(ns, address)
                    }
                }
                try await virsh.must("destroy", g1.name)
                try await virsh.must("destroy", g2.name)
                try await waitUntil("macvtaps removed", timeout: .seconds(10)) {
                    let first = try await ns.interfaceExists(dev1)
                    let second = try await ns.interfaceExists(dev2)
                    return !first && !second
                }
                #expect(!(try await virsh.must("net-dumpxml", "mvb")).contains("connections"))

                // VEPA sends everything out through the interface, and the lease still comes back.
                try await Self.defineAndStart(
                    daemon, "mvv", "<network><name>mvv</name><forward mode='vepa' dev='svmv0'/></network>")
                let g3 = try Self.guest(
                    daemon, name: "mvv3-\(UUID().uuidString.prefix(4))", network: "mvv", mac: "52:54:00:78:00:03",
                    cmdline: "svping=10.77.0.1")
                try await virsh.must("create", g3.xmlPath)
                #expect(try await Self.macvtap(try await Self.macvtapOf(g3, daemon), in: ns) == ("vepa", "svmv0"))
                #expect(try await Self.waitForLine(g3, containing: "eth0 address").contains("10.77.0."))
                #expect(try await Self.waitForLine(g3, containing: "ping 10.77.0.1 ").hasSuffix("ok"))
                try await virsh.must("destroy", g3.name)
            }
        }
    }

    @Test func macvtapPrivateAndExclusivePassthrough() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await Self.labWithUplinks(daemon, ns, ["svmv0"])
                try await Self.defineAndStart(
                    daemon, "mvp", "<network><name>mvp</name><forward mode='private' dev='svmv0'/></network>")
                let g1 = try Self.guest(
                    daemon, name: "mvp1-\(UUID().uuidString.prefix(4))", network: "mvp", mac: "52:54:00:79:00:01",
                    cmdline: "")
                try await virsh.must("create", g1.xmlPath)
                let dev1 = try await Self.macvtapOf(g1, daemon)
                #expect(try await Self.macvtap(dev1, in: ns) == ("private", "svmv0"))
                try await virsh.must("destroy", g1.name)
                try await waitUntil("\(dev1) removed", timeout: .seconds(10)) { !(try await ns.interfaceExists(dev1)) }

                // Passthrough gives one guest the whole interface, which takes the guest's MAC until it stops.
                let hostMAC = try await Self.macAddress(of: "svmv0", in: ns)
                try await Self.defineAndStart(
                    daemon, "mvt",
                    "<network><name>mvt</name><forward mode='passthrough'><interface dev='svmv0'/></forward></network>")
                let g2 = try Self.guest(
                    daemon, name: "mvt2-\(UUID().uuidString.prefix(4))", network: "mvt", mac: "52:54:00:79:00:02",
                    cmdline: "")
                try await virsh.must("create", g2.xmlPath)
                let dev2 = try await Self.macvtapOf(g2, daemon)
                #expect(try await Self.macvtap(dev2, in: ns) == ("passthru", "svmv0"))
                #expect(try await Self.macAddress(of: "svmv0", in: ns) == "52:54:00:79:00:02")
                #expect(try await Self.waitForLine(g2, containing: "eth0 address").contains("10.77.0."))
                // A restarted daemon finds the network running and the port in use.
                try await daemon.killDaemon()
                try await daemon.start()
                #expect(try await virsh.must("net-dumpxml", "mvt").contains("<interface dev='svmv0' connections='1'/>"))
                let g3 = try Self.guest(
                    daemon, name: "mvt3-\(UUID().uuidString.prefix(4))", network: "mvt", mac: "52:54:00:79:00:03",
                    cmdline: "")
                let busy = try await virsh("create", g3.xmlPath)
                #expect(
                    !busy.succeeded
                        && busy.stderr.contains("network 'mvt' requires exclusive access to interfaces, but none are available"),
                    "\(busy.stderr)")
                try await virsh.must("destroy", g2.name)
                try await waitUntil("svmv0's own MAC back", timeout: .seconds(10)) {
                    try await Self.macAddress(of: "svmv0", in: ns) == hostMAC
                }
                try await virsh.must("create", g3.xmlPath)
                try await virsh.must("destroy", g3.name)

                // A macvtap network without a device pool starts (as libvirt) but cannot give guests a port.
                try await Self.defineAndStart(daemon, "mve", "<network><name>mve</name><forward mode='vepa'/></network>")
                let g4 = try Self.guest(
                    daemon, name: "mve4-\(UUID().uuidString.prefix(4))", network: "mve", mac: "52:54:00:79:00:04",
                    cmdline: "")
                let none = try await virsh("create", g4.xmlPath)
                #expect(
                    !none.succeeded && none.stderr.contains("uses a direct mode, but has no forward dev and no interface pool"),
                    "\(none.stderr)")
            }
        }
    }

    @Test func hostdevNetworksAreRefusedAtStartWithoutSRIOV() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svpf0", "type", "veth", "peer", "name", "svpf0p")
                func file(_ name: String, _ xml: String) throws -> String {
                    let path = daemon.scratch.appendingPathComponent(name + ".xml").path
                    try xml.write(toFile: path, atomically: true, encoding: .utf8)
                    return path
                }
                // A physical function without virtual functions: libvirt's own words, at start.
                try await virsh.must(
                    "net-define",
                    try file(
                        "hdpf",
                        "<network><name>hdpf</name><forward mode='hostdev' managed='yes'><pf dev='svpf0'/></forward></network>"))
                #expect(try await virsh.must("net-dumpxml", "hdpf").contains("<pf dev='svpf0'/>"))
                let pf = try await virsh("net-start", "hdpf")
                #expect(
                    !pf.succeeded && pf.stderr.contains("internal error: No usable Vf's present on SRIOV PF svpf0"),
                    "\(pf.stderr)")
                // The same for macvtap passthrough over a <pf>.
                try await virsh.must(
                    "net-define",
                    try file("ptpf", "<network><name>ptpf</name><forward mode='passthrough'><pf dev='svpf0'/></forward></network>"))
                #expect(!(try await virsh("net-start", "ptpf")).succeeded)
                // An empty hostdev pool starts on libvirtd; SwiftVirt, which cannot pass a function to a guest, says so.
                try await virsh.must(
                    "net-define", try file("hde", "<network><name>hde</name><forward mode='hostdev'/></network>"))
                let empty = try await virsh("net-start", "hde")
                #expect(
                    !empty.succeeded && empty.stderr.contains("unsupported configuration: attribute 'mode' of <network/forward>"),
                    "\(empty.stderr)")
                // A PCI address that is no virtual function is refused at define, as libvirt checks sysfs there.
                let addr = try await virsh(
                    "net-define",
                    try file(
                        "hda",
                        "<network><name>hda</name><forward mode='hostdev'><address type='pci' domain='0' bus='0x3f' slot='1' function='1'/></forward></network>"
                    ))
                #expect(
                    !addr.succeeded && addr.stderr.contains("is not an SR-IOV Virtual Function"), "\(addr.stderr)")
                #expect(!(try await virsh.must("net-list", "--all")).contains("hda"))
            }
        }
    }
}
