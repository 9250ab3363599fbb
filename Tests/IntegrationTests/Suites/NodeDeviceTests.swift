import Foundation
import Testing

extension Integration {
    /// Node devices read from sysfs, side by side with a private libvirtd 9.0 (its udev backend) on this machine:
    /// both daemons run in one network namespace of the test's own holding a bridge (which libvirt does not
    /// list: its DEVTYPE is `bridge`), a veth pair that is up and one whose peer is down, so both see the same interfaces. The
    /// listings (whole, tree, and per capability), every device's XML, nodedev-info and the python calls
    /// (counts, old list calls, capabilities, parents, list filters, errors) must be the same. Kinds SwiftVirt
    /// does not read (USB, SCSI, removable media, DRM, mediated devices, s390) are left out of the whole listing
    /// on a machine that has them.
    @Suite(.serialized) struct NodeDevices {
        static let python = """
            import libvirt, sys
            c = libvirt.open(sys.argv[1])
            print(c.numOfDevices('pci'), c.numOfDevices('net'), c.numOfDevices('system'))
            print(sorted(c.listDevices('pci')), sorted(c.listDevices('net')))
            for n in sys.argv[2:] + ['nosuch']:
                try:
                    d = c.nodeDeviceLookupByName(n)
                    try:
                        p = d.parent()
                    except libvirt.libvirtError as e:
                        p = ('error', e.get_error_code(), e.get_error_domain(), str(e))
                    print(n, d.numOfCaps(), d.listCaps(), p, d.isActive(), d.isPersistent(), d.autostart())
                except libvirt.libvirtError as e:
                    print('error', e.get_error_code(), e.get_error_domain(), e)
            for f in (libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET | libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV,
                      libvirt.VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE,
                      libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM | libvirt.VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE):
                print(f, sorted(d.name() for d in c.listAllDevices(f)))
            """

        /// Names of the kinds SwiftVirt reads.
        static func implemented(_ name: String) -> Bool {
            name == "computer" || name.hasPrefix("pci_") || name.hasPrefix("net_") || name.hasPrefix("block_")
        }

        @Test func sameAsLibvirtdUdevBackend() async throws {
            try await NetworkNamespace.with { ns in
                for args in [
                    ["link", "add", "svc", "type", "veth", "peer", "name", "svd"], ["link", "set", "svc", "up"],
                    ["link", "add", "svbr0", "type", "bridge"], ["link", "set", "svbr0", "up"],
                    ["link", "add", "sva", "type", "veth", "peer", "name", "svb"], ["link", "set", "sva", "up"],
                    ["link", "set", "svb", "up"],
                ] {
                    _ = try await run("/usr/sbin/ip", ["-n", ns.name] + args, scratch: ns.scratch).stdout
                }
                try await LibvirtdHarness.with(netns: ns.name) { lvd in
                    try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                        try await Self.compare(Virsh(daemon), Virsh(uri: lvd.uri, scratch: lvd.scratch), daemon, lvd)
                    }
                }
            }
        }

        /// While a client listens, a network interface that appears is announced as created and one that goes
        /// away as deleted (libvirtd learns of them from udevd, which this machine may not run: no comparison).
        @Test func lifecycleEventsFollowTheHost() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    let virsh = Virsh(daemon)
                    let listener = try ChildProcess(
                        TestEnvironment.virsh,
                        virsh.baseArguments + ["nodedev-event", "--event", "lifecycle", "--loop", "--timeout", "14"],
                        scratch: daemon.scratch)
                    try await Task.sleep(for: .seconds(2))
                    let ip = { (args: [String]) in
                        let r = try await run("/usr/sbin/ip", ["-n", ns.name] + args, scratch: ns.scratch)
                        guard r.succeeded else { throw HarnessError("ip failed: \(r)") }
                    }
                    try await ip(["link", "add", "sve", "type", "veth", "peer", "name", "svf"])
                    try await listener.waitForOutput("net_svf_", timeout: .seconds(10))
                    let listed = try await virsh.must("nodedev-list", "--cap", "net")
                    #expect(listed.contains("net_sve_") && listed.contains("net_svf_"), "\(listed)")
                    try await ip(["link", "del", "sve"])
                    try await listener.waitForOutput("Deleted", timeout: .seconds(10))
                    let r = try await listener.wait(timeout: .seconds(20))
                    let lines = r.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("event '") }
                    let expected = [("sve", "Created"), ("svf", "Created"), ("sve", "Deleted"), ("svf", "Deleted")]
                    #expect(lines.count == 4, "\(r)")
                    for (line, (name, what)) in zip(lines, expected) {
                        #expect(
                            line.hasPrefix("event 'lifecycle' for node device net_\(name)_") && line.hasSuffix(": \(what)"),
                            "\(r)")
                    }
                }
            }
        }

        static func compare(_ ours: Virsh, _ theirs: Virsh, _ daemon: DaemonHarness, _ lvd: LibvirtdHarness) async throws {
            func both(_ args: [String]) async throws -> (CommandResult, CommandResult) {
                (
                    try await run(TestEnvironment.virsh, ours.baseArguments + args, scratch: ours.scratch),
                    try await run(TestEnvironment.virsh, theirs.baseArguments + args, scratch: theirs.scratch)
                )
            }
            let theirList = try await theirs.must("nodedev-list")
            let names = theirList.split(separator: "\n").map(String.init)
            #expect(names.contains("computer") && names.contains { $0.hasPrefix("pci_") }, "\(theirList)")
            #expect(names.contains { $0.hasPrefix("net_svd_") } && names.contains { $0.hasPrefix("net_sva_") })
            #expect(!names.contains { $0.hasPrefix("net_svbr0") })
            let onlyImplemented = names.allSatisfy(implemented)
            for args in [["nodedev-list"], ["nodedev-list", "--tree"], ["nodedev-list", "--cap", "storage"]] {
                let (a, b) = try await both(args)
                if onlyImplemented {
                    #expect(a.stdout == b.stdout && a.status == b.status, "\(args)\nours: \(a)\ntheirs: \(b)")
                }
            }
            for cap in ["pci", "net", "system", "pci,net"] {
                let (a, b) = try await both(["nodedev-list", "--cap", cap])
                #expect(a.stdout == b.stdout && a.status == b.status, "\(cap)\nours: \(a)\ntheirs: \(b)")
            }
            for name in names.filter(implemented) + ["nosuch"] {
                let (a, b) = try await both(["nodedev-dumpxml", name])
                #expect(a.stdout == b.stdout && a.stderr == b.stderr, "\(name)\nours: \(a)\ntheirs: \(b)")
                #expect(name == "nosuch" || a.stdout.contains("<name>\(name)</name>"), "\(a)")
            }
            let pci = try #require(names.first { $0.hasPrefix("pci_") })
            for name in ["computer", pci] {
                let (a, b) = try await both(["nodedev-info", name])
                #expect(a.stdout == b.stdout, "ours: \(a)\ntheirs: \(b)")
            }
            let sample = ["computer", pci] + names.filter { $0.hasPrefix("net_") || $0.hasPrefix("block_") }
            let a = try await run(TestEnvironment.python, ["-c", python, ours.uri] + sample, scratch: daemon.scratch)
            let b = try await run(TestEnvironment.python, ["-c", python, theirs.uri] + sample, scratch: lvd.scratch)
            #expect(a.succeeded && a.stdout == b.stdout && a.stderr == b.stderr, "ours: \(a)\ntheirs: \(b)")
        }
    }
}
