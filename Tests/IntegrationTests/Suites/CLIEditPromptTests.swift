import Foundation
import Testing

extension Integration {
    /// `swiftvirt edit`'s retry prompt offers virsh 9.0's choices, through a real pseudo-terminal: `?` explains
    /// them, `f` redefines the same XML again without the editor, `i` redefines it without schema validation.
    @Suite struct CLIEditPrompt {
        @Test func relaxAndForceOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.relaxAndForce(CLIEndpoint($0), relaxAccepts: true) }
        }

        @Test func relaxAndForceOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.relaxAndForce(CLIEndpoint($0), relaxAccepts: true) }
        }

        /// A value no parser takes: refused with validation and without.
        @Test func refusedEvenUnvalidatedOnSwiftvirtd() async throws {
            try await DaemonHarness.with {
                try await Self.relaxAndForce(
                    CLIEndpoint($0), relaxAccepts: false, edit: "s|>1</vcpu>|>many</vcpu>|")
            }
        }

        /// The editor adds an element outside libvirt's schema, or `extra`'s change (and lowers the memory): with
        /// validation the define fails. `relaxAccepts`: whether the daemon then takes it unvalidated (libvirtd ignores unknown
        /// elements; swiftvirtd keeps them, as it keeps whatever it does not act on).
        static func relaxAndForce(
            _ at: CLIEndpoint, relaxAccepts: Bool, edit extra: String = "s|</domain>|<swiftvirtUnknown/></domain>|"
        ) async throws {
            let guest = try at.makeGuest()
            try await at.virsh.must("define", guest.xmlPath)
            let editor = at.scratch.appendingPathComponent("editor.sh").path
            let counter = at.scratch.appendingPathComponent("editor-runs").path
            try """
            #!/bin/sh
            echo x >> '\(counter)'
            sed -i -e '\(extra)' -e 's/262144/196608/g' "$1"
            """.write(toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)

            let edit = try at.onTerminal(
                [try TestEnvironment.cliBinary(), "-c", at.uri, "edit", guest.name], environment: ["EDITOR": editor])
            try await edit.waitForOutput("Failed. Try again? [y,n,i,f,?]:", timeout: .seconds(30))
            edit.write("?\r")
            try await edit.waitForOutput("i - turn off validation and try to redefine again", timeout: .seconds(30))
            try await edit.waitForOutput("f - force, try to redefine again", timeout: .seconds(30))
            // f: the same XML again, no editor; it fails again and the prompt returns.
            edit.write("f\r")
            try await waitUntil("a third prompt", timeout: .seconds(30)) {
                edit.stdout.components(separatedBy: "Try again? [y,n,i,f,?]:").count == 4
            }
            edit.write("i\r")
            if relaxAccepts {
                let done = try await edit.wait(timeout: .seconds(30))
                #expect(done.status == 0 && done.stdout.contains("XML configuration edited."), "\(done)")
                #expect(try await at.virsh.dominfo(guest.name)["Max memory"] == "196608 KiB")
            } else {
                // Refused unvalidated too: the prompt comes back without i, and n gives up.
                try await edit.waitForOutput("Failed. Try again? [y,n,f,?]:", timeout: .seconds(30))
                edit.write("n\r")
                let done = try await edit.wait(timeout: .seconds(30))
                #expect(done.status == 1 && done.stdout.contains("XML configuration not changed."), "\(done)")
                #expect(try await at.virsh.dominfo(guest.name)["Max memory"] == "262144 KiB")
            }
            #expect(readFile(counter).split(separator: "\n").count == 1, "the editor ran again")
            try await at.mustSwiftvirt("undefine", guest.name)
        }
    }
}
