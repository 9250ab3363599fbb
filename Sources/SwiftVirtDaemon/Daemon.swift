import Dispatch
import FoundationEssentials
import Glibc
import Logging
import NIOCore
import NIOPosix
import SwiftVirtCore
import SwiftVirtQEMU
import SwiftVirtSystem

/// Where the daemon keeps things and how it listens.
public struct DaemonConfiguration: Sendable {
    public var runDir: String
    public var stateDir: String
    public var logDir: String
    /// Also serve at libvirt's own socket paths so a plain `virsh` reaches us.
    public var serveLibvirtSocket: Bool
    public var libvirtSocketDir: String = "/run/libvirt"
    public var keepalive = KeepalivePolicy()
    /// Define libvirt's `default` NAT network on first start (autostarted unless its subnet is already routed).
    public var defaultNetwork = true
    /// How long an event loop keeps polling its connections after a reply before it sleeps (see `BusyPoller`);
    /// zero turns polling off.
    public var busyPollMicroseconds = 100
    /// Where the stock network filters are imported from on first start (Debian's libvirt-daemon-config-nwfilter).
    public var nwfilterStockDirectory = "/etc/libvirt/nwfilter"

    public init(runDir: String, stateDir: String, logDir: String?, serveLibvirtSocket: Bool) {
        self.runDir = runDir
        self.stateDir = stateDir
        self.logDir = logDir ?? stateDir + "/log"
        self.serveLibvirtSocket = serveLibvirtSocket
    }
}

/// libvirtd.conf's keepalive_interval / keepalive_count.
public struct KeepalivePolicy: Sendable {
    public var interval: Duration
    public var count: Int
    public init(interval: Duration = .seconds(5), count: Int = 5) {
        self.interval = interval
        self.count = count
    }
}

/// Shared services every connection uses.
struct DaemonServices: Sendable {
    /// The libvirt release whose protocol and behaviour we match (reported by GET_LIB_VERSION).
    static let libvirtCompatibleVersion: UInt64 = 9_000_000

    /// The connection drivers by URI scheme.
    let drivers: DriverTable
    /// What calls made before CONNECT_OPEN see (the QEMU driver); none of them touches its objects.
    let defaultDriver: ConnectionDriver
    let consoles: ConsoleRegistry
    /// The secret driver, shared by every connection whatever its driver, as libvirt's is.
    let secrets: SecretRegistry
    /// The nwfilter driver, shared likewise.
    let nwfilters: NWFilterRegistry
    let host: HostInfo
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let keepalive: KeepalivePolicy
    let busyPollers: BusyPoller
}

/// The daemon. How its work is spread over event loops, tasks, the blocking executor and its few threads of its
/// own is one written rule: SwiftVirtSystem/ConcurrencyRule.swift.
public enum Daemon {
    /// Starts everything and serves until cancelled or the listening sockets fail.
    public static func run(_ config: DaemonConfiguration, logger: Logger) async throws {
        signal(SIGPIPE, SIG_IGN)
        for dir in [config.runDir, config.stateDir, config.logDir] { try AtomicFile.makeDirectory(dir, mode: 0o755) }
        try DaemonLock.acquire(directory: config.stateDir)
        if config.runDir != config.stateDir { try DaemonLock.acquire(directory: config.runDir) }
        let driver = await QEMUDriver(
            configuration: QEMUDriverConfiguration(
                runDirectory: config.runDir, logDirectory: config.logDir, stateDirectory: config.stateDir),
            logger: logger)
        let store = DomainStore(stateDir: config.stateDir, runDir: config.runDir, driver: driver.scheme)
        try await BlockingIO.run { try store.prepare() }  // replays the definition journal: flushes
        let registry = DomainRegistry(driver: driver, store: store, events: EventHub(), logger: logger)
        await registry.restore()
        let storageStore = StoragePoolStore(stateDir: config.stateDir, runDir: config.runDir)
        let storage = StoragePoolRegistry(store: storageStore, logger: logger)
        await storage.restore(firstStart: try storageStore.prepare())
        // Pools start before the sockets open (quick: a directory scan each), so clients never see them half up.
        await storage.autostartAll()
        let networkStore = NetworkStore(stateDir: config.stateDir, runDir: config.runDir)
        try networkStore.prepare()
        let networks = NetworkRegistry(store: networkStore, logger: logger)
        await networks.restore(createDefault: config.defaultNetwork)
        let nwfilters = NWFilterRegistry(
            store: NWFilterStore(
                stateDir: config.stateDir, runDir: config.runDir, stockDirectory: config.nwfilterStockDirectory),
            firewall: NWFilterFirewall(),
            logger: logger)
        await nwfilters.restore()
        await nwfilters.watchFirewall()
        await registry.setInterfacePlugger(InterfacePlugger(networks: networks, nwfilters: nwfilters))
        for rec in await registry.allRecords() {
            for nic in rec.live?.devices.interfaces ?? [] where InterfacePlugger.ownsDevice(nic) {
                if let tap = nic.targetDev {
                    await networks.adoptTap(tap, network: nic.type == .network ? nic.source : nil)
                }
            }
        }
        let secretStore = SecretStore(stateDir: config.stateDir)
        try await BlockingIO.run { try secretStore.prepare() }
        let secrets = SecretRegistry(store: secretStore, logger: logger)
        await secrets.restore()
        await registry.setDiskResolver { def in
            try await secrets.fillDiskKeys(try await storage.resolveVolumeDisks(def))
        }
        let qemu = ConnectionDriver(
            hypervisor: driver, domains: registry, networks: networks, storage: storage, defaultURI: "qemu:///system")
        let services = DaemonServices(
            drivers: DriverTable(
                resident: [qemu], onDemand: [TestDriverInstance.onDemand(runDir: config.runDir, logger: logger)],
                defaultScheme: qemu.scheme),
            defaultDriver: qemu,
            consoles: ConsoleRegistry(), secrets: secrets, nwfilters: nwfilters, host: HostInfo.read(),
            logger: logger, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, keepalive: config.keepalive,
            busyPollers: BusyPoller(
                group: MultiThreadedEventLoopGroup.singleton, window: .microseconds(Int64(config.busyPollMicroseconds)))
        )

        var sockets = [(config.runDir + "/libvirt-sock", false), (config.runDir + "/libvirt-sock-ro", true)]
        if config.serveLibvirtSocket {
            try AtomicFile.makeDirectory(config.libvirtSocketDir)
            for name in ["libvirt-sock", "virtqemud-sock"] {
                try ensureNotServedByLibvirt(config.libvirtSocketDir + "/" + name)
            }
            sockets += [
                (config.libvirtSocketDir + "/libvirt-sock", false),
                (config.libvirtSocketDir + "/libvirt-sock-ro", true),
            ]
        }
        let dispatcher = Dispatcher()
        let stopSignals = installStopHandlers(removing: sockets.map(\.0), logger: logger)
        defer { for source in stopSignals { source.cancel() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (path, readOnly) in sockets {
                let server = RemoteServer(path: path, readOnly: readOnly, services: services, dispatcher: dispatcher)
                let listener = try server.bind()
                logger.info("listening on \(path)\(readOnly ? " (read-only)" : "")")
                group.addTask { await server.serve(listener) }
            }
            group.addTask {
                await networks.autostartAll()
                await registry.autostartAll()
            }
            try await group.next()
            try await group.next()
        }
    }

    /// SIGTERM/SIGINT: stop listening and exit, leaving guests running (a restarted daemon reattaches), like
    /// libvirtd. The socket files go, so clients see "no such daemon" rather than a dead socket.
    static func installStopHandlers(removing paths: [String], logger: Logger) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                logger.info("signal \(sig): shutting down; running guests keep running")
                for path in paths { unlink(path) }
                exit(0)
            }
            source.resume()
            return source
        }
    }

    /// Refuses to take over a socket a live libvirtd/virtqemud is answering on.
    static func ensureNotServedByLibvirt(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let connected = UnixListener.withAddress(path) { connect(fd, $0, $1) }
        if connected == 0 {
            throw VirtError(
                .operationFailed,
                detail: "\(path) is served by a running libvirt daemon; stop it (systemctl stop libvirtd) first"
            )
        }
    }
}
