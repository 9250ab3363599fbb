import Foundation

/// A private, real libvirtd 9.0 (Debian's) started by a test: its sockets, log and pid file live in a temporary
/// directory, so it never touches /run/libvirt/libvirt-sock. It runs in a mount namespace of its own whose
/// /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt are fresh directories
/// under that temporary directory (qemu.conf copied from the host, prepared by scripts/setup-libvirtd.sh), so it
/// starts empty and runs even while another libvirtd (the host's, a benchmark's, another test run's) holds the
/// system driver's locks. Every guest a test defines is still removed when it ends: QEMU outlives libvirtd.
final class LibvirtdHarness {
    static let binary = "/usr/sbin/libvirtd"
    let root: URL
    var socket: String { root.path + "/libvirt-sock" }
    var uri: String { "qemu+unix:///system?socket=\(socket)" }
    var scratch: URL { root.appendingPathComponent("scratch") }
    var logPath: String { root.path + "/libvirtd.log" }
    var guestNames: Set<String> = []
    private var daemon: ChildProcess?
    /// Network namespace libvirtd runs in (`ip netns exec`), so its network driver's bridges, dnsmasq and
    /// iptables rules stay in there; nil is the test process's own namespace.
    let netns: String?

    /// TCP port of `qemu+tcp://127.0.0.1:PORT/system` (auth none) when asked for, else nil.
    let tcpPort: Int?
    /// TLS port of `qemu+tls://localhost:PORT/system?pkipath=\(pki.clientDir)` when asked for, else nil.
    let tlsPort: Int?
    /// The CA, server and client certificates of the TLS listener.
    let pki: TestPKI?

    private init(root: URL, tcpPort: Int?, tlsPort: Int?, pki: TestPKI?, netns: String?) throws {
        self.root = root
        self.netns = netns
        self.tcpPort = tcpPort
        self.tlsPort = tlsPort
        self.pki = pki
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let conf = """
            unix_sock_dir = "\(root.path)"
            unix_sock_rw_perms = "0700"
            auth_unix_rw = "none"
            auth_unix_ro = "none"
            listen_tls = \(pki == nil ? 0 : 1)
            tls_port = "\(tlsPort ?? 16514)"
            auth_tls = "none"
            key_file = "\(pki?.serverKey ?? "")"
            cert_file = "\(pki?.serverCert ?? "")"
            ca_file = "\(pki?.caCert ?? "")"
            listen_tcp = \(tcpPort == nil ? 0 : 1)
            tcp_port = "\(tcpPort ?? 16509)"
            listen_addr = "127.0.0.1"
            auth_tcp = "none"
            log_outputs = "3:file:\(logPath)"
            """
        try conf.write(toFile: root.path + "/libvirtd.conf", atomically: true, encoding: .utf8)
    }

    /// Starts libvirtd, runs `body`, then removes the test's guests and stops the daemon.
    static func with<T>(
        tcp: Bool = false, tls: Bool = false, netns: String? = nil, _ body: (LibvirtdHarness) async throws -> T
    ) async throws -> T {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw HarnessError("\(binary) missing: install libvirt-daemon-system and run scripts/setup-libvirtd.sh")
        }
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "svt-lvd-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let pki = tls ? try await TestPKI.make(in: root.appendingPathComponent("pki"), scratch: root) : nil
        let harness = try LibvirtdHarness(
            root: root, tcpPort: tcp ? Int.random(in: 20000...40000) : nil,
            tlsPort: tls ? Int.random(in: 40001...50000) : nil, pki: pki, netns: netns)
        try await harness.start()
        do {
            let result = try await body(harness)
            await harness.tearDown()
            return result
        } catch {
            let log = readFile(harness.logPath).suffix(3000)
            await harness.tearDown()
            throw HarnessError("\(error)\n--- libvirtd log tail ---\n\(log)")
        }
    }

    private func start() async throws {
        // The test runner may block or ignore SIGTERM, and children inherit that; libvirtd needs it to shut
        // down, so a tiny python exec wrapper resets the signal mask and dispositions first.
        let reset =
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "[signal.signal(s, signal.SIG_DFL) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)]; "
            + "os.execv(sys.argv[1], sys.argv[1:])"
        let state = root.appendingPathComponent("state").path
        for d in ["etc/qemu", "run", "lib", "cache", "log/qemu"] {
            try FileManager.default.createDirectory(
                atPath: state + "/" + d, withIntermediateDirectories: true)
        }
        var qemuConf = (try? String(contentsOfFile: "/etc/libvirt/qemu.conf", encoding: .utf8)) ?? ""
        if !qemuConf.contains("\nstdio_handler") { qemuConf += "\nstdio_handler = \"file\"\n" }
        try qemuConf.write(toFile: state + "/etc/qemu.conf", atomically: true, encoding: .utf8)
        let privateDirs =
            "r=$1; shift; mount --bind \"$r/etc\" /etc/libvirt && mount --bind \"$r/run\" /run/libvirt && "
            + "mount --bind \"$r/lib\" /var/lib/libvirt && mount --bind \"$r/cache\" /var/cache/libvirt && "
            + "mount --bind \"$r/log\" /var/log/libvirt && exec \"$@\""
        // python resets signals, then execs (ip netns exec, which execs) unshare, which execs sh, which execs
        // libvirtd: one PID throughout.
        let inNamespace = netns.map { ["/usr/sbin/ip", "netns", "exec", $0] } ?? []
        let child = try ChildProcess(
            TestEnvironment.python,
            ["-c", reset] + inNamespace + [
                "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                privateDirs, "sh", state, Self.binary, "-f", root.path + "/libvirtd.conf", "-p",
                root.path + "/libvirtd.pid",
            ]
                + (tcpPort == nil && tlsPort == nil ? [] : ["--listen"]),
            scratch: scratch)
        daemon = child
        try await waitUntil("libvirtd to answer on \(socket)", timeout: .seconds(30)) {
            guard child.isRunning else { throw HarnessError("libvirtd exited: \(child.stderr)") }
            guard FileManager.default.fileExists(atPath: socket) else { return false }
            return try await run(TestEnvironment.virsh, ["-c", uri, "hostname"], scratch: scratch).succeeded
        }
    }

    private func tearDown() async {
        for name in guestNames {
            _ = try? await run(TestEnvironment.virsh, ["-c", uri, "destroy", name], scratch: scratch)
            _ = try? await run(TestEnvironment.virsh, ["-c", uri, "undefine", name], scratch: scratch)
        }
        guard let daemon else { return }
        daemon.signal(SIGTERM)
        _ = try? await daemon.wait(timeout: .seconds(30))
    }
}
