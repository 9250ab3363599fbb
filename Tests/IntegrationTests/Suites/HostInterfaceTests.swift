import Foundation
import Testing

extension Integration {
    /// Host interfaces, read-only, side by side with a private libvirtd 9.0 (its udev interface backend): both
    /// run in one network namespace holding a bridge with STP on and a veth port (ports are not listed), the
    /// veth's peer, which is up, one more veth pair whose peer stays down, and a veth named like a VLAN
    /// (`svv.5`), whose description both fail to read. iface-list (all, active, inactive), iface-dumpxml,
    /// iface-mac, iface-name and the python calls (counts, old list calls, lookups, isActive) must be the same.
    @Suite(.serialized) struct HostInterfaces {
        static let python = """
            import libvirt, sys
            c = libvirt.open(sys.argv[1])
            print(c.numOfInterfaces(), sorted(c.listInterfaces()), c.numOfDefinedInterfaces(), sorted(c.listDefinedInterfaces()))
            for n in ['svbr0', 'sva', 'svc', 'lo', 'nosuch']:
                try:
                    i = c.interfaceLookupByName(n)
                    print(n, i.MACString(), i.isActive())
                except libvirt.libvirtError as e:
                    print('error', e.get_error_code(), e.get_error_domain(), e)
            for f in (0, libvirt.VIR_CONNECT_LIST_INTERFACES_ACTIVE, libvirt.VIR_CONNECT_LIST_INTERFACES_INACTIVE):
                print(f, sorted((i.name(), i.MACString()) for i in c.listAllInterfaces(f)))
            """

        @Test func sameAsLibvirtdUdevBackend() async throws {
            try await NetworkNamespace.with { ns in
                for args in [
                    ["link", "add", "svbr0", "type", "bridge", "stp_state", "1"],
                    ["link", "add", "sva", "type", "veth", "peer", "name", "svb"], ["link", "set", "sva", "master", "svbr0"],
                    ["link", "set", "sva", "up"], ["link", "set", "svb", "up"], ["link", "set", "svbr0", "up"],
                    ["link", "add", "svc", "type", "veth", "peer", "name", "svd"], ["link", "set", "svc", "up"],
                    ["link", "add", "svv.5", "type", "veth", "peer", "name", "svw"],
                ] {
                    let r = try await run("/usr/sbin/ip", ["-n", ns.name] + args, scratch: ns.scratch)
                    guard r.succeeded else { throw HarnessError("ip failed: \(r)") }
                }
                try await LibvirtdHarness.with(netns: ns.name) { lvd in
                    try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                        try await Self.compare(Virsh(daemon), Virsh(uri: lvd.uri, scratch: lvd.scratch), daemon.scratch)
                    }
                }
            }
        }

        static func compare(_ ours: Virsh, _ theirs: Virsh, _ scratch: URL) async throws {
            var commands: [[String]] = [
                ["iface-list"], ["iface-list", "--all"], ["iface-list", "--inactive"], ["iface-dumpxml", "svbr0"],
                ["iface-dumpxml", "svb", "--inactive"], ["iface-dumpxml", "svc"], ["iface-dumpxml", "lo"],
                ["iface-dumpxml", "sva"], ["iface-dumpxml", "svv.5"], ["iface-dumpxml", "nosuch"], ["iface-mac", "svb"],
                ["iface-name", "00:00:00:00:00:00"], ["iface-name", "02:00:00:00:00:99"],
            ]
            let svbMAC = trimmedText(try await theirs.must("iface-mac", "svb"))
            commands.append(["iface-name", svbMAC])
            for args in commands {
                let a = try await run(TestEnvironment.virsh, ours.baseArguments + args, scratch: ours.scratch)
                let b = try await run(TestEnvironment.virsh, theirs.baseArguments + args, scratch: theirs.scratch)
                #expect(
                    a.status == b.status && a.stdout == b.stdout && a.stderr == b.stderr,
                    "\(args)\nours: \(a)\ntheirs: \(b)")
            }
            let listed = try await ours.must("iface-list", "--all")
            #expect(listed.contains("svbr0") && listed.contains("svb") && !listed.contains(" sva "), "\(listed)")
            #expect(try await ours.must("iface-dumpxml", "svbr0").contains("<interface type='ethernet' name='sva'>"))
            let a = try await run(TestEnvironment.python, ["-c", python, ours.uri], scratch: scratch)
            let b = try await run(TestEnvironment.python, ["-c", python, theirs.uri], scratch: scratch)
            #expect(a.succeeded && a.stdout == b.stdout && a.stderr == b.stderr, "ours: \(a)\ntheirs: \(b)")
        }
    }
}
