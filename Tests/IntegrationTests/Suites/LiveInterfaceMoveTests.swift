import Foundation
import Testing

extension Integration.Networks {
    /// update-device --live of a running guest's NIC, each daemon in a network namespace of its own: to another
    /// network and to a host bridge and back (the tap moves to the other bridge, as `ip link` shows), a
    /// `<filterref>` added and taken away (swiftvirtd only: its binding and its rules for the tap appear in and
    /// leave nftables; the private libvirtd cannot apply filters in its namespace), and
    /// libvirt's refusals (another model, user networking, a bridge that does not exist). The same virsh commands
    /// give the same exit status, output, errors and live `<interface>` on swiftvirtd and a private libvirtd 9.0.
    @Test func liveInterfaceMovesAsLibvirtd() async throws {
        let ours = try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) {
                try await Self.interfaceMoves(CLIEndpoint($0), ns)
            }
        }
        let theirs = try await NetworkNamespace.with { ns in
            try await LibvirtdHarness.with(netns: ns.name) { try await Self.interfaceMoves(CLIEndpoint($0), ns) }
        }
        for bridge in ["svupb0", "svupbr", "svupa0"] {
            #expect(ours.contains { $0.hasSuffix("master \(bridge)") }, "the tap should have been on \(bridge)")
        }
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) { #expect(a == b, "\n--- swiftvirtd ---\n\(a)\n--- libvirtd ---\n\(b)") }
    }

    static func interfaceMoves(_ at: CLIEndpoint, _ ns: NetworkNamespace) async throws -> [String] {
        let mac = "52:54:00:6a:00:01"
        try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "add", "svupbr", "type", "bridge")
        try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "set", "svupbr", "up")
        for (net, bridge) in [("upa", "svupa0"), ("upb", "svupb0")] {
            let file = try writeScratchFile(
                at.scratch, "\(net).xml", "<network><name>\(net)</name><bridge name='\(bridge)'/></network>")
            try await at.virsh.must("net-define", file)
            try await at.virsh.must("net-start", net)
        }
        let guest = try at.makeGuest()
        let nic = { (type: String, source: String, extra: String) in
            "<interface type='\(type)'><mac address='\(mac)'/>\(source)<model type='virtio'/>\(extra)</interface>"
        }
        let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8).replacingOccurrences(
            of: "</devices>", with: nic("network", "<source network='upa'/>", "") + "</devices>")
        try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
        let name = guest.name
        try await at.virsh.must("define", guest.xmlPath)
        try await at.virsh.must("start", name)
        let iflist = try await at.virsh.must("domiflist", name)
        let tap = try #require(iflist.split(separator: " ").first { $0.hasPrefix("vnet") }.map(String.init))
        let files: [(String, String)] = [
            ("netb", nic("network", "<source network='upb'/>", "")),
            ("bridge", nic("bridge", "<source bridge='svupbr'/>", "")),
            ("filtered", nic("bridge", "<source bridge='svupbr'/>", "<filterref filter='no-mac-spoofing'/>")),
            ("bridge", nic("bridge", "<source bridge='svupbr'/>", "")),
            ("e1000", nic("bridge", "<source bridge='svupbr'/>", "").replacingOccurrences(of: "virtio", with: "e1000")),
            ("user", nic("user", "", "")),
            ("nosuchbr", nic("bridge", "<source bridge='svnosuch'/>", "")),
            ("neta", nic("network", "<source network='upa'/>", "")),
        ]
        func normal(_ text: String) -> String {
            text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
                .replacingOccurrences(of: tap, with: "TAP").replacing(/\s+portid="[^"]*"/, with: "")
                // libvirt's live XML names the bridge of a network's NIC; SwiftVirt's does not (yet).
                .replacing(/(<source network="[^"]*") bridge="[^"]*"/) { $0.output.1 }
        }
        var lines: [String] = []
        let ours = at.label == "swiftvirtd"
        for (key, text) in files {
            let file = try writeScratchFile(at.scratch, "\(key).xml", text)
            // The private libvirtd cannot apply filters in its namespace: the filter is checked on swiftvirtd alone.
            if key == "filtered" {
                guard ours else { continue }
                try await at.virsh.must("update-device", name, file, "--live")
                #expect(try await at.virsh.must("dumpxml", name).contains("<filterref filter='no-mac-spoofing'/>"))
                let bindings = try await at.virsh.must("nwfilter-binding-list")
                #expect(bindings.contains(tap) && bindings.contains("no-mac-spoofing"), "\(bindings)")
                let table = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter")
                #expect(table.stdout.contains("vm-\(tap)-"), "\(table)")
                continue
            }
            let r = try await at.virsh("update-device", name, file, "--live")
            let master = try await master(of: tap, in: ns) ?? "none"
            lines.append(normal("update-device \(key) rc=\(r.status)\n\(r.stdout)\(r.stderr)master \(master)"))
            let live = try await at.virsh.must("dumpxml", name, "--xpath", "//devices/interface")
            lines.append(normal(live))
            lines.append(normal(try await at.virsh.must("nwfilter-binding-list")))
            guard ours else { continue }
            // Without a filterref the tap has no rules in nftables.
            let table = try await ns.exec("nft", "list", "table", "bridge", "swiftvirt_nwfilter")
            #expect(!table.stdout.contains("vm-\(tap)-"), "\(key): \(table)")
        }
        _ = try await at.virsh("destroy", name)
        _ = try await at.virsh("undefine", name)
        for net in ["upa", "upb"] { _ = try await at.virsh("net-destroy", net) }
        try await ns.must("/usr/sbin/ip", "-n", ns.name, "link", "del", "svupbr")
        return lines
    }
}
