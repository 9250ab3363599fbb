import Foundation
import Testing

extension Integration {
    /// `swiftvirt event --all` subscribes to every domain event family the daemon supports (swiftvirtd:
    /// lifecycle and reboot; libvirtd: all of libvirt 9.0's) and prints families it does not decode by name.
    @Suite struct CLIEventAll {
        @Test func allFamiliesOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.allFamilies(CLIEndpoint($0), metadata: false) }
        }

        @Test func allFamiliesOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.allFamilies(CLIEndpoint($0), metadata: true) }
        }

        /// With `metadata`, `virsh desc --config` makes the daemon send a metadata-change event, which both
        /// watchers must report for the guest in the same words.
        static func allFamilies(_ at: CLIEndpoint, metadata: Bool) async throws {
            let guest = try at.makeGuest()
            let watch = ["event", "--all", "--loop", "--timeout", "120"]
            let ours = try at.onTerminal([try TestEnvironment.cliBinary(), "-c", at.uri] + watch)
            let theirs = try at.onTerminal([TestEnvironment.virsh, "-c", at.uri] + watch)
            try await Task.sleep(for: .seconds(2))  // both registered before anything happens

            try await at.mustSwiftvirt("define", guest.xmlPath)
            if metadata { try await at.virsh.must("desc", guest.name, "--config", "described by a test") }
            try await at.mustSwiftvirt("undefine", guest.name)
            for watcher in [ours, theirs] {
                try await watcher.waitForOutput("Undefined Removed", timeout: .seconds(30))
                watcher.write("\u{3}")
            }
            let ourEvents = CLI.eventLines(try await ours.wait(timeout: .seconds(20)).stdout)
            let theirEvents = CLI.eventLines(try await theirs.wait(timeout: .seconds(20)).stdout)
            #expect(ourEvents.count == theirEvents.count, "ours \(ourEvents)\nvirsh \(theirEvents)")
            for (mine, virsh) in zip(ourEvents, theirEvents) {
                #expect(virsh.hasPrefix(mine), "ours '\(mine)' vs virsh '\(virsh)' on \(at.label)")
            }
            #expect(ourEvents.first == "event 'lifecycle' for domain '\(guest.name)': Defined Added")
            if metadata {
                #expect(ourEvents == theirEvents)
                #expect(
                    ourEvents.contains(
                        "event 'metadata-change' for domain '\(guest.name)': type description, uri <null>"),
                    "\(ourEvents)")
            }
        }
    }
}
