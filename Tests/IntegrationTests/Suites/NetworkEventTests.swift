import Foundation
import Testing

extension Integration.Networks {
    /// `virsh net-event --event lifecycle --loop` prints each lifecycle change of a network as libvirt's does.
    @Test func netEventLoopSeesDefinedStartedStoppedUndefined() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let virsh = Virsh(daemon)
                let prefix = "event 'lifecycle' for network evnet: "
                // On a terminal so virsh's output is not held in a pipe buffer.
                let events = try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "net-event", "--event", "lifecycle", "--loop", "--timeout", "240",
                    ],
                    scratch: daemon.scratch)
                defer { events.signal(SIGTERM) }
                let path = daemon.scratch.appendingPathComponent("evnet.xml").path
                try
                    "<network><name>evnet</name><uuid>7d2e6a4c-5b1f-4c3e-9a8d-1f2e3d4c5b6a</uuid><bridge name='svev0'/><ip address='10.74.0.1' prefix='24'/></network>"
                    .write(toFile: path, atomically: true, encoding: .utf8)
                // virsh prints nothing once registered, so define again (an update) until the loop reports it.
                try await waitUntil("the event loop to report Defined", timeout: .seconds(30)) {
                    try await virsh.must("net-define", path)
                    try await Task.sleep(for: .milliseconds(300))
                    return events.stdout.contains(prefix + "Defined")
                }
                try await virsh.must("net-start", "evnet")
                try await events.waitForOutput(prefix + "Started", timeout: .seconds(30))
                try await virsh.must("net-destroy", "evnet")
                try await events.waitForOutput(prefix + "Stopped", timeout: .seconds(30))
                try await virsh.must("net-undefine", "evnet")
                try await events.waitForOutput(prefix + "Undefined", timeout: .seconds(30))

                // A callback on one network sees only that network (virsh net-event --network).
                try await virsh.must("net-define", path)
                let one = try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "net-event", "--network", "evnet", "--event", "lifecycle", "--loop", "--timeout", "240",
                    ],
                    scratch: daemon.scratch)
                defer { one.signal(SIGTERM) }
                try await waitUntil("the one-network loop to report Defined", timeout: .seconds(30)) {
                    try await virsh.must("net-define", path)
                    try await Task.sleep(for: .milliseconds(300))
                    return one.stdout.contains(prefix + "Defined")
                }
                let other = daemon.scratch.appendingPathComponent("other.xml").path
                try "<network><name>othernet</name><bridge name='svev1'/></network>"
                    .write(toFile: other, atomically: true, encoding: .utf8)
                try await virsh.must("net-define", other)
                try await virsh.must("net-start", "evnet")
                try await one.waitForOutput(prefix + "Started", timeout: .seconds(30))
                #expect(!one.stdout.contains("othernet"), "net-event --network evnet: \(one.stdout)")
                #expect(events.stdout.contains("event 'lifecycle' for network othernet: Defined"))
                try await virsh.must("net-destroy", "evnet")
                try await one.waitForOutput(prefix + "Stopped", timeout: .seconds(30))

                events.write("\u{03}")
                let ended = try await events.wait(timeout: .seconds(10))
                #expect(ended.status == 0, "\(ended)")
            }
        }
    }
}

extension Integration.Networks {
    /// python3-libvirt's networkEventRegisterAny and its old list calls (listNetworks, numOfDefinedNetworks...).
    @Test func pythonClientGetsNetworkEventsAndTheOldNameLists() async throws {
        try await NetworkNamespace.with { ns in
            try await DaemonHarness.with(arguments: ["--no-default-network"], netns: ns.name) { daemon in
                let path = daemon.scratch.appendingPathComponent("pynet.xml").path
                try "<network><name>pynet</name><bridge name='svpy0'/><ip address='10.79.0.1' prefix='24'/></network>"
                    .write(toFile: path, atomically: true, encoding: .utf8)
                let r = try await run(
                    TestEnvironment.python, [TestEnvironment.pythonScript("network_events.py"), daemon.uri, path],
                    scratch: daemon.scratch, timeout: .seconds(90))
                #expect(r.succeeded, "\(r)")
                #expect(r.stdout.contains("defined-list ['pynet'] 1"), "\(r.stdout)")
                #expect(r.stdout.contains("active-list ['pynet'] 1 0"), "\(r.stdout)")
                #expect(
                    r.stdout.contains("events pynet:Defined pynet:Started pynet:Stopped pynet:Undefined"),
                    "\(r.stdout)")
                #expect(r.stdout.contains("second deregister refused"), "\(r.stdout)")
            }
        }
    }
}
