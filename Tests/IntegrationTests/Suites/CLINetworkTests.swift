import Foundation
import SwiftVirtClient
import Testing

extension Integration {
    /// swiftvirt's network verbs against a real network (Linux bridge, dnsmasq, firewall rules) on swiftvirtd and
    /// on a private libvirtd 9.0, each daemon inside a network namespace the test creates, with every result
    /// compared with Debian virsh's on the same daemon.
    @Suite struct CLINetworks {
        static func labXML(name: String, bridge: String) -> String {
            """
            <network>
              <name>\(name)</name>
              <forward mode='nat'/>
              <bridge name='\(bridge)'/>
              <ip address='10.78.0.1' prefix='24'>
                <dhcp><range start='10.78.0.100' end='10.78.0.200'/></dhcp>
              </ip>
            </network>
            """
        }

        @Test func networkVerbsMatchVirshOnSwiftvirtd() async throws {
            try await NetworkNamespace.with { ns in
                try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                    try await Self.networkVerbs(CLIEndpoint(daemon), ns)
                }
            }
        }

        @Test func networkVerbsMatchVirshOnLibvirtd() async throws {
            try await NetworkNamespace.with { ns in
                try await LibvirtdHarness.with(netns: ns.name) { try await Self.networkVerbs(CLIEndpoint($0), ns) }
            }
        }

        static func networkVerbs(_ at: CLIEndpoint, _ ns: NetworkNamespace) async throws {
            let name = "clinet"
            let bridge = "svcli0"
            let xmlPath = at.scratch.appendingPathComponent("\(name).xml").path
            try labXML(name: name, bridge: bridge).write(toFile: xmlPath, atomically: true, encoding: .utf8)
            let sync = at.scratch.appendingPathComponent("sync.xml").path
            try "<network><name>clisync</name><bridge name='svsync0'/></network>".write(
                toFile: sync, atomically: true, encoding: .utf8)
            let watchers = try await EventWatchers(
                at, ["net-event", "--event", "lifecycle"], syncName: "clisync",
                syncText: "network clisync: Undefined"
            ) {
                try await at.virsh.must("net-define", sync)
                try await at.virsh.must("net-undefine", "clisync")
            }

            #expect(try await at.mustSwiftvirt("net-define", xmlPath) == "Network \(name) defined from \(xmlPath)\n")
            #expect(
                tableRows(try await at.mustSwiftvirt("net-list", "--all"))
                    == tableRows(try await at.virsh.must("net-list", "--all")))
            let uuid = trimmedText(try await at.mustSwiftvirt("net-uuid", name))
            #expect(uuid == trimmedText(try await at.virsh.must("net-uuid", name)))
            #expect(trimmedText(try await at.mustSwiftvirt("net-name", uuid)) == name)
            #expect(trimmedText(try await at.virsh.must("net-name", uuid)) == name)

            #expect(try await at.mustSwiftvirt("net-start", name) == "Network \(name) started\n")
            #expect(try await ns.interfaceExists(bridge), "\(at.label) made no bridge in the namespace")
            #expect(!FileManager.default.fileExists(atPath: "/sys/class/net/\(bridge)"), "bridge leaked to the host")
            #expect(
                labelledFields(try await at.mustSwiftvirt("net-info", name))
                    == labelledFields(try await at.virsh.must("net-info", name)))
            let ourXML = try await at.mustSwiftvirt("net-dumpxml", name)
            let virshXML = try await at.virsh.must("net-dumpxml", name)
            #expect(ourXML == virshXML, "ours:\n\(ourXML)\nvirsh:\n\(virshXML)")
            #expect(
                trimmedText(try await at.mustSwiftvirt("net-list"))
                    == trimmedText(try await at.virsh.must("net-list")), "table layout differs on \(at.label)")
            let json = try await at.mustSwiftvirt("net-list", "--json")
            let listed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
            #expect(listed.count == 1 && listed[0]["name"] as? String == name, "\(json)")
            #expect(listed.first?["bridge"] as? String == bridge && listed.first?["active"] as? Bool == true)

            // net-update: the same changes through both clients, each confirmed in the definition by the other.
            let host = "<host mac='52:54:00:78:00:02' name='fixed' ip='10.78.0.10'/>"
            let both = try await at.mustSwiftvirt("net-update", name, "add", "ip-dhcp-host", host, "--live", "--config")
            #expect(trimmedText(both) == "Updated network \(name) persistent config and live state")
            #expect(try await at.virsh.must("net-dumpxml", name, "--inactive").contains(host))
            #expect(try await at.virsh.must("net-dumpxml", name).contains(host))
            let virshDelete = try await at.virsh.must("net-update", name, "delete", "ip-dhcp-host", host, "--config")
            try await at.virsh.must("net-update", name, "add", "ip-dhcp-host", host, "--config")
            let hostFile = at.scratch.appendingPathComponent("host.xml").path
            try host.write(toFile: hostFile, atomically: true, encoding: .utf8)
            let ourDelete = try await at.mustSwiftvirt(
                "net-update", name, "delete", "ip-dhcp-host", hostFile, "--config")
            #expect(trimmedText(ourDelete) == trimmedText(virshDelete))
            #expect(trimmedText(ourDelete) == "Updated network \(name) persistent config")
            #expect(!(try await at.virsh.must("net-dumpxml", name, "--inactive").contains(host)))
            #expect(try await at.virsh.must("net-dumpxml", name).contains(host))
            #expect(
                trimmedText(try await at.mustSwiftvirt("net-update", name, "delete", "ip-dhcp-host", host, "--live"))
                    == "Updated network \(name) live state")
            #expect(!(try await at.virsh.must("net-dumpxml", name).contains(host)))
            // --current on a running network changes the live state only, in virsh's words.
            let current = try await at.mustSwiftvirt("net-update", name, "add", "ip-dhcp-host", host)
            #expect(trimmedText(current) == "Updated network \(name) live state")
            let virshCurrent = try await at.virsh.must("net-update", name, "delete", "ip-dhcp-host", host)
            #expect(trimmedText(virshCurrent) == trimmedText(current))
            let bad = try await at.swiftvirt("net-update", name, "delete", "ip-dhcp-host", host)
            #expect(!bad.succeeded && bad.stderr.hasPrefix("error: "), "\(bad)")

            #expect(
                trimmedText(try await at.mustSwiftvirt("net-autostart", name))
                    == "Network \(name) marked as autostarted")
            #expect(labelledFields(try await at.virsh.must("net-info", name))["Autostart"] == "yes")
            #expect(
                trimmedText(try await at.mustSwiftvirt("net-autostart", name, "--disable"))
                    == trimmedText(try await at.virsh.must("net-autostart", name, "--disable")))
            #expect(labelledFields(try await at.virsh.must("net-info", name))["Autostart"] == "no")

            // No guest here: both list the same empty lease table.
            #expect(
                trimmedText(try await at.mustSwiftvirt("net-dhcp-leases", name))
                    == trimmedText(try await at.virsh.must("net-dhcp-leases", name)))
            #expect(trimmedText(try await at.mustSwiftvirt("net-dhcp-leases", name, "--json")) == "[]")

            // The legacy name lists agree with the listing above (active, then inactive once destroyed).
            let conn = try await VirtConnection.connect(to: LibvirtURI(at.uri))
            let active = try await conn.activeNetworkNames()
            let activeCount = try await conn.numberOfActiveNetworks()
            let defined = try await conn.definedNetworkNames()
            let definedCount = try await conn.numberOfDefinedNetworks()
            #expect(active == [name] && activeCount == 1 && defined.isEmpty && definedCount == 0)
            #expect(try await at.mustSwiftvirt("net-destroy", name) == "Network \(name) destroyed\n")
            let definedAfter = try await conn.definedNetworkNames()
            let activeAfter = try await conn.numberOfActiveNetworks()
            #expect(definedAfter == [name] && activeAfter == 0)
            await conn.close()
            #expect(!(try await ns.interfaceExists(bridge)))
            #expect(
                trimmedText(try await at.mustSwiftvirt("net-undefine", name)) == "Network \(name) has been undefined")
            #expect(!(try await at.virsh.must("net-list", "--all").contains(name)))

            // A transient network: created and started at once, gone when destroyed.
            #expect(try await at.mustSwiftvirt("net-create", xmlPath) == "Network \(name) created from \(xmlPath)\n")
            #expect(labelledFields(try await at.virsh.must("net-info", name))["Persistent"] == "no")
            #expect(try await ns.interfaceExists(bridge))
            try await at.virsh.must("net-destroy", name)
            #expect(!(try await at.virsh.must("net-list", "--all").contains(name)))

            // Both watchers saw the same lifecycle of `name`, in the same words.
            let (ours, theirs) = try await watchers.finish(after: "for network \(name): Stopped", count: 6)
            #expect(ours == theirs, "ours \(ours)\nvirsh \(theirs)")
            #expect(
                ours
                    == ["Defined", "Started", "Stopped", "Undefined", "Started", "Stopped"].map {
                        "event 'lifecycle' for network \(name): \($0)"
                    })
        }
    }
}

/// A swiftvirt event command and the same virsh command (net-event, pool-event), each on its own
/// pseudo-terminal, watching every object of their kind.
struct EventWatchers {
    let ours: ChildProcess
    let theirs: ChildProcess
    /// Event lines mentioning this name (the throwaway object used to synchronise) are left out.
    let syncName: String

    /// Starts both with `arguments` and repeats `poke` (which must make an event about `syncName`) until both have
    /// reported one ending with `syncText`, so both are registered before the test acts (no sleeping on a guess).
    init(
        _ at: CLIEndpoint, _ arguments: [String], syncName: String, syncText: String, poke: () async throws -> Void
    ) async throws {
        self.syncName = syncName
        let watch = arguments + ["--loop", "--timeout", "300"]
        ours = try at.onTerminal([try TestEnvironment.cliBinary(), "-c", at.uri] + watch)
        theirs = try at.onTerminal([TestEnvironment.virsh, "-c", at.uri] + watch)
        try await waitUntil("both \(arguments[0]) watchers to report \(syncName)", timeout: .seconds(60)) {
            try await poke()
            return [ours, theirs].allSatisfy { $0.stdout.contains(syncText) }
        }
    }

    /// Waits for `count` lines, the last ending with `last` (per watcher), stops both, and returns each one's
    /// event lines (without the synchronising ones).
    func finish(after last: String, count: Int) async throws -> ([String], [String]) {
        func lines(_ p: ChildProcess) -> [String] {
            Integration.CLI.eventLines(p.stdout).filter { !$0.contains(syncName) }
        }
        for watcher in [ours, theirs] {
            try await waitUntil("\(count) events", timeout: .seconds(60)) {
                lines(watcher).count >= count && lines(watcher).last?.hasSuffix(last) == true
            }
            watcher.write("\u{3}")
        }
        _ = try await ours.wait(timeout: .seconds(20))
        _ = try await theirs.wait(timeout: .seconds(20))
        return (lines(ours), lines(theirs))
    }
}
