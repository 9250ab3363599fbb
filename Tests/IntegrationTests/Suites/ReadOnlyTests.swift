import Foundation
import Testing

extension Integration {
    /// The -ro socket serves reads and refuses every change with libvirt's "operation forbidden".
    @Suite struct ReadOnlySocket {
        @Test func readOnlySocketRefusesChanges() async throws {
            try await DaemonHarness.with { daemon in
                let guest = try TestGuest(daemon)
                try await Virsh(daemon).must("define", guest.xmlPath)

                // Without -r the client library lets the calls through, so these refusals are the server's.
                let plain = Virsh(daemon, readOnlySocket: true)
                #expect(try await plain.must("list", "--all").contains(guest.name))
                #expect(try await plain.state(guest.name) == "shut off")
                let other = try TestGuest(daemon)
                for args in [["define", other.xmlPath], ["start", guest.name], ["undefine", guest.name]] {
                    let result = try await run(
                        TestEnvironment.virsh, plain.baseArguments + args, scratch: daemon.scratch)
                    #expect(!result.succeeded, "\(result)")
                    #expect(result.stderr.contains("operation forbidden"), "\(result)")
                }
                #expect(try await plain.state(guest.name) == "shut off")
                #expect(!(try await Virsh(daemon).must("list", "--all").contains(other.name)))

                // With -r as a person would type it.
                let flagged = Virsh(daemon, readOnlySocket: true, readOnlyFlag: true)
                #expect(try await flagged.must("dominfo", guest.name).contains(guest.name))
                let refused = try await flagged("define", other.xmlPath)
                #expect(!refused.succeeded)
                #expect(refused.stderr.contains("forbidden"), "\(refused)")
            }
        }
    }
}
