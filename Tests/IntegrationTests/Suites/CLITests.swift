import Foundation
import Testing

extension Integration {
    /// The `swiftvirt` CLI against swiftvirtd and against a real libvirtd 9.0 started by the test, each result
    /// compared with what Debian's virsh observes on the same daemon.
    @Suite struct CLI {
        // MARK: Queries: every read-only verb prints what virsh prints (parsed, not byte for byte).

        @Test func queriesMatchVirshOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.queriesMatchVirsh(CLIEndpoint($0)) }
        }

        @Test func queriesMatchVirshOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.queriesMatchVirsh(CLIEndpoint($0)) }
        }

        static func queriesMatchVirsh(_ at: CLIEndpoint) async throws {
            let guest = try at.makeGuest()
            #expect(try await at.mustSwiftvirt("define", guest.xmlPath).contains("Domain '\(guest.name)' defined"))
            let virsh = at.virsh

            let rows = tableRows(try await at.mustSwiftvirt("list", "--all"))
            #expect(Set(rows) == Set(tableRows(try await virsh.must("list", "--all"))), "\(at.label)")
            #expect(rows.contains(["-", guest.name, "shut", "off"]))

            let info = labelledFields(try await at.mustSwiftvirt("dominfo", guest.name))
            let virshInfo = try await virsh.dominfo(guest.name)
            for key in virshInfo.keys where key != "CPU time" {
                #expect(info[key] == virshInfo[key], "dominfo '\(key)' on \(at.label)")
            }
            for verb in ["domstate", "domid", "domuuid", "dumpxml"] {
                let ours = trimmedText(try await at.mustSwiftvirt(verb, guest.name))
                #expect(ours == trimmedText(try await virsh.must(verb, guest.name)), "\(verb) on \(at.label)")
            }
            let uuid = trimmedText(try await virsh.must("domuuid", guest.name))
            #expect(trimmedText(try await at.mustSwiftvirt("domname", uuid)) == guest.name)
            #expect(
                trimmedText(try await at.mustSwiftvirt("dumpxml", "--inactive", guest.name))
                    == trimmedText(try await virsh.must("dumpxml", "--inactive", guest.name)))
            #expect(
                labelledFields(try await at.mustSwiftvirt("nodeinfo"))
                    == labelledFields(try await virsh.must("nodeinfo")))
            for verb in ["hostname", "uri", "capabilities"] {
                #expect(
                    trimmedText(try await at.mustSwiftvirt(verb)) == trimmedText(try await virsh.must(verb)),
                    "\(verb) on \(at.label)")
            }
            let version = try await at.mustSwiftvirt("version", "--daemon")
            let virshVersion = try await virsh.must("version", "--daemon")
            for line in version.split(separator: "\n") {
                #expect(virshVersion.contains(line), "version line '\(line)' on \(at.label)")
            }
            // domcapabilities: same success or failure as virsh, same document when it works.
            let caps = try await at.swiftvirt("domcapabilities")
            let virshCaps = try await virsh("domcapabilities")
            #expect(caps.succeeded == virshCaps.succeeded, "\(caps)\n\(virshCaps)")
            if caps.succeeded { #expect(trimmedText(caps.stdout) == trimmedText(virshCaps.stdout)) }

            // --json: stable fields, the same facts.
            let listed =
                try JSONSerialization.jsonObject(
                    with: Data(try await at.mustSwiftvirt("list", "--all", "--json").utf8)) as? [[String: Any]]
            let entry = listed?.first { $0["name"] as? String == guest.name }
            #expect(entry?["state"] as? String == "shut off")
            #expect(entry?["uuid"] as? String == uuid)
            #expect(entry?["id"] is NSNull)
            let infoJSON =
                try JSONSerialization.jsonObject(
                    with: Data(try await at.mustSwiftvirt("dominfo", "--json", guest.name).utf8)) as? [String: Any]
            #expect(infoJSON?["maxMemoryKiB"] as? Int == 262144)
            #expect(infoJSON?["persistent"] as? Bool == true)
            let nodeJSON =
                try JSONSerialization.jsonObject(
                    with: Data(try await at.mustSwiftvirt("nodeinfo", "--json").utf8)) as? [String: Any]
            #expect("\(nodeJSON?["cpus"] ?? "")" == labelledFields(try await virsh.must("nodeinfo"))["CPU(s)"])

            // A missing domain: both exit 1; ours prints one error line and one hint.
            let missing = try await at.swiftvirt("dominfo", "no-such-\(guest.name)")
            let virshMissing = try await virsh("dominfo", "no-such-\(guest.name)")
            #expect(missing.status == 1 && virshMissing.status == 1)
            let lines = missing.stderr.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].hasPrefix("error: Domain not found") && lines[1].hasPrefix("hint: "))

            #expect(try await at.mustSwiftvirt("undefine", guest.name).contains("has been undefined"))
            #expect(!(try await virsh.must("list", "--all")).contains(guest.name))
        }

        // MARK: Lifecycle, events and the console on a booted guest.

        @Test func lifecycleEventsAndConsoleOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.lifecycleEventsAndConsole(CLIEndpoint($0)) }
        }

        @Test func lifecycleEventsAndConsoleOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.lifecycleEventsAndConsole(CLIEndpoint($0)) }
        }

        static func lifecycleEventsAndConsole(_ at: CLIEndpoint) async throws {
            let virsh = at.virsh
            let guest = try at.makeGuest()
            // Both event watchers see the same daemon; they must print the same lines. On terminals, so that
            // Ctrl+C stops them as a user would (and virsh's output is line-buffered).
            let watch = ["event", "--all", "--loop", "--timeout", "240"]
            let ours = try at.onTerminal([try TestEnvironment.cliBinary(), "-c", at.uri] + watch)
            let theirs = try at.onTerminal([TestEnvironment.virsh, "-c", at.uri] + watch)
            try await Task.sleep(for: .seconds(2))  // both registered before anything happens

            try await at.mustSwiftvirt("define", guest.xmlPath)
            #expect(try await at.mustSwiftvirt("start", guest.name).contains("Domain '\(guest.name)' started"))
            #expect(try await virsh.state(guest.name) == "running")
            #expect(trimmedText(try await at.mustSwiftvirt("domid", guest.name)) != "-")
            try await waitUntil("banner in \(guest.serialLog)", timeout: .seconds(120)) {
                readFile(guest.serialLog).contains(TestEnvironment.banner)
            }

            // The console on a pseudo-terminal; `stty -a` afterwards proves the terminal was restored.
            let console = try at.onTerminal([
                "/bin/sh", "-c", "\"$0\" -c \"$1\" console \"$2\"; echo \"exit=$?\"; stty -a",
                try TestEnvironment.cliBinary(), at.uri, guest.name,
            ])
            try await console.waitForOutput("Escape character is ^]", timeout: .seconds(20))
            console.write("echo sum=$((40+2))\r")
            try await console.waitForOutput("sum=42", timeout: .seconds(20))
            console.write("\u{1d}")
            let closed = try await console.wait(timeout: .seconds(20))
            #expect(closed.stdout.contains("exit=0"), "\(closed)")
            #expect(
                closed.stdout.contains(" icanon") && closed.stdout.contains(" echo "),
                "terminal not restored: \(closed)")

            #expect(try await at.mustSwiftvirt("suspend", guest.name).contains("suspended"))
            #expect(try await virsh.state(guest.name) == "paused")
            #expect(
                trimmedText(try await at.mustSwiftvirt("domstate", "--reason", guest.name))
                    == trimmedText(try await virsh.must("domstate", "--reason", guest.name)))
            try await at.mustSwiftvirt("resume", guest.name)
            #expect(try await virsh.state(guest.name) == "running")
            #expect(try await at.mustSwiftvirt("destroy", guest.name).contains("destroyed"))
            #expect(try await virsh.state(guest.name, reason: true) == "shut off (destroyed)")
            try await at.mustSwiftvirt("undefine", guest.name)

            for watcher in [ours, theirs] {
                try await watcher.waitForOutput("Undefined Removed", timeout: .seconds(20))
            }
            for watcher in [ours, theirs] { watcher.write("\u{3}") }
            let ourOutput = try await ours.wait(timeout: .seconds(20)).stdout
            let theirOutput = try await theirs.wait(timeout: .seconds(20)).stdout
            let ourEvents = eventLines(ourOutput)
            #expect(ourEvents == eventLines(theirOutput), "\(at.label): virsh printed \(theirOutput)")
            #expect(ourEvents.contains("event 'lifecycle' for domain '\(guest.name)': Started Booted"))
            #expect(ourEvents.contains("event 'lifecycle' for domain '\(guest.name)': Stopped Destroyed"))
        }

        static func eventLines(_ output: String) -> [String] {
            output.replacingOccurrences(of: "\r", with: "").split(separator: "\n").map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }.filter {
                $0.hasPrefix("event ")
            }
        }

        // MARK: edit through $EDITOR on a terminal, with virsh's retry prompt.

        @Test func editRedefinesAndRetriesOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.editRedefinesAndRetries(CLIEndpoint($0)) }
        }

        @Test func editRedefinesAndRetriesOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.editRedefinesAndRetries(CLIEndpoint($0)) }
        }

        static func editRedefinesAndRetries(_ at: CLIEndpoint) async throws {
            let guest = try at.makeGuest()
            try await at.virsh.must("define", guest.xmlPath)
            // First run breaks the XML (the daemon rejects it), the second repairs it and lowers the memory.
            let editor = at.scratch.appendingPathComponent("editor.sh").path
            let counter = at.scratch.appendingPathComponent("editor-runs").path
            try """
            #!/bin/sh
            echo x >> '\(counter)'
            if [ "$(wc -l < '\(counter)')" -eq 1 ]; then sed -i 's|</domain>|</domai>|' "$1"
            else sed -i -e 's|</domai>|</domain>|' -e 's/262144/196608/g' "$1"; fi
            """.write(toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)

            let edit = try at.onTerminal(
                [try TestEnvironment.cliBinary(), "-c", at.uri, "edit", guest.name], environment: ["EDITOR": editor])
            try await edit.waitForOutput("Try again? [y,n", timeout: .seconds(30))
            #expect(edit.stdout.contains("error: "))
            edit.write("y\r")
            let done = try await edit.wait(timeout: .seconds(30))
            #expect(done.status == 0, "\(done)")
            #expect(done.stdout.contains("Domain '\(guest.name)' XML configuration edited."))
            #expect(try await at.virsh.dominfo(guest.name)["Max memory"] == "196608 KiB")

            let unchanged = try at.onTerminal(
                [try TestEnvironment.cliBinary(), "-c", at.uri, "edit", guest.name], environment: ["EDITOR": "true"])
            let kept = try await unchanged.wait(timeout: .seconds(30))
            #expect(kept.status == 0 && kept.stdout.contains("XML configuration not changed."), "\(kept)")
            try await at.mustSwiftvirt("undefine", guest.name)
        }

        // MARK: Transports and URIs.

        /// qemu+ssh:// runs `ssh ... -- HOST sh -c '<helper>'`; a stand-in for ssh runs that remote command here
        /// (as sshd would on the host), so the real helper (nc -U) carries the bytes. virsh, given the same
        /// stand-in, must list the same domains.
        @Test func sshTransportMatchesVirsh() async throws {
            try await LibvirtdHarness.with { harness in
                let at = CLIEndpoint(harness)
                let guest = try at.makeGuest()
                try await at.virsh.must("define", guest.xmlPath)
                let standIn = at.scratch.appendingPathComponent("local-ssh").path
                try """
                #!/bin/sh
                while [ "$1" != "--" ]; do shift; done
                shift 2
                exec sh -c "$*"
                """.write(toFile: standIn, atomically: true, encoding: .utf8)
                chmod(standIn, 0o755)
                let sshURI = "qemu+ssh://root@localhost/system?command=\(standIn)&socket=\(harness.socket)"
                let ours = try await run(
                    TestEnvironment.cliBinary(), ["-c", sshURI, "list", "--all"], scratch: at.scratch)
                let theirs = try await run(TestEnvironment.virsh, ["-c", sshURI, "list", "--all"], scratch: at.scratch)
                #expect(ours.succeeded && theirs.succeeded, "\(ours)\n\(theirs)")
                #expect(Set(tableRows(ours.stdout)) == Set(tableRows(theirs.stdout)))
                #expect(tableRows(ours.stdout).contains(["-", guest.name, "shut", "off"]))
            }
        }

        /// A bare socket path and LIBVIRT_DEFAULT_URI reach the daemon; bad URIs and usage errors fail cleanly
        /// with the documented exit codes; help and completion come from ArgumentParser.
        @Test func urisUsageHelpAndCompletion() async throws {
            try await DaemonHarness.with { daemon in
                let cli = try TestEnvironment.cliBinary()
                let bare = try await run(cli, ["-c", daemon.socket, "hostname"], scratch: daemon.scratch)
                #expect(bare.succeeded, "\(bare)")
                let viaEnv = try ChildProcess(
                    cli, ["uri"], scratch: daemon.scratch, environment: ["LIBVIRT_DEFAULT_URI": daemon.uri])
                viaEnv.closeInput()
                let envResult = try await viaEnv.wait()
                #expect(trimmedText(envResult.stdout) == daemon.uri, "\(envResult)")

                let badURI = try await run(
                    cli, ["-c", "qemu+carrier-pigeon://x/system", "list"], scratch: daemon.scratch)
                #expect(
                    badURI.status == 1 && badURI.stderr.contains("error: invalid URI")
                        && badURI.stderr.contains("hint: "))
                let noDaemon = try await run(
                    cli, ["-c", daemon.scratch.path + "/nothing", "list"], scratch: daemon.scratch)
                #expect(noDaemon.status == 1 && noDaemon.stderr.contains("No such file or directory"), "\(noDaemon)")
                let usage = try await run(cli, ["-c", daemon.uri, "event"], scratch: daemon.scratch)
                #expect(usage.status == 64 && usage.stderr.contains("--event"), "\(usage)")

                let help = try await run(cli, ["help", "console"], scratch: daemon.scratch)
                #expect(help.succeeded && help.stdout.contains("--escape"), "\(help)")
                let completion = try await run(cli, ["--generate-completion-script", "bash"], scratch: daemon.scratch)
                #expect(completion.succeeded && completion.stdout.contains("dominfo"))
            }
        }
    }
}
