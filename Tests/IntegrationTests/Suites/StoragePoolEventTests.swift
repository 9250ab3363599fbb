import Foundation
import Testing

extension Integration.Storage {
    /// `virsh pool-event --loop` receives storage pool lifecycle and refresh events as they happen.
    @Test func poolEventLoopSeesLifecycle() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            func loop(_ event: String) throws -> ChildProcess {
                // On a terminal so virsh's output is not held in a pipe buffer.
                try ChildProcess(
                    TestEnvironment.python,
                    [
                        TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri,
                        "pool-event", "--event", event, "--loop", "--timeout", "120",
                    ],
                    scratch: daemon.scratch)
            }
            let lifecycle = try loop("lifecycle")
            defer { lifecycle.signal(SIGTERM) }
            let refresh = try loop("refresh")
            defer { refresh.signal(SIGTERM) }

            // virsh prints nothing once registered: refresh the default pool until both loops show they listen.
            try await waitUntil("the refresh loop to report a refresh", timeout: .seconds(30)) {
                try await virsh.must("pool-refresh", "default")
                try await Task.sleep(for: .milliseconds(300))
                return refresh.stdout.contains("event 'refresh' for storage pool default")
            }
            let target = daemon.root.appendingPathComponent("evpool").path
            let prefix = "event 'lifecycle' for storage pool evpool: "
            try await virsh.must("pool-define-as", "evpool", "dir", "--target", target)
            try await lifecycle.waitForOutput(prefix + "Defined", timeout: .seconds(30))
            try await virsh.must("pool-build", "evpool")
            try await lifecycle.waitForOutput(prefix + "Created", timeout: .seconds(30))
            try await virsh.must("pool-start", "evpool")
            try await lifecycle.waitForOutput(prefix + "Started", timeout: .seconds(30))
            try await virsh.must("pool-refresh", "evpool")
            try await refresh.waitForOutput("event 'refresh' for storage pool evpool", timeout: .seconds(30))
            try await virsh.must("pool-destroy", "evpool")
            try await lifecycle.waitForOutput(prefix + "Stopped", timeout: .seconds(30))
            try await virsh.must("pool-delete", "evpool")
            try await lifecycle.waitForOutput(prefix + "Deleted", timeout: .seconds(30))
            try await virsh.must("pool-undefine", "evpool")
            try await lifecycle.waitForOutput(prefix + "Undefined", timeout: .seconds(30))
            #expect(!lifecycle.stdout.contains("for storage pool default"), "\(lifecycle.stdout)")

            // A python3-libvirt callback filtered to one pool sees only that pool; deregistering works.
            let script = """
                import libvirt, sys, threading
                libvirt.virEventRegisterDefaultImpl()
                conn = libvirt.open(sys.argv[1])
                seen = []
                def cb(conn, pool, event, detail, opaque):
                    seen.append((pool.name(), event))
                pool = conn.storagePoolLookupByName('default')
                cid = conn.storagePoolEventRegisterAny(pool, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, cb, None)
                other = conn.storagePoolDefineXML(
                    "<pool type='dir'><name>evother</name><target><path>/tmp/evother</path></target></pool>", 0)
                other.undefine()
                pool.destroy()
                pool.create()
                while len(seen) < 2:
                    libvirt.virEventRunDefaultImpl()
                conn.storagePoolEventDeregisterAny(cid)
                print(seen)
                """
            let file = daemon.scratch.appendingPathComponent("pool_events.py")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let result = try await run(TestEnvironment.python, [file.path, daemon.uri], scratch: daemon.scratch)
            #expect(result.succeeded, "\(result)")
            #expect(trimmedText(result.stdout) == "[('default', 3), ('default', 2)]", "\(result)")
        }
    }
}
