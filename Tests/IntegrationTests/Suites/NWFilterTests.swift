import Foundation
import Testing

extension Integration {
    /// Network filters. One sequence of virsh nwfilter commands runs against swiftvirtd and against a private
    /// libvirtd 9.0 in the same network namespace (with a veth port for the bindings); the transcripts must be
    /// the same. Then one real guest with `clean-traffic` on its NIC: its rules are in nftables, its binding is
    /// listed, its address is learned from its DHCP lease, traffic from that address passes and traffic from an
    /// address it was not given is dropped; a
    /// `reject` rule refuses its connects, a redefined filter changes its rules, the running daemon puts them
    /// back when the tables go, and so does a restarted one.
    @Suite(.serialized) struct NWFilters {
        static let baseUUID = "7a1f4c0e-5b1d-4a35-9d55-4b2c1f0e9a01"
        static let topUUID = "7a1f4c0e-5b1d-4a35-9d55-4b2c1f0e9a02"

        static let files: [String: String] = [
            "base.xml": """
                <filter name='svt-base' chain='ipv4-ip' priority='-710'>
                  <uuid>\(baseUUID)</uuid>
                  <rule action='return' direction='out' priority='100'>
                    <ip srcipaddr='0.0.0.0' protocol='udp' srcportstart='68' dstportstart='0x43'/>
                  </rule>
                  <rule action='return' direction='out'><ip srcipaddr='$IP'/></rule>
                  <rule action='accept' direction='inout' statematch='false'>
                    <tcp match='no' dstportstart='22'/><tcp srcipaddr='10.0.0.0' srcipmask='255.0.0.0' dscp='10'/>
                  </rule>
                  <rule action='drop' direction='out' priority='1000'/>
                </filter>
                """,
            "top.xml": """
                <filter name='svt-top'>
                  <uuid>\(topUUID)</uuid>
                  <filterref filter='svt-base'><parameter name='B' value='2'/><parameter name='A' value='1'/></filterref>
                  <rule action='accept' direction='out' priority='-500'><mac protocolid='arp' srcmacaddr='$MAC'/></rule>
                  <rule action='accept' direction='in'><arp opcode='Reply' arpsrcipaddr='$IP' gratuitous='yes'/></rule>
                  <filterref filter='svt-missing'/>
                </filter>
                """,
            "loop.xml": """
                <filter name='svt-base' chain='ipv4-ip'><uuid>\(baseUUID)</uuid><filterref filter='svt-top'/></filter>
                """,
            "self.xml": "<filter name='svt-self'><filterref filter='svt-self'/></filter>",
            "same-name.xml": "<filter name='svt-top'><uuid>7a1f4c0e-5b1d-4a35-9d55-4b2c1f0e9aff</uuid></filter>",
            "same-uuid.xml": "<filter name='svt-other'><uuid>\(topUUID)</uuid></filter>",
            "malformed.xml": "<filter name='x'><rule action='drop' direction='in'></filter>",
            "no-name.xml": "<filter chain='mac'/>",
            "bad-chain.xml": "<filter name='x' chain='ipv5'/>",
            "bad-priority.xml": "<filter name='x' chain='mac' priority='-2000'/>",
            "bad-value.xml": "<filter name='x'><rule action='drop' direction='in'><ip srcipaddr='10.0.0.300'/></rule></filter>",
            "no-action.xml": "<filter name='x'><rule direction='in'/></filter>",
            "bad-direction.xml": "<filter name='x'><rule action='drop' direction='sideways'/></filter>",
            "ports.xml": "<filter name='x'><rule action='drop' direction='in'><ip dstportstart='80'/></rule></filter>",
            "wrong-root.xml": "<filters/>",
            "outside-schema.xml": "<filter name='x'><rule action='drop' direction='in' foo='1'/></filter>",
            "binding-top.xml": binding(filter: "svt-top"),
            "binding-base.xml": binding(filter: "svt-base"),
            "binding-no-owner.xml": "<filterbinding><portdev name='svnwf0'/></filterbinding>",
            "binding-no-port.xml": binding(filter: "svt-top").replacingOccurrences(of: "svnwf0", with: "svnone9"),
        ]

        static func binding(filter: String) -> String {
            """
            <filterbinding><owner><name>vm</name><uuid>\(topUUID)</uuid></owner><portdev name='svnwf0'/>
            <mac address='52:54:00:12:34:56'/><filterref filter='\(filter)'><parameter name='IP' value='10.0.0.7'/>
            <parameter name='IP' value='10.0.0.8'/></filterref></filterbinding>
            """
        }

        static let steps: [[String]] = [
            ["nwfilter-define", "base.xml"], ["nwfilter-define", "top.xml"], ["nwfilter-define", "--validate", "top.xml"],
            ["nwfilter-list"], ["nwfilter-dumpxml", "svt-base"], ["nwfilter-dumpxml", topUUID], ["python"],
            ["nwfilter-define", "loop.xml"], ["nwfilter-define", "self.xml"], ["nwfilter-define", "same-name.xml"],
            ["nwfilter-define", "same-uuid.xml"], ["nwfilter-define", "malformed.xml"], ["nwfilter-define", "no-name.xml"],
            ["nwfilter-define", "bad-chain.xml"], ["nwfilter-define", "bad-priority.xml"],
            ["nwfilter-define", "bad-value.xml"], ["nwfilter-define", "no-action.xml"],
            ["nwfilter-define", "bad-direction.xml"], ["nwfilter-define", "ports.xml"],
            ["nwfilter-define", "wrong-root.xml"], ["nwfilter-define", "--validate", "outside-schema.xml"],
            ["nwfilter-binding-create", "binding-top.xml"], ["nwfilter-binding-create", "binding-no-owner.xml"],
            ["nwfilter-binding-create", "binding-no-port.xml"], ["nwfilter-binding-delete", "svnone9"],
            ["nwfilter-binding-create", "binding-base.xml"], ["nwfilter-binding-list"],
            ["nwfilter-binding-dumpxml", "svnwf0"], ["nwfilter-undefine", "svt-base"],
            ["nwfilter-binding-delete", "svnwf0"], ["nwfilter-binding-delete", "svnwf0"],
            ["nwfilter-undefine", "svt-base"], ["nwfilter-undefine", "svt-top"], ["nwfilter-undefine", "svt-top"],
            ["nwfilter-dumpxml", "svt-top"], ["nwfilter-list"],
        ]

        /// The calls virsh does not make: the old list calls, lookups by uuid and name, XML flags.
        static let python = """
            import libvirt, sys
            c = libvirt.open(sys.argv[1])
            print(c.numOfNWFilters(), sorted(c.listNWFilters()))
            f = c.nwfilterLookupByUUIDString(sys.argv[2])
            print(f.name(), f.UUIDString(), c.nwfilterLookupByName('svt-base').UUIDString())
            for call in (lambda: f.XMLDesc(1), lambda: c.listAllNWFilters(1), lambda: c.listAllNWFilterBindings(1),
                         lambda: c.nwfilterLookupByName('nope'), lambda: c.nwfilterDefineXMLFlags('<filter/>', 2)):
                try:
                    print(call())
                except libvirt.libvirtError as e:
                    print('error', e.get_error_code(), e.get_error_domain(), e)
            """

        static func transcript(_ virsh: Virsh, scratch: URL) async throws -> String {
            for (name, text) in files {
                try text.write(to: scratch.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            var out = ""
            for step in steps {
                if step == ["python"] {
                    let uri = virsh.baseArguments.last ?? ""
                    let py = try await run(TestEnvironment.python, ["-c", python, uri, topUUID], scratch: scratch)
                    out += "$ python\n[\(py.status)]\n\(py.stdout)\(py.stderr)\n"
                    continue
                }
                let args = step.map { files[$0] != nil ? scratch.appendingPathComponent($0).path : $0 }
                let r = try await run(TestEnvironment.virsh, virsh.baseArguments + args, scratch: scratch)
                out += "$ virsh \(step.joined(separator: " "))\n[\(r.status)]\n\(r.stdout)\(r.stderr)\n"
            }
            return out.replacingOccurrences(of: scratch.path, with: "SCRATCH")
        }

        @Test func sameAsLibvirtd() async throws {
            try await NetworkNamespace.with { ns in
                try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svnwf0", "type", "veth", "peer", "name", "svnwf1")
                let theirs = try await LibvirtdHarness.with(netns: ns.name) { lvd in
                    try await Self.transcript(Virsh(uri: lvd.uri, scratch: lvd.scratch), scratch: lvd.scratch)
                }
                let empty = FileManager.default.temporaryDirectory.appendingPathComponent("svt-no-stock-\(UUID())")
                try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: empty) }
                try await DaemonHarness.with(
                    arguments: ["--no-default-network", "--nwfilter-stock-dir", empty.path], netns: ns.name
                ) { daemon in
                    let ours = try await Self.transcript(Virsh(daemon), scratch: daemon.scratch)
                    #expect(ours == theirs, "\(Integration.Secrets.diff(ours, theirs))")
                    for expected in [
                        "error: operation failed: filter would introduce a loop",
                        "error: internal error: referenced filter 'svt-missing' is missing",
                        "error: Requested operation is not valid: nwfilter is in use",
                        "<filterref filter='svt-base'>\n    <parameter name='A' value='1'/>",
                    ] {
                        #expect(ours.contains(expected), "\(expected) missing from\n\(ours)")
                    }
                }
            }
        }
    
        /// Writes a file into the daemon's scratch directory and returns its path.
        static func write(_ daemon: DaemonHarness, _ name: String, _ text: String) -> String {
            let path = daemon.scratch.appendingPathComponent(name).path
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        static let guestMAC = "52:54:00:77:0f:01"
        static let guestIP = "10.77.0.10"

        /// The packet count of the last rule (the final drop) of one chain in an `nft list table` listing.
        static func finalDropCount(_ listing: String, chain: String) -> Int? {
            guard let body = listing.components(separatedBy: "chain \(chain) {").dropFirst().first else { return nil }
            let rules = body.prefix { $0 != "}" }.split(separator: "\n").filter { $0.contains("counter") }
            guard let last = rules.last, last.hasSuffix("drop"), let m = last.firstMatch(of: /packets (\d+)/) else {
                return nil
            }
            return Int(m.1)
        }

        @Test func cleanTrafficIsEnforcedOnARunningGuest() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    let lab = Integration.Networks.labXML.replacingOccurrences(
                        of: "</dhcp>", with: "<host mac='\(Self.guestMAC)' ip='\(Self.guestIP)'/></dhcp>")
                    try await virsh.must("net-define", Self.write(daemon, "lab.xml", lab))
                    try await virsh.must("net-start", "lab")
                    // The stock filters were imported at first start.
                    #expect(try await virsh.must("nwfilter-list").contains("clean-traffic"))

                    // A filter that cannot be instantiated stops the start, and the tap made for it goes.
                    for (filterref, words) in [
                        ("<filterref filter='svt-none'/>", "referenced filter 'svt-none' is missing"),
                        (
                            "<filterref filter='clean-traffic'><parameter name='CTRL_IP_LEARNING' value='none'/></filterref>",
                            "Cannot instantiate filter due to unresolvable variables or unavailable list elements: IP"
                        ),
                        (
                            "<filterref filter='clean-traffic'><parameter name='CTRL_IP_LEARNING' value='bogus'/></filterref>",
                            "filter 'clean-traffic' learning value 'bogus' invalid."
                        ),
                    ] {
                        let bad = try TestGuest(daemon, name: "nwfbad-\(UUID().uuidString.prefix(4))")
                        let text = try String(contentsOfFile: bad.xmlPath, encoding: .utf8).replacingOccurrences(
                            of: "</devices>",
                            with: "<interface type='network'><source network='lab'/>\(filterref)</interface></devices>")
                        try text.write(toFile: bad.xmlPath, atomically: true, encoding: .utf8)
                        let r = try await virsh("create", bad.xmlPath)
                        #expect(!r.succeeded && r.stderr.contains(words), "\(r)")
                    }
                    let links = try await ns.must("/usr/sbin/ip", "-n", ns.name, "-o", "link", "show")
                    #expect(!links.contains("vnet"), "\(links)")

                    try await virsh.must("nwfilter-define", Self.write(daemon, "reject.xml", Self.connectFilter("reject")))
                    let g = try TestGuest(daemon, name: "nwf-\(UUID().uuidString.prefix(4))")
                    let xml = try String(contentsOfFile: g.xmlPath, encoding: .utf8)
                        .replacingOccurrences(
                            of: "<cmdline>console=ttyS0</cmdline>",
                            with: "<cmdline>console=ttyS0 svspoof=10.77.0.99 svconnect=10.77.0.1:53</cmdline>"
                        )
                        .replacingOccurrences(
                            of: "</devices>",
                            with: """
                                <interface type='network'><source network='lab'/><mac address='\(Self.guestMAC)'/>\
                                <model type='virtio'/><filterref filter='svt-reject'/></interface></devices>
                                """)
                    try xml.write(toFile: g.xmlPath, atomically: true, encoding: .utf8)
                    try await virsh.must("create", g.xmlPath)
                    let iflist = try await virsh.must("domiflist", g.name)
                    let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))

                    // The binding, as libvirt makes one for the NIC.
                    let bindings = try await virsh.must("nwfilter-binding-list")
                    #expect(bindings.contains(tap) && bindings.contains("svt-reject"), "\(bindings)")
                    let binding = try await virsh.must("nwfilter-binding-dumpxml", tap)
                    for part in [
                        "<name>\(g.name)</name>", "<portdev name='\(tap)'/>", "<mac address='\(Self.guestMAC)'/>",
                        "<parameter name='MAC' value='\(Self.guestMAC)'/>",
                    ] {
                        #expect(binding.contains(part), "\(part) missing from \(binding)")
                    }
                    // No IP given: it is learned from the guest's traffic (its DHCP lease), as libvirt's
                    // CTRL_IP_LEARNING='any'; the rules below carry it.
                    #expect(!binding.contains("name='IP'"), "\(binding)")
                    #expect(try await virsh.must("dumpxml", g.name).contains("<filterref filter='svt-reject'/>"))

                    // The guest got its address, reaches the gateway from it, and not from one it was not given.
                    let lease = try await Integration.Networks.waitForLine(g, containing: "eth0 address")
                    #expect(lease.contains("address \(Self.guestIP)/"), "\(lease)")
                    _ = try await Integration.Networks.waitForLine(g, containing: "ping 10.77.0.1 ok")
                    let spoofed = try await Integration.Networks.waitForLine(g, containing: "spoofed ping")
                    #expect(spoofed.hasSuffix("from 10.77.0.99 failed"), "\(spoofed)")
                    #expect(try await Integration.Networks.guestAnswers(ns, Self.guestIP))

                    // The rules are in nftables, and the spoofed packets met the drop of the IP chain.
                    let table = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter").stdout
                    #expect(table.contains("\"\(tap)\" : jump vm-\(tap)-I"), "\(table)")
                    #expect(table.contains("ip saddr \(Self.guestIP) counter"), "\(table)")
                    #expect(table.contains("ether saddr \(Self.guestMAC) counter"), "\(table)")
                    let drops = Self.finalDropCount(table, chain: "vm-\(tap)-I-ipv4-ip") ?? 0
                    #expect(drops > 0, "\(table)")

                    // A filter a running guest uses cannot go.
                    let undefine = try await virsh("nwfilter-undefine", "no-ip-spoofing")
                    #expect(!undefine.succeeded && undefine.stderr.contains("nwfilter is in use"), "\(undefine)")
                    try await Self.rejectAndRedefine(virsh, g, ns, daemon)
                    // The host firewall loses the tables (a flush, a reload): the running daemon puts them back.
                    _ = try await ns.exec("nft", "delete", "table", "bridge", "swiftvirt_nwfilter")
                    _ = try await ns.exec("nft", "delete", "table", "inet", "swiftvirt_nwfilter")
                    try await waitUntil("the guest's rules back", timeout: .seconds(20)) {
                        let inet = try await ns.exec("nft", "list", "table", "inet", "swiftvirt_nwfilter").stdout
                        let bridge = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter").stdout
                        return inet.contains("reject") && bridge.contains("\"\(tap)\" : jump vm-\(tap)-I")
                    }
                    #expect(try await Self.nextConnect(g) == "refused")

                    // A restarted daemon has its filters and the guest's binding back.
                    try await virsh.must("nwfilter-define", Self.write(daemon, "kept.xml", "<filter name='svt-kept'/>"))
                    // The firewall lost the tables meanwhile: the restarted daemon puts the guest's rules back.
                    try await daemon.killDaemon()
                    _ = try await ns.exec("nft", "delete", "table", "bridge", "swiftvirt_nwfilter")
                    _ = try await ns.exec("nft", "delete", "table", "inet", "swiftvirt_nwfilter")
                    #expect(try await Self.nextConnect(g) == "connected")
                    try await daemon.start()
                    #expect(try await virsh.must("nwfilter-list").contains("svt-kept"))
                    #expect(try await virsh.must("nwfilter-binding-dumpxml", tap) == binding)
                    let back = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter").stdout
                    #expect(back.contains("\"\(tap)\" : jump vm-\(tap)-I"), "\(back)")
                    #expect(try await Self.nextConnect(g) == "refused")

                    // A NIC plugged into the running guest gets its binding, and loses it when unplugged.
                    let nic = """
                        <interface type='network'><source network='lab'/><mac address='52:54:00:77:0f:02'/>\
                        <model type='virtio'/><filterref filter='allow-arp'/></interface>
                        """
                    let nicPath = Self.write(daemon, "nic.xml", nic)
                    try await virsh.must("attach-device", g.name, nicPath, "--live")
                    let plugged = try await virsh.must("nwfilter-binding-list")
                    let second = try #require(
                        plugged.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("vnet") && $0 != tap }
                            .map(String.init), "\(plugged)")
                    #expect(plugged.contains("allow-arp"))
                    try await virsh.must("detach-device", g.name, nicPath, "--live")
                    try await waitUntil("binding of \(second) removed", timeout: .seconds(30)) {
                        !(try await virsh.must("nwfilter-binding-list").contains(second))
                    }

                    try await virsh.must("destroy", g.name)
                    try await waitUntil("binding of \(tap) removed", timeout: .seconds(10)) {
                        !(try await virsh.must("nwfilter-binding-list").contains(tap))
                    }
                    let after = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter").stdout
                    #expect(!after.contains("vm-\(tap)-"), "\(after)")
                }
            }
        }
    }
}
