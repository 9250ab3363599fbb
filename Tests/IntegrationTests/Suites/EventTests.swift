import Foundation
import Testing

extension Integration {
    /// `virsh event --loop --all` receives lifecycle events as they happen.
    @Suite struct Events {
        @Test func eventLoopSeesLifecycle() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let prefix = "event 'lifecycle' for domain '\(guest.name)': "
                // On a terminal so virsh's output is not held in a pipe buffer.
                let events = try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "event", "--loop", "--all", "--timeout", "240",
                    ],
                    scratch: daemon.scratch)
                defer { events.signal(SIGTERM) }

                // virsh prints nothing once registered, so redefine (an update, with the uuid from dumpxml) until
                // the event shows it is listening.
                try await virsh.must("define", guest.xmlPath)
                let current = daemon.scratch.appendingPathComponent("\(guest.name)-current.xml").path
                try await virsh.must("dumpxml", guest.name).write(toFile: current, atomically: true, encoding: .utf8)
                try await waitUntil("the event loop to report Defined", timeout: .seconds(30)) {
                    if events.stdout.contains(prefix + "Defined") { return true }
                    try await virsh.must("define", current)
                    try await Task.sleep(for: .milliseconds(500))
                    return events.stdout.contains(prefix + "Defined")
                }

                try await virsh.must("start", guest.name)
                try await events.waitForOutput(prefix + "Started Booted", timeout: .seconds(30))
                try await virsh.must("suspend", guest.name)
                try await events.waitForOutput(prefix + "Suspended Paused", timeout: .seconds(30))
                try await virsh.must("resume", guest.name)
                try await events.waitForOutput(prefix + "Resumed Unpaused", timeout: .seconds(30))
                try await virsh.must("destroy", guest.name)
                try await events.waitForOutput(prefix + "Stopped Destroyed", timeout: .seconds(30))
                try await virsh.must("undefine", guest.name)
                try await events.waitForOutput(prefix + "Undefined Removed", timeout: .seconds(30))

                // Ctrl+C on virsh's terminal ends the loop, as for a person.
                events.write("\u{03}")
                let ended = try await events.wait(timeout: .seconds(10))
                #expect(ended.status == 0, "\(ended)")
            }
        }
    }
}
