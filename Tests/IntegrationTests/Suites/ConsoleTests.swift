import Foundation
import Testing

extension Integration {
    /// `virsh console` on a terminal, as a person uses it: the stream carries the guest's serial port both ways.
    @Suite struct Console {
        /// Runs `virsh console NAME` on a pseudo-terminal.
        private func openConsole(_ daemon: DaemonHarness, _ name: String) async throws -> ChildProcess {
            try await GuestShell.console(daemon, name)
        }

        @Test func consoleShowsBannerTakesInputAndEscapes() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                // Paused first, so the console is attached before the guest prints anything.
                try await virsh.must("start", "--paused", guest.name)
                #expect(try await virsh.state(guest.name) == "paused")

                let console = try await openConsole(daemon, guest.name)
                try await virsh.must("resume", guest.name)
                try await console.waitForOutput(TestEnvironment.banner, timeout: .seconds(90))

                // The shell on ttyS0 answers; the arithmetic proves the guest ran it (the echo of what we typed
                // does not contain "42").
                console.write("echo sum=$((40+2))\r")
                try await console.waitForOutput("sum=42", timeout: .seconds(20))

                console.write("\u{1d}")  // ^] leaves the console
                let closed = try await console.wait(timeout: .seconds(20))
                #expect(closed.status == 0, "\(closed)")
                #expect(try await virsh.state(guest.name) == "running")

                // A second session on the running guest; the guest powering itself off ends the stream.
                let again = try await openConsole(daemon, guest.name)
                again.write("\r")
                try await again.waitForOutput("# ", timeout: .seconds(20))
                again.write("poweroff -f\r")
                try await virsh.waitForState(guest.name, "shut off", timeout: .seconds(30))
                let ended = try await again.wait(timeout: .seconds(20))
                #expect(ended.stdout.contains("Power down") || ended.stdout.contains("poweroff"), "\(ended)")
                #expect(try await virsh.state(guest.name, reason: true) == "shut off (shutdown)")
                try await virsh.must("undefine", guest.name)
            }
        }
    }
}
