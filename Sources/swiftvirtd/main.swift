import ArgumentParser
import Logging
import SwiftVirtDaemon

@main
struct SwiftVirtDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftvirtd",
        abstract: "SwiftVirt daemon: runs QEMU guests and serves libvirt's remote protocol.")

    @Option(help: "Directory for sockets and running-domain state.")
    var runDir = "/run/swiftvirt"

    @Option(help: "Directory for persistent domain definitions.")
    var stateDir = "/var/lib/swiftvirt"

    @Option(help: "Directory for per-domain QEMU logs (default: STATE-DIR/log).")
    var logDir: String?

    @Flag(help: "Also serve at /run/libvirt/libvirt-sock[-ro], so plain `virsh` reaches this daemon (libvirtd must not be running).")
    var libvirtSocket = false

    @Option(help: "Seconds of client silence before a keepalive ping (libvirtd's keepalive_interval).")
    var keepaliveInterval = 5

    @Option(help: "Unanswered pings before a client is dropped (libvirtd's keepalive_count).")
    var keepaliveCount = 5

    @Flag(help: "Do not create libvirt's 'default' NAT network on first start.")
    var noDefaultNetwork = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "swiftvirtd")
        guard keepaliveInterval > 0, keepaliveCount > 0 else {
            throw ValidationError("--keepalive-interval and --keepalive-count must be positive")
        }
        var config = DaemonConfiguration(
            runDir: runDir, stateDir: stateDir, logDir: logDir, serveLibvirtSocket: libvirtSocket)
        config.defaultNetwork = !noDefaultNetwork
        config.keepalive = KeepalivePolicy(interval: .seconds(keepaliveInterval), count: keepaliveCount)
        try await Daemon.run(config, logger: logger)
    }
}
