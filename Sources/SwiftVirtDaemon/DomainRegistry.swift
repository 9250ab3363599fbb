import Logging
import SwiftVirtCore
import SwiftVirtSystem
import SwiftVirtWire

/// Everything the daemon knows about one domain.
struct DomainRecord: Sendable {
    /// The persistent definition (or, for a transient domain, the one it was created from).
    var config: DomainDefinition { didSet { configText = nil } }
    /// `config` as formatted for the journal when it was defined, while it has no secrets to hide: what XMLDesc
    /// answers then, so a domain is not formatted twice. Gone as soon as `config` changes.
    var configText: String? = nil
    /// Set when the domain is redefined while running: takes effect at the next boot.
    @OutOfLine var nextConfig: DomainDefinition? = nil
    var persistent: Bool
    var autostart: Bool
    /// Running or not, and what runs (see `DomainPhase` for the transitions).
    var phase: DomainPhase = .inactive(.shutoffUnknown)

    var identity: DomainIdentity { DomainIdentity(name: config.name, uuid: config.uuid, id: id) }
    var summary: DomainSummary {
        DomainSummary(identity: identity, isActive: isActive, persistent: persistent, autostart: autostart, state: state)
    }
}

/// What listings need of a domain. A `DomainRecord` holds whole definitions (kilobytes each); copying and
/// sorting 500 of them per listAllDomains call dominated its cost, so listings use this small copy instead.
struct DomainSummary: Sendable {
    var identity: DomainIdentity
    var isActive: Bool
    var persistent: Bool
    var autostart: Bool
    var state: DomainState
}

/// The facts list filters look at, shared by full records and summaries.
protocol DomainListingFacts {
    var isActive: Bool { get }
    var persistent: Bool { get }
    var autostart: Bool { get }
    var state: DomainState { get }
}
extension DomainRecord: DomainListingFacts {}
extension DomainSummary: DomainListingFacts {}

/// The domain registry: one actor owning every record, the store and the driver. Lifecycle calls on one domain
/// are serialised by `jobs`; the driver's per-domain actor serialises what happens inside QEMU.
actor DomainRegistry: DomainObserver {
    let driver: any HypervisorDriver
    let store: any DomainPersistence
    let events: EventHub
    let logger: Logger
    let jobs = DomainJobs()
    /// Callbacks for the guests' monitor events (libvirt's QEMU program).
    nonisolated let monitorEvents = MonitorEventHub()
    let statusWriter: DomainStatusWriter
    private var records = DomainRecordTable() {
        didSet {
            cachedIndex = nil
            configXML = [:]
            quick.invalidate()
            quickPublished = false
            heapTrimmer.schedule()
        }
    }
    private let heapTrimmer = HeapTrimmer()
    private var quickPublished = false
    /// What connections answer lookups, info, XML and listings from without coming here (see `QuickQueryHandler`).
    nonisolated let quick = DomainQuickView()
    /// Formatted inactive XML per domain, kept until `records` changes: XMLDesc is the most frequent management
    /// call and formatting was a fifth of the daemon's CPU under a lookup+info+XMLDesc load.
    private var configXML: [DomainUUID: String] = [:]
    /// Listing order and names, rebuilt lazily after any change of `records`. Lookups and listings are far more
    /// frequent than changes, and scanning `records` copies whole definitions.
    private var cachedIndex: Index?
    private struct Index {
        var listing: [DomainSummary]
        var byName: [String: DomainUUID]
    }
    private var nextID: Int32 = 1
    /// virDomainAgentSetResponseTimeout's seconds per domain, given to each run of it (libvirt keeps them with
    /// the domain object until the daemon restarts; a running domain keeps its own in its status).
    private var agentTimeouts: [DomainUUID: Int32] = [:]
    /// Names of domains whose define is being made durable, so that another domain cannot take the name
    /// meanwhile (the record appears only after the journal's flush).
    private var definingNames: [String: DomainUUID] = [:]
    /// Creates and removes guest taps for `<interface type='network'|'bridge'>`.
    private(set) var plugger: InterfacePlugger?
    /// Rewrites a definition just before it starts: `type='volume'` disks become their files (storage driver).
    private var diskResolver: (@Sendable (DomainDefinition) async throws -> DomainDefinition)?

    func setDiskResolver(_ resolver: @escaping @Sendable (DomainDefinition) async throws -> DomainDefinition) {
        diskResolver = resolver
    }

    init(driver: any HypervisorDriver, store: any DomainPersistence, events: EventHub, logger: Logger) {
        self.driver = driver
        self.store = store
        self.events = events
        self.logger = logger
        statusWriter = DomainStatusWriter(store: store, logger: logger)
    }

    func setInterfacePlugger(_ p: InterfacePlugger) { plugger = p }

    func insertRestored(_ rec: DomainRecord) { records[rec.config.uuid] = rec }
    func bumpNextID(past id: Int32) { nextID = max(nextID, id + 1) }

    // MARK: lookup

    func record(_ uuid: DomainUUID) throws -> DomainRecord {
        guard let record = records[uuid] else { throw DaemonError.noDomainUUID(uuid) }
        return record
    }

    func lookup(name: String) throws -> DomainIdentity {
        publishQuickView()
        guard let uuid = records.uuid(named: name), let identity = records[uuid]?.identity else {
            throw DaemonError.noDomainNamed(name)
        }
        return identity
    }

    func lookup(uuid: DomainUUID) throws -> DomainIdentity {
        publishQuickView()
        return try record(uuid).identity
    }

    func lookup(id: Int32) throws -> DomainIdentity {
        guard id > 0, let summary = index().listing.first(where: { $0.identity.id == id && $0.isActive }) else {
            throw DaemonError.noDomainID(id)
        }
        return summary.identity
    }

    func allRecords() -> [DomainRecord] {
        records.values.sorted { ($0.id < 0 ? Int32.max : $0.id, $0.config.name) < ($1.id < 0 ? Int32.max : $1.id, $1.config.name) }
    }

    /// Every domain in listing order (running ones by id, then the rest by name), without the definitions.
    func summaries() -> [DomainSummary] {
        publishQuickView()
        return index().listing
    }

    private func index() -> Index {
        if let cachedIndex { return cachedIndex }
        var list: [DomainSummary] = []
        var byName: [String: DomainUUID] = [:]
        list.reserveCapacity(records.count)
        byName.reserveCapacity(records.count)
        for uuid in records.keys {
            guard let summary = records[uuid]?.summary else { continue }
            list.append(summary)
            byName[summary.identity.name] = uuid
        }
        list.sort {
            ($0.identity.id < 0 ? Int32.max : $0.identity.id, $0.identity.name)
                < ($1.identity.id < 0 ? Int32.max : $1.identity.id, $1.identity.name)
        }
        let built = Index(listing: list, byName: byName)
        cachedIndex = built
        return built
    }

    /// Publishes the quick view for the current records, once per change. Read paths call it (not define's
    /// uniqueness check), so a run of defines does not rebuild it each time.
    private func publishQuickView() {
        if quickPublished { return }
        let built = index()
        var entries: [DomainUUID: DomainQuickView.Entry] = [:]
        entries.reserveCapacity(records.count)
        for (uuid, rec) in records {
            var info: DomainGetInfoRet?
            if !rec.isActive, rec.live == nil, rec.nextConfig == nil {
                info = DomainGetInfoRet(
                    state: UInt8(rec.state.rawValue), maxMem: rec.config.memoryKiB, memory: rec.config.currentMemoryKiB,
                    nrVirtCpu: UInt16(clamping: rec.config.currentVcpus ?? rec.config.vcpus), cpuTime: 0)
            }
            entries[uuid] = DomainQuickView.Entry(
                summary: rec.summary, inactiveInfo: info, inactiveXML: info == nil ? nil : rec.configText,
                inactiveDefinition: info == nil ? nil : rec.config)
        }
        quick.publish(DomainQuickView.Snapshot(listing: built.listing, byName: built.byName, entries: entries))
        quickPublished = true
    }

    /// virDomainGetXMLDesc: the live definition of a running domain (unless `inactive`), else the persistent one
    /// (the one for the next boot when `inactive`). Graphics passwords only when `secure`.
    /// `migratable`: as VIR_DOMAIN_XML_MIGRATABLE gives it (`DomainDefinition.migratable`), always in the
    /// inactive form, of the live definition unless `inactive`.
    func xmlDescription(_ uuid: DomainUUID, inactive: Bool, secure: Bool = false, migratable: Bool = false)
        async throws -> String
    {
        let rec = try record(uuid)
        if migratable {
            if !inactive, let live = rec.live, let running = rec.running {
                let runtime = await running.runtime
                var live = live
                if let cpu = runtime.startCPU { live.cpu = cpu }
                let ended = runtime.diskSources.filter { $0.value.backing.isEmpty }.keys
                return DomainXML.formatMigratable(live, chainsEnded: Set(ended), secure: secure)
            }
            return DomainXML.formatMigratable(inactive ? rec.nextConfig ?? rec.config : rec.config, secure: secure)
        }
        if let live = rec.live, !inactive, let running = rec.running {
            return DomainXML.format(live, runtime: await running.runtime, secure: secure)
        }
        let useNext = inactive && rec.nextConfig != nil
        if !useNext, !secure, let xml = rec.configText ?? configXML[uuid] { return xml }
        let xml = DomainXML.format(useNext ? rec.nextConfig ?? rec.config : rec.config, secure: secure)
        if !useNext && !secure {
            configXML[uuid] = xml
            publishQuickView()  // so the quick view exists to take the XML
            quick.storeXML(xml, for: uuid)
        }
        return xml
    }

    // MARK: define / undefine

    /// Parses and completes a definition the way `define` and `create` both need.
    func prepare(xml: String) throws -> DomainDefinition {
        var def = try DomainXML.parse(xml)
        try driver.prepareDefinition(&def)
        try def.validate()
        return def
    }

    func define(xml: String) async throws -> DomainIdentity {
        let def = try prepare(xml: xml)
        try checkUnique(def)
        return try await jobs.run(def.uuid) { try await defineLocked(def) }
    }

    /// A definition changed in place (a device attached or detached with --config): saved as a define saves it,
    /// without the DEFINED event, which libvirt does not send for these. Called under the domain's job.
    func saveChangedDefinition(_ def: DomainDefinition) async throws {
        _ = try await defineLocked(def, announce: false)
    }

    /// The running domain's live definition after a change the driver made to the guest.
    /// Its status is on disk before this returns: nobody but the daemon remembers such a change.
    func replaceLive(_ uuid: DomainUUID, with def: DomainDefinition) async {
        guard var rec = records[uuid], rec.replaceLive(def), let running = rec.running else { return }
        records[uuid] = rec
        await writeStatus(uuid, running: running, live: def)
        await statusWriter.flushed()
    }

    /// Disks given as pool volumes, with the paths they stand for.
    func resolvingDisks(_ def: DomainDefinition) async throws -> DomainDefinition {
        guard let diskResolver else { return def }
        return try await diskResolver(def)
    }

    private func defineLocked(_ def: DomainDefinition, announce: Bool = true) async throws -> DomainIdentity {
        try checkUnique(def)
        definingNames[def.name] = def.uuid
        defer { definingNames[def.name] = nil }
        // Durable before the reply: the journal's append and flush, on the blocking executor.
        let text = try await BlockingIO.run { [store] in
            let xml = DomainXML.format(def)
            try store.saveConfig(def, xml: xml)
            return xml
        }
        let event: DomainLifecycleEvent
        if var existing = records[def.uuid] {
            event = .definedUpdated
            if existing.isActive {
                existing.nextConfig = def
                if !existing.persistent { existing.config.name = def.name }
            } else {
                existing.config = def
                existing.configText = def.hasSecrets ? nil : text
            }
            existing.persistent = true
            records[def.uuid] = existing
        } else {
            event = .definedAdded
            records[def.uuid] = DomainRecord(
                config: def, configText: def.hasSecrets ? nil : text, persistent: true, autostart: false)
        }
        let identity = records[def.uuid]!.identity
        logger.info("defined domain \(def.name) (\(def.uuid))")
        if announce { publish(identity, event) }
        return identity
    }

    /// libvirt's rules: a name belongs to one uuid and a uuid to one name.
    private func checkUnique(_ def: DomainDefinition) throws {
        if let existing = records[def.uuid] {
            if existing.config.name != def.name { throw DaemonError.uuidTaken(existingName: existing.config.name, uuid: def.uuid) }
        } else if let other = records.uuid(named: def.name) ?? definingNames[def.name], other != def.uuid {
            throw DaemonError.domainNameTaken(name: def.name, uuid: other)
        }
    }

    func undefine(_ uuid: DomainUUID, flags: DomainUndefineFlags = []) async throws {
        try await jobs.run(uuid) { try await undefineLocked(uuid, flags: flags) }
    }

    private func undefineLocked(_ uuid: DomainUUID, flags: DomainUndefineFlags) async throws {
        let before = try record(uuid)
        guard before.persistent else { throw DaemonError.transientUndefine(before.config.name) }
        // What the driver keeps for the domain (a UEFI variable store) is checked and removed first, as libvirt.
        try await driver.undefine(before.live ?? before.config, flags: flags)
        try await BlockingIO.run { [store, name = before.config.name] in try store.removeConfig(name: name) }
        // Read again: while the flush ran, the driver may have reported a state change or the stop.
        var rec = try record(uuid)
        let identity = rec.identity
        if rec.isActive {
            // Like libvirt: a running domain stays up as a transient one and disappears when it stops.
            rec.persistent = false
            rec.autostart = false
            rec.nextConfig = nil
            records[uuid] = rec
            saveStatus(uuid)
        } else {
            records[uuid] = nil
            await driver.removedDomain(rec.config, flags: flags)
        }
        logger.info("undefined domain \(identity.name)")
        publish(identity, .undefinedRemoved)
    }

    /// Under the domain's job: the marker file's flush is awaited, and a define or undefine must not interleave.
    func setAutostart(_ uuid: DomainUUID, _ enabled: Bool) async throws {
        try await jobs.run(uuid) {
            let rec = try record(uuid)
            guard rec.persistent else { throw DaemonError.transientAutostart(rec.config.name) }
            try await BlockingIO.run { [store, name = rec.config.name] in try store.setAutostart(name: name, enabled) }
            records[uuid]?.autostart = enabled
        }
    }

    // MARK: lifecycle

    func createTransient(xml: String, paused: Bool) async throws -> DomainIdentity {
        let def = try prepare(xml: xml)
        if let existing = records[def.uuid] ?? records.uuid(named: def.name).flatMap({ records[$0] }) {
            if existing.config.uuid != def.uuid || existing.config.name != def.name { try checkUnique(def) }
            if existing.isActive { throw DaemonError.domainAlreadyActive(def.name) }
        }
        return try await jobs.run(def.uuid) {
            try self.insertTransientIfAbsent(def)
            return try await self.startLocked(def.uuid, paused: paused, definition: def)
        }
    }

    private func insertTransientIfAbsent(_ def: DomainDefinition) throws {
        if records[def.uuid] == nil {
            try checkUnique(def)
            records[def.uuid] = DomainRecord(config: def, persistent: false, autostart: false)
        }
    }

    func start(_ uuid: DomainUUID, paused: Bool) async throws -> DomainIdentity {
        try await jobs.run(uuid) { try await self.startLocked(uuid, paused: paused, definition: nil) }
    }

    private func startLocked(_ uuid: DomainUUID, paused: Bool, definition: DomainDefinition?) async throws
        -> DomainIdentity
    {
        var rec = try record(uuid)
        try rec.beginStart()
        records[uuid] = rec
        var def = definition ?? rec.config
        let id = nextID
        nextID += 1
        var plugged = false
        do {
            if let diskResolver { def = try await diskResolver(def) }
            try await plugger?.plug(&def)
            plugged = true
            def = try await driver.prepareStart(def)
            let running = try await driver.start(def, id: id, paused: paused, observer: self)
            rec = try record(uuid)
            try rec.finishStart(
                ActiveDomain(
                    running: running, live: def, id: id, state: await running.state, reason: await running.stateReason))
            records[uuid] = rec
            if let seconds = agentTimeouts[uuid], let agent = running as? any GuestAgentPower {
                await agent.setAgentTimeout(seconds)
            }
            saveStatus(uuid)
            logger.info("started domain \(def.name) with id \(id)\(paused ? " (paused)" : "")")
            publish(rec.identity, .startedBooted)
            if paused { publish(rec.identity, .suspendedPaused) }
            await refreshChannels(uuid, running)
            return rec.identity
        } catch {
            if plugged { await plugger?.unplug(def) }
            if var failed = records[uuid] {
                failed.abandonStart()
                records[uuid] = failed.persistent ? failed : nil
            }
            throw error
        }
    }

    /// Runs `body` on the running domain under the domain's job.
    func withRunning<T: Sendable>(
        _ uuid: DomainUUID, _ body: @Sendable (any RunningDomain) async throws -> T
    ) async throws -> T {
        try await jobs.run(uuid) {
            let rec = try self.record(uuid)
            guard let running = rec.running else { throw DaemonError.domainNotRunning(rec.config.name) }
            return try await body(running)
        }
    }

    func shutdown(_ uuid: DomainUUID) async throws { try await withRunning(uuid) { try await $0.shutdown() } }
    func reboot(_ uuid: DomainUUID) async throws { try await withRunning(uuid) { try await $0.reboot() } }
    func reset(_ uuid: DomainUUID) async throws { try await withRunning(uuid) { try await $0.reset() } }

    /// virDomainAgentSetResponseTimeout: a running domain's agent commands use it at once and its status keeps it;
    /// an inactive domain's next run gets it.
    func setAgentTimeout(_ uuid: DomainUUID, _ seconds: Int32) async throws {
        let rec = try record(uuid)
        agentTimeouts[uuid] = seconds
        if let agent = rec.running as? any GuestAgentPower {
            await agent.setAgentTimeout(seconds)
            saveStatus(uuid)
        }
    }

    func destroy(_ uuid: DomainUUID, graceful: Bool) async throws {
        try await withRunning(uuid) { try await $0.destroy(graceful: graceful) }
        // The driver reports the stop through the observer; make sure the record is final before replying.
        if let rec = records[uuid], rec.running != nil {
            domainStoppedLocal(uuid, reason: .shutoffDestroyed, event: .stoppedDestroyed)
        }
    }

    func suspend(_ uuid: DomainUUID) async throws {
        try await withRunning(uuid) { running in
            let before = await running.state
            try await running.suspend()
            await self.noteRequestedTransition(uuid, from: before, to: running, event: .suspendedPaused)
        }
    }

    func resume(_ uuid: DomainUUID) async throws {
        try await withRunning(uuid) { running in
            let before = await running.state
            try await running.resume()
            await self.noteRequestedTransition(uuid, from: before, to: running, event: .resumedUnpaused)
        }
    }

    private func noteRequestedTransition(
        _ uuid: DomainUUID, from before: DomainState, to running: any RunningDomain, event: DomainLifecycleEvent
    ) async {
        let after = await running.state
        let reason = await running.stateReason
        guard var rec = records[uuid] else { return }
        let alreadyRecorded = rec.state == after
        guard rec.changeState(after, reason) else { return }
        records[uuid] = rec
        saveStatus(uuid)
        if before != after && !alreadyRecorded { publish(rec.identity, event) }
    }

    func consolePath(_ uuid: DomainUUID, device: String?) async throws -> String {
        try await withRunning(uuid) { try await $0.consolePath(device: device) }
    }

    // MARK: DomainObserver

    func domainMonitorEvent(_ uuid: DomainUUID, _ event: MonitorEvent) async {
        guard !monitorEvents.isEmpty, let rec = records[uuid] else { return }
        monitorEvents.publish(rec.identity, event)
    }

    func domain(
        _ uuid: DomainUUID, changedTo state: DomainState, reason: DomainStateReason, event: DomainLifecycleEvent?
    ) async {
        guard var rec = records[uuid] else { return }
        let changed = rec.state != state
        guard rec.changeState(state, reason) else { return }
        records[uuid] = rec
        saveStatus(uuid)
        if let event, changed || event.event == DomainLifecycleEvent.shutdownFinished.event {
            publish(rec.identity, event)
        }
    }

    func domainRebooted(_ uuid: DomainUUID) async {
        guard let rec = records[uuid], rec.isActive else { return }
        events.publish(DomainEventNotice(kind: .reboot, domain: rec.identity, lifecycle: nil))
    }

    func domainWatchdog(_ uuid: DomainUUID, action: WatchdogEventAction) async {
        guard let rec = records[uuid], rec.isActive else { return }
        events.publish(DomainEventNotice(kind: .watchdog, domain: rec.identity, lifecycle: nil, watchdogAction: action))
    }

    /// Also while the domain is still starting: the agent channel's first state is reported then.
    func domainNotice(_ uuid: DomainUUID, _ notice: GuestNotice) async {
        guard let rec = records[uuid] else { return }
        events.publish(
            DomainEventNotice(kind: DomainEventKind(notice), domain: rec.identity, lifecycle: nil, guestNotice: notice))
    }

    /// As libvirt: the live `<currentMemory>` follows the balloon, and clients hear of it.
    func domainBalloonChanged(_ uuid: DomainUUID, actualKiB: UInt64) async {
        guard var rec = records[uuid], let active = rec.active else { return }
        var live = active.live
        live.currentMemoryKiB = actualKiB
        rec.phase = .active(active.replacingLive(live))
        records[uuid] = rec
        saveStatus(uuid)
        events.publish(
            DomainEventNotice(kind: .balloonChange, domain: rec.identity, lifecycle: nil, balloonActualKiB: actualKiB))
    }

    func domainStopped(_ uuid: DomainUUID, reason: DomainStateReason, event: DomainLifecycleEvent) async {
        domainStoppedLocal(uuid, reason: reason, event: event)
    }

    private func domainStoppedLocal(_ uuid: DomainUUID, reason: DomainStateReason, event: DomainLifecycleEvent) {
        guard var rec = records[uuid], rec.isActive else { return }
        let identity = rec.identity
        statusWriter.remove(uuid)
        guard let stopped = try? rec.stopped(reason) else { return }
        if let plugger { Task { await plugger.unplug(stopped.live) } }
        if let next = rec.nextConfig {
            rec.config = next
            rec.nextConfig = nil
        }
        logger.info("domain \(identity.name) stopped (reason \(reason.rawValue))")
        publish(identity, event)
        if rec.persistent {
            records[uuid] = rec
        } else {
            records[uuid] = nil
            // Gone from the host: as libvirt, its emulated TPM's state goes too unless marked persistent.
            Task { [driver, config = rec.config] in await driver.removedDomain(config, flags: []) }
        }
    }

    /// Puts definitions changed by a live or config change in place (see DomainRegistry+Changes.swift): `config`
    /// is made durable first and becomes the persistent definition (the one for the next boot when the domain
    /// was redefined while running); `live` becomes the running domain's, if `running` still runs.
    func storeChanged(
        _ uuid: DomainUUID, live: DomainDefinition?, of running: (any RunningDomain)?, config: DomainDefinition?
    ) async throws {
        if let config {
            let text = try await BlockingIO.run { [store] in
                let xml = DomainXML.format(config)
                try store.saveConfig(config, xml: xml)
                return xml
            }
            if var rec = records[uuid] {
                if rec.nextConfig != nil {
                    rec.nextConfig = config
                } else {
                    rec.config = config
                    rec.configText = config.hasSecrets ? nil : text
                }
                records[uuid] = rec
            }
        }
        if let live, let running, var rec = records[uuid], let active = rec.active, active.running === running {
            rec.phase = .active(active.replacingLive(live))
            records[uuid] = rec
            saveStatus(uuid)
        }
    }

    // MARK: persistence of running state

    private func saveStatus(_ uuid: DomainUUID) {
        guard let rec = records[uuid], let running = rec.running, let live = rec.live else { return }
        Task { await self.writeStatus(uuid, running: running, live: live) }
    }

    private func writeStatus(_ uuid: DomainUUID, running: any RunningDomain, live: DomainDefinition) async {
        let blob = await running.statusData()
        // A stop may have raced with this write: never leave a status for a domain that is gone.
        guard let current = records[uuid], current.running != nil else { return }
        let status = DomainStore.Status(
            name: current.config.name, uuid: "\(uuid)", id: current.id, persistent: current.persistent,
            liveXML: DomainXML.formatState(live), driverStatus: blob, state: current.state, reason: current.reason.rawValue,
            interfaceTargets: live.devices.interfaces.map(\.targetDev))
        statusWriter.save(status, for: uuid)
    }

    func publish(_ identity: DomainIdentity, _ event: DomainLifecycleEvent) {
        let notice = DomainEventNotice(kind: .lifecycle, domain: identity, lifecycle: event)
        events.publish(notice)
    }
}
