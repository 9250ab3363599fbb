import Glibc
import Logging
import SwiftVirtDaemon

/// swiftvirtd's command line. Parsed by hand: swift-argument-parser cost the daemon about half a MiB of resident
/// code for ten options.
struct DaemonOptions {
    var runDir = "/run/swiftvirt"
    var stateDir = "/var/lib/swiftvirt"
    var logDir: String?
    var libvirtSocket = false
    var keepaliveInterval = 5
    var keepaliveCount = 5
    var noDefaultNetwork = false
    var logLevel = "info"
    var busyPollMicroseconds = 100
    var nwfilterStockDir = "/etc/libvirt/nwfilter"

    static let usage = """
        OVERVIEW: SwiftVirt daemon: runs QEMU guests and serves libvirt's remote protocol.

        USAGE: swiftvirtd [<options>]

        OPTIONS:
          --run-dir <dir>         Directory for sockets and running-domain state. (default: /run/swiftvirt)
          --state-dir <dir>       Directory for persistent domain definitions. (default: /var/lib/swiftvirt)
          --log-dir <dir>         Directory for per-domain QEMU logs (default: STATE-DIR/log).
          --libvirt-socket        Also serve at /run/libvirt/libvirt-sock[-ro], so plain `virsh` reaches this daemon
                                  (libvirtd must not be running).
          --keepalive-interval <seconds>
                                  Seconds of client silence before a keepalive ping (libvirtd's keepalive_interval).
                                  (default: 5)
          --keepalive-count <n>   Unanswered pings before a client is dropped (libvirtd's keepalive_count). (default: 5)
          --no-default-network    Do not create libvirt's 'default' NAT network on first start.
          --nwfilter-stock-dir <dir>
                                  Network filters imported on first start. (default: /etc/libvirt/nwfilter)
          --log-level <level>     Log level: trace, debug, info, notice, warning, error, critical. (default: info)
          --busy-poll-us <us>     Microseconds an event loop keeps polling its connections after a reply before it
                                  sleeps, so a client's next call needs no wake-up; 0 turns it off. (default: 100)
          -h, --help              Show help information.

        """

    struct UsageError: Error, CustomStringConvertible { var description: String }

    /// Accepts `--name value` and `--name=value`; returns nil for --help.
    static func parse(_ arguments: [String]) throws -> DaemonOptions? {
        var o = DaemonOptions()
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            if arg == "-h" || arg == "--help" { return nil }
            var name = arg
            var inline: String?
            if let eq = arg.firstIndex(of: "="), arg.hasPrefix("--") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            func value() throws -> String {
                if let inline { return inline }
                guard let next = rest.popFirst() else { throw UsageError(description: "missing value for '\(name)'") }
                return next
            }
            func number() throws -> Int {
                let text = try value()
                guard let n = Int(text) else {
                    throw UsageError(description: "'\(text)' is not a number for '\(name)'")
                }
                return n
            }
            switch name {
            case "--run-dir": o.runDir = try value()
            case "--state-dir": o.stateDir = try value()
            case "--log-dir": o.logDir = try value()
            case "--libvirt-socket": o.libvirtSocket = true
            case "--keepalive-interval": o.keepaliveInterval = try number()
            case "--keepalive-count": o.keepaliveCount = try number()
            case "--no-default-network": o.noDefaultNetwork = true
            case "--log-level": o.logLevel = try value()
            case "--busy-poll-us": o.busyPollMicroseconds = try number()
            case "--nwfilter-stock-dir": o.nwfilterStockDir = try value()
            default: throw UsageError(description: "unknown option '\(arg)'")
            }
            if inline != nil && ["--libvirt-socket", "--no-default-network"].contains(name) {
                throw UsageError(description: "'\(name)' takes no value")
            }
        }
        guard Logger.Level(rawValue: o.logLevel) != nil else {
            throw UsageError(description: "unknown log level '\(o.logLevel)'")
        }
        guard o.keepaliveInterval > 0, o.keepaliveCount > 0 else {
            throw UsageError(description: "--keepalive-interval and --keepalive-count must be positive")
        }
        guard (0...10_000).contains(o.busyPollMicroseconds) else {
            throw UsageError(description: "--busy-poll-us must be between 0 and 10000")
        }
        return o
    }
}

@main
enum SwiftVirtDaemonMain {
    /// Synchronous on purpose. An `async` main ends in dispatch_main(), which calls pthread_exit() on the main
    /// thread; glibc implements that as a forced unwind, and the unwinder's first lookup in this static binary
    /// sorts every unwind record (FDE) it holds: all 2.3 MiB of .eh_frame read into memory plus a sorted table
    /// on the heap, resident for good, just to let one thread exit. Parking the main thread instead costs nothing.
    static func main() {
        let options: DaemonOptions
        do {
            guard let parsed = try DaemonOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
                print(DaemonOptions.usage, terminator: "")
                exit(0)
            }
            options = parsed
        } catch {
            FileHandleStderr.write(
                "Error: \(error)\nUsage: swiftvirtd [<options>]\n  See 'swiftvirtd --help' for more information.\n")
            exit(64)
        }
        // Without TZ, glibc stats /etc/localtime on every localtime() call, i.e. once per log line; with TZ
        // naming that file it reads the zone once. (A zone change then shows in log times after a restart.)
        setenv("TZ", ":/etc/localtime", 0)
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "swiftvirtd")
        var config = DaemonConfiguration(
            runDir: options.runDir, stateDir: options.stateDir, logDir: options.logDir,
            serveLibvirtSocket: options.libvirtSocket)
        config.defaultNetwork = !options.noDefaultNetwork
        config.busyPollMicroseconds = options.busyPollMicroseconds
        config.nwfilterStockDirectory = options.nwfilterStockDir
        config.keepalive = KeepalivePolicy(
            interval: .seconds(options.keepaliveInterval), count: options.keepaliveCount)
        Task.detached { [config] in
            do {
                try await Daemon.run(config, logger: logger)
                exit(0)
            } catch {
                FileHandleStderr.write("Error: \(error)\n")
                exit(1)
            }
        }
        parkMainThread()
    }

    /// The daemon runs on Swift's cooperative pool and NIO's threads; the main thread only waits, with every
    /// signal blocked so that signals go to the threads that handle them (the daemon's dispatch sources).
    static func parkMainThread() -> Never {
        var all = sigset_t()
        sigfillset(&all)
        pthread_sigmask(SIG_BLOCK, &all, nil)
        while true { pause() }
    }
}

/// Unbuffered stderr without Foundation.
enum FileHandleStderr {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            bytes = bytes.dropFirst(n)
        }
    }
}
