import Foundation
import Testing

extension Integration.CLINetworks {
    /// A booted guest takes a DHCP lease on a NAT network of swiftvirtd (inside a namespace): swiftvirt's
    /// net-dhcp-leases, domifaddr and domiflist print what virsh prints. Only on swiftvirtd: booting a guest under
    /// the private libvirtd adds minutes and no CLI behaviour.
    @Test func guestLeaseAndAddressesMatchVirshOnSwiftvirtd() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let at = CLIEndpoint(daemon)
                let mac = "52:54:00:77:00:31"
                let (guest, tap, address) = try await Integration.Networks.bootGuestOnLab(daemon, mac: mac)

                let leases = try await at.mustSwiftvirt("net-dhcp-leases", "lab")
                #expect(trimmedText(leases) == trimmedText(try await at.virsh.must("net-dhcp-leases", "lab")))
                #expect(leases.contains(mac) && leases.contains("\(address)/24"), "\(leases)")
                let one = try await at.mustSwiftvirt("net-dhcp-leases", "lab", "--mac", mac)
                #expect(
                    trimmedText(one) == trimmedText(try await at.virsh.must("net-dhcp-leases", "lab", "--mac", mac)))
                let none = try await at.mustSwiftvirt("net-dhcp-leases", "lab", "--mac", "52:54:00:00:00:99")
                #expect(tableRows(none).isEmpty)
                let leaseJSON = try await at.mustSwiftvirt("net-dhcp-leases", "lab", "--json")
                #expect(leaseJSON.contains("\"ipAddress\": \"\(address)\""), "\(leaseJSON)")

                let addr = try await at.mustSwiftvirt("domifaddr", guest.name)
                #expect(addr == (try await at.virsh.must("domifaddr", guest.name)))
                #expect(addr.contains(tap) && addr.contains("\(address)/24"), "\(addr)")
                let lease = try await at.mustSwiftvirt("domifaddr", guest.name, "--source", "lease", "--full")
                #expect(lease == (try await at.virsh.must("domifaddr", guest.name, "--source", "lease", "--full")))
                // The ARP source reads the namespace's neighbour table, which changes as the guest talks: only
                // that the call works and has the guest's MAC when it has any entry.
                let arp = try await at.swiftvirt("domifaddr", guest.name, "--source", "arp")
                #expect(arp.succeeded && arp.stdout.hasPrefix(" Name"), "\(arp)")
                let addrJSON = try await at.mustSwiftvirt("domifaddr", guest.name, "--json")
                #expect(addrJSON.contains("\"address\": \"\(address)\"") && addrJSON.contains(mac), "\(addrJSON)")

                let list = try await at.mustSwiftvirt("domiflist", guest.name)
                #expect(trimmedText(list) == trimmedText(try await at.virsh.must("domiflist", guest.name)))
                #expect(tableRows(list) == [[tap, "network", "lab", "virtio", mac]])
                let listJSON = try await at.mustSwiftvirt("domiflist", guest.name, "--json")
                let nics = try #require(JSONSerialization.jsonObject(with: Data(listJSON.utf8)) as? [[String: String]])
                #expect(
                    nics == [["interface": tap, "type": "network", "source": "lab", "model": "virtio", "mac": mac]],
                    "\(listJSON)")
            }
        }
    }
}

extension Integration {
    /// `swiftvirt pool-event` prints what `virsh pool-event` prints for the same pool's lifecycle and refreshes.
    @Suite struct CLIPoolEvents {
        @Test func poolEventsMatchVirshOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.poolEvents(CLIEndpoint($0)) }
        }

        @Test func poolEventsMatchVirshOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.poolEvents(CLIEndpoint($0)) }
        }

        static func poolEvents(_ at: CLIEndpoint) async throws {
            let dir = at.scratch.appendingPathComponent("evpool").path
            let syncDir = at.scratch.appendingPathComponent("evsync").path
            let poke = {
                try await at.virsh.must("pool-define-as", "clisyncpool", "dir", "--target", syncDir)
                try await at.virsh.must("pool-undefine", "clisyncpool")
            }
            let lifecycle = try await EventWatchers(
                at, ["pool-event", "--event", "lifecycle"], syncName: "clisyncpool",
                syncText: "storage pool clisyncpool: Undefined", poke: poke)
            // The refresh watchers synchronise on a refresh of a pool of their own.
            try await at.virsh.must("pool-define-as", "clisyncpool", "dir", "--target", syncDir)
            try await at.virsh.must("pool-build", "clisyncpool")
            try await at.virsh.must("pool-start", "clisyncpool")
            let refresh = try await EventWatchers(
                at, ["pool-event", "--event", "refresh"], syncName: "clisyncpool",
                syncText: "event 'refresh' for storage pool clisyncpool"
            ) { try await at.virsh.must("pool-refresh", "clisyncpool") }

            try await at.mustSwiftvirt("pool-define-as", "evpool", "dir", "--target", dir)
            try await at.mustSwiftvirt("pool-build", "evpool")
            try await at.mustSwiftvirt("pool-start", "evpool")
            try await at.mustSwiftvirt("pool-refresh", "evpool")
            try await at.mustSwiftvirt("pool-destroy", "evpool")
            try await at.mustSwiftvirt("pool-undefine", "evpool")
            try await at.virsh.must("pool-destroy", "clisyncpool")
            try await at.virsh.must("pool-undefine", "clisyncpool")

            let (ours, theirs) = try await lifecycle.finish(after: "storage pool evpool: Undefined", count: 4)
            #expect(ours == theirs, "ours \(ours)\nvirsh \(theirs) on \(at.label)")
            #expect(ours.first == "event 'lifecycle' for storage pool evpool: Defined", "\(ours)")
            #expect(ours.contains("event 'lifecycle' for storage pool evpool: Started"), "\(ours)")
            let (ourRefresh, theirRefresh) = try await refresh.finish(after: "storage pool evpool", count: 1)
            #expect(ourRefresh == theirRefresh)
            #expect(ourRefresh == ["event 'refresh' for storage pool evpool"])
        }
    }
}
