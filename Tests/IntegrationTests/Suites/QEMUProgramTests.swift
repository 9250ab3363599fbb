import Foundation
import Testing

extension Integration {
    /// libvirt's QEMU program through Debian's virsh: monitor commands reach the guest's QMP and taint it,
    /// monitor events are forwarded; and the everyday commands swiftvirtd does not implement yet answer with
    /// libvirt's "not supported", never "unknown procedure".
    @Suite struct QEMUProgram {
        @Test func monitorCommandsEventsAndTaint() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                // With a guest agent channel: the guest image runs Debian's qemu-ga on it.
                let agentChannel = "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
                try readFile(guest.xmlPath).replacingOccurrences(of: "</devices>", with: agentChannel + "</devices>")
                    .write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                #expect(try await virsh.dominfo(guest.name)["Messages"] == nil)

                // QMP as written by the user: the whole reply comes back.
                let status = try await virsh.must("qemu-monitor-command", guest.name, #"{"execute":"query-status"}"#)
                #expect(status.contains(#""return""#) && status.contains(#""status":"running""#), "\(status)")
                let human = try await virsh.must("qemu-monitor-command", guest.name, "--hmp", "info status")
                #expect(human.contains("VM status: running"), "\(human)")
                let unknown = try await virsh.must("qemu-monitor-command", guest.name, #"{"execute":"no-such-command"}"#)
                #expect(unknown.contains("CommandNotFound"), "\(unknown)")
                // virsh wraps text that is not JSON as {"execute": TEXT}; python passes it as it is.
                let script = """
                    import libvirt, libvirt_qemu, sys
                    d = libvirt.open(sys.argv[1]).lookupByName(sys.argv[2])
                    try:
                        libvirt_qemu.qemuMonitorCommand(d, '{not json', 0)
                    except libvirt.libvirtError as e:
                        print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
                    """
                let garbage = try await run(
                    TestEnvironment.python, ["-c", script, daemon.uri, guest.name], scratch: daemon.scratch)
                #expect(garbage.stdout.hasPrefix("1 10 internal error: cannot parse json {not json"), "\(garbage)")

                // Tainted once, in the domain's log and in its messages.
                #expect(
                    try await virsh.dominfo(guest.name)["Messages"] == "tainted: custom monitor control commands issued")
                let log = readFile(daemon.stateDir + "/log/\(guest.name).log")
                #expect(log.components(separatedBy: "is tainted: custom-monitor").count - 1 == 1, "\(log)")

                // The guest agent: replies come back whole; an error reply is libvirt's "unable to execute".
                try await waitUntil("the guest agent to answer", timeout: .seconds(30)) {
                    (try? await virsh.must("qemu-agent-command", guest.name, #"{"execute":"guest-ping"}"#))?
                        .contains(#"{"return":{}}"#) == true
                }
                let info = try await virsh.must("qemu-agent-command", guest.name, #"{"execute":"guest-info"}"#)
                #expect(info.contains(#""version":"7.2."#) && info.contains("guest-get-fsinfo"), "\(info)")
                let refused = try await virsh("qemu-agent-command", guest.name, #"{"execute":"no-such-command"}"#)
                #expect(
                    refused.stderr.contains(
                        "internal error: unable to execute QEMU agent command 'no-such-command': "
                            + "The command no-such-command has not been found"), "\(refused)")
                #expect(log.components(separatedBy: "is tainted").count - 1 == 1, "agent commands taint later: \(log)")
                let messages = try await virsh.must("dominfo", guest.name)
                #expect(messages.contains("tainted: custom guest agent control commands issued"), "\(messages)")
                let agentLog = readFile(daemon.stateDir + "/log/\(guest.name).log")
                #expect(agentLog.contains("is tainted: custom-ga-command"), "\(agentLog)")

                // Events: a STOP from `suspend` reaches a virsh waiting for it.
                let events = try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "qemu-monitor-event", guest.name, "--event", "stop", "--no-case", "--loop", "--timeout", "120",
                    ],
                    scratch: daemon.scratch)
                defer { events.signal(SIGTERM) }
                try await waitUntil("the STOP event", timeout: .seconds(60)) {
                    if events.stdout.contains("event STOP at ") { return true }
                    _ = try await virsh("suspend", guest.name)
                    _ = try await virsh("resume", guest.name)
                    try await Task.sleep(for: .milliseconds(500))
                    return events.stdout.contains("event STOP at ")
                }
                #expect(events.stdout.contains("for domain '\(guest.name)'"), "\(events.stdout)")
                #expect(!events.stdout.contains("event RESUME"), "the filter lets only STOP through: \(events.stdout)")

                try await virsh.must("destroy", guest.name)
                let stopped = try await virsh("qemu-monitor-command", guest.name, #"{"execute":"query-status"}"#)
                #expect(!stopped.succeeded && stopped.stderr.contains("not running"), "\(stopped)")
            }
        }

        @Test func unimplementedCallsAnswerNotSupported() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                let noAgent = try await virsh("qemu-agent-command", guest.name, #"{"execute":"guest-ping"}"#)
                #expect(noAgent.stderr.contains("argument unsupported: QEMU guest agent is not configured"), "\(noAgent)")
                try await virsh.must("destroy", guest.name)
                let file = daemon.scratch.appendingPathComponent("save.img").path
                for command in [
                    ["domstats"], ["snapshot-list", guest.name], ["save", guest.name, file], ["sysinfo"],
                    ["nodedev-list"], ["freecell"], ["setmem", guest.name, "100000", "--config"],
                ] {
                    let result = try await run(TestEnvironment.virsh, virsh.baseArguments + command, scratch: daemon.scratch)
                    #expect(!result.stderr.contains("unknown procedure"), "\(command): \(result)")
                    if !result.succeeded {
                        #expect(
                            result.stderr.contains("not supported by the connection driver")
                                || result.stderr.contains("Requested operation is not valid"), "\(command): \(result)")
                    }
                }
                // The exact error on the wire: code 3 (NO_SUPPORT) from the API's error domain, naming the function.
                let script = """
                    import libvirt, sys
                    c = libvirt.open(sys.argv[1])
                    try:
                        c.lookupByName(sys.argv[2]).jobStats()
                    except libvirt.libvirtError as e:
                        print(e.get_error_code(), e.get_error_domain(), e.get_error_message())
                    """
                let raw = try await run(
                    TestEnvironment.python, ["-c", script, daemon.uri, guest.name], scratch: daemon.scratch)
                #expect(
                    raw.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                        == "3 20 this function is not supported by the connection driver: virDomainGetJobStats",
                    "\(raw)")
            }
        }
    }
}
