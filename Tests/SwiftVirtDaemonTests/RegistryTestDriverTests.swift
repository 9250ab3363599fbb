import Logging
import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon
import SwiftVirtTestDriver

/// The domain registry driven through libvirt's test driver: no QEMU, no files, milliseconds per test.
@Suite("Domain registry on the test driver")
struct RegistryTestDriverTests {
    static func registry(_ store: MemoryDomainStore = MemoryDomainStore()) async -> DomainRegistry {
        let registry = DomainRegistry(
            driver: TestDriver(), store: store, events: EventHub(), logger: Logger(label: "registry-test"))
        await registry.restore()
        return registry
    }

    static func xml(_ name: String, uuid: String? = nil) -> String {
        let uuidElement = uuid.map { "<uuid>\($0)</uuid>" } ?? ""
        return "<domain type='test'><name>\(name)</name>\(uuidElement)<memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
    }

    /// What must hold of every record, whatever happened: a running handle exactly when active, an id exactly then.
    static func checkInvariants(_ registry: DomainRegistry) async {
        for rec in await registry.allRecords() {
            #expect(rec.isActive == (rec.id > 0), "\(rec.config.name): active \(rec.isActive), id \(rec.id)")
            #expect(rec.isActive == (rec.live != nil), "\(rec.config.name)")
            #expect(rec.isActive || rec.state == .shutoff, "\(rec.config.name) inactive in state \(rec.state)")
            #expect(rec.isActive || rec.persistent, "\(rec.config.name): an inactive transient domain must be gone")
        }
    }

    @Test func lifecycleAsLibvirtsTestDriver() async throws {
        let registry = await Self.registry()
        let t = try await registry.define(xml: Self.xml("t"))
        #expect(t.id == -1)
        let started = try await registry.start(t.uuid, paused: false)
        #expect(started.id == 1)
        #expect(try await registry.record(t.uuid).state == .running)
        await #expect(throws: DaemonError.domainAlreadyActive("t")) { try await registry.start(t.uuid, paused: false) }
        try await registry.suspend(t.uuid)
        #expect(try await registry.record(t.uuid).state == .paused)
        try await registry.resume(t.uuid)
        try await registry.destroy(t.uuid, graceful: false)
        let stopped = try await registry.record(t.uuid)
        #expect(stopped.state == .shutoff && stopped.reason == .shutoffDestroyed && stopped.id == -1)
        await #expect(throws: DaemonError.domainNotRunning("t")) { try await registry.destroy(t.uuid, graceful: false) }
        // Ids are never reused, as libvirt's.
        #expect(try await registry.start(t.uuid, paused: true).id == 2)
        #expect(try await registry.record(t.uuid).state == .paused)
        try await registry.shutdown(t.uuid)
        #expect(try await registry.record(t.uuid).reason == .shutoffShutdown)
        try await registry.undefine(t.uuid)
        await #expect(throws: DaemonError.noDomainUUID(t.uuid)) { try await registry.record(t.uuid) }
        await Self.checkInvariants(registry)
    }

    @Test func undefiningARunningDomainLeavesItTransient() async throws {
        let registry = await Self.registry()
        let t = try await registry.define(xml: Self.xml("t"))
        _ = try await registry.start(t.uuid, paused: false)
        try await registry.undefine(t.uuid)
        let transient = try await registry.record(t.uuid)
        #expect(!transient.persistent && transient.isActive)
        await #expect(throws: DaemonError.transientUndefine("t")) { try await registry.undefine(t.uuid) }
        try await registry.destroy(t.uuid, graceful: false)
        await #expect(throws: DaemonError.noDomainUUID(t.uuid)) { try await registry.record(t.uuid) }
    }

    @Test func transientCreateAndNameClashes() async throws {
        let registry = await Self.registry()
        let uuid = "11111111-2222-3333-4444-555555555555"
        let created = try await registry.createTransient(xml: Self.xml("tr", uuid: uuid), paused: false)
        #expect(created.id == 1)
        await #expect(throws: DaemonError.domainAlreadyActive("tr")) {
            try await registry.createTransient(xml: Self.xml("tr", uuid: uuid), paused: false)
        }
        // Without a uuid the XML names another domain: libvirt's "already exists with uuid".
        await #expect(throws: DaemonError.domainNameTaken(name: "tr", uuid: created.uuid)) {
            try await registry.createTransient(xml: Self.xml("tr"), paused: false)
        }
        try await registry.destroy(created.uuid, graceful: false)
        #expect(await registry.allRecords().isEmpty)
    }

    /// Start, destroy, undefine and redefine of the same domains from many tasks at once: every call either
    /// succeeds or fails with a libvirt error, nothing hangs, and the records stay consistent.
    @Test func concurrentLifecycleRaces() async throws {
        let registry = await Self.registry()
        let names = (0..<4).map { "race\($0)" }
        var uuids: [DomainUUID] = []
        for name in names { uuids.append(try await registry.define(xml: Self.xml(name)).uuid) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for round in 0..<200 {
                let uuid = uuids[round % uuids.count]
                let name = names[round % names.count]
                group.addTask {
                    do {
                        switch round % 5 {
                        case 0: _ = try await registry.start(uuid, paused: false)
                        case 1: try await registry.destroy(uuid, graceful: false)
                        case 2: try await registry.undefine(uuid)
                        case 3: _ = try await registry.define(xml: Self.xml(name, uuid: "\(uuid)"))
                        default: try await registry.suspend(uuid)
                        }
                    } catch let error as DaemonError {
                        let code = error.virtError.code
                        #expect(code == .operationInvalid || code == .noDomain, "\(error)")
                    }
                }
            }
            try await group.waitForAll()
        }
        await Self.checkInvariants(registry)
    }

    /// A new registry over the same store (a daemon restart): definitions come back and running guests are
    /// found again with their ids.
    @Test func restartKeepsDefinitionsAndReattaches() async throws {
        let store = MemoryDomainStore()
        let first = await Self.registry(store)
        let a = try await first.define(xml: Self.xml("a"))
        let b = try await first.define(xml: Self.xml("b"))
        try await first.setAutostart(b.uuid, true)
        _ = try await first.start(a.uuid, paused: false)
        // Status writes are asynchronous; wait until the running domain's status is stored.
        for _ in 0..<200 where store.loadStatuses(logger: Logger(label: "t")).isEmpty {
            try await Task.sleep(for: .milliseconds(5))
        }
        let second = await Self.registry(store)
        let ra = try await second.record(a.uuid)
        #expect(ra.isActive && ra.id == 1 && ra.state == .running)
        let rb = try await second.record(b.uuid)
        #expect(!rb.isActive && rb.autostart)
        #expect(try await second.start(b.uuid, paused: false).id == 2)
        await Self.checkInvariants(second)
    }
}

/// The phase transitions themselves: each illegal one is libvirt's "operation invalid".
@Suite("Domain phases")
struct DomainPhaseTests {
    @Test func transitionsFollowTheDiagram() async throws {
        var def = DomainDefinition()
        def.name = "p"
        var rec = DomainRecord(config: def, persistent: true, autostart: false)
        #expect(!rec.isActive && rec.id == -1 && rec.state == .shutoff)
        #expect(throws: DaemonError.domainNotRunning("p")) { _ = try rec.stopped(.shutoffDestroyed) }
        let changedWhileInactive = rec.changeState(.paused, .pausedUser)
        #expect(!changedWhileInactive)
        try rec.beginStart()
        #expect(!rec.isActive && rec.id == -1, "a starting domain is not yet active")
        #expect(throws: DaemonError.domainAlreadyActive("p")) { try rec.beginStart() }
        let running = try await TestDriver().start(def, id: 7, paused: false, observer: NoObserver())
        try rec.finishStart(ActiveDomain(running: running, live: def, id: 7, state: .running, reason: .runningBooted))
        #expect(rec.isActive && rec.id == 7 && rec.state == .running)
        #expect(throws: DaemonError.domainAlreadyActive("p")) { try rec.beginStart() }
        #expect(throws: DaemonError.invalidTransition("p", to: "running")) {
            try rec.finishStart(ActiveDomain(running: running, live: def, id: 8, state: .running, reason: .runningBooted))
        }
        let changed = rec.changeState(.paused, .pausedUser)
        #expect(changed && rec.state == .paused)
        let stopped = try rec.stopped(.shutoffDestroyed)
        #expect(stopped.id == 7 && !rec.isActive && rec.reason == .shutoffDestroyed)
        try rec.beginStart()
        rec.abandonStart()
        #expect(rec.reason == .shutoffFailed && !rec.isActive)
        #expect(DaemonError.invalidTransition("p", to: "running").virtError.code == .operationInvalid)
    }
}

private struct NoObserver: DomainObserver {
    func domain(_ uuid: DomainUUID, changedTo state: DomainState, reason: DomainStateReason, event: DomainLifecycleEvent?)
        async
    {}
    func domainRebooted(_ uuid: DomainUUID) async {}
    func domainStopped(_ uuid: DomainUUID, reason: DomainStateReason, event: DomainLifecycleEvent) async {}
}
