import FoundationEssentials
import Glibc
import Logging
import Synchronization
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtTestDriver

/// Builds libvirt's `test:///default` host for `DriverTable`: the running domain `test`, the active network
/// `default` and the active pool `default-pool`, with nothing on the host. Domains live in memory; the network
/// and pool registries keep their small files in a directory of the instance's own under RUN/test, removed
/// when the instance's last connection closes.
enum TestDriverInstance {
    private static let counter = Atomic<Int>(0)

    static func onDemand(runDir: String, logger: Logger) -> DriverTable.OnDemand {
        DriverTable.OnDemand(scheme: "test", path: "/default") { try await make(runDir: runDir, logger: logger) }
    }

    static func make(runDir: String, logger: Logger) async throws -> ConnectionDriver {
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let root = runDir + "/test/default-\(getpid())-\(number)"
        var logger = logger
        logger[metadataKey: "driver"] = "test"
        let networkStore = NetworkStore(stateDir: root + "/state", runDir: root + "/run")
        let poolStore = StoragePoolStore(stateDir: root + "/state", runDir: root + "/run")
        try await BlockingIO.run {
            try AtomicFile.makeDirectory(runDir + "/test", mode: 0o700)
            try AtomicFile.makeDirectory(root, mode: 0o700)
            try networkStore.prepare()
            _ = try poolStore.prepare()
        }
        let networks = NetworkRegistry(store: networkStore, logger: logger, host: NoNetworkHost())
        _ = try await networks.start(try await networks.define(xml: TestHost.defaultNetworkXML).config.uuid)
        let storage = StoragePoolRegistry(
            store: poolStore, logger: logger, backend: VirtualPoolBackend(capacity: TestHost.poolCapacity))
        try await storage.start(try await storage.define(xml: TestHost.defaultPoolXML).uuid, build: false)
        let test = try DomainXML.parse(TestHost.defaultDomainXML)
        let driver = TestDriver(preloaded: [test.uuid])
        let domains = DomainRegistry(driver: driver, store: MemoryDomainStore(), events: EventHub(), logger: logger)
        _ = try await domains.start(try await domains.define(xml: TestHost.defaultDomainXML).uuid, paused: false)
        return ConnectionDriver(
            hypervisor: driver, domains: domains, networks: networks, storage: storage,
            defaultURI: "test:///default", discard: { removeTree(root) })
    }

    /// The instance's files: a few small definitions; nothing else is ever under `root`.
    private static func removeTree(_ root: String) {
        Task { await BlockingIO.run { try? FileManager.default.removeItem(atPath: root) } }
    }
}
