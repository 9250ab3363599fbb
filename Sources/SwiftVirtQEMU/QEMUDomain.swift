import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// One running QEMU guest. Lifecycle calls take the domain's job one at a time; QMP events and the process
/// exit are handled as they come and reported to the observer. What our own requests are doing to the process
/// is one `QEMUDomainPhase`, changed only through `enter(_:)`, which refuses changes that cannot follow.
public actor QEMUDomain: RunningDomain {
    public nonisolated let id: Int32
    public nonisolated let definition: DomainDefinition
    public private(set) var state: DomainState
    public private(set) var stateReason: DomainStateReason
    public internal(set) var runtime: DomainRuntimeInfo
    let status: QEMUDomainStatus
    let process: QEMUProcess
    let qmp: QMPClient
    let observer: any DomainObserver
    let logger: Logger
    let gracePeriod: Duration
    /// Helpers that live as long as QEMU: the swtpm of each emulated TPM, the virtiofsd of each virtiofs
    /// filesystem.
    var helpers: [QEMUHelperProcess]

    /// Lifecycle calls take it one at a time, in arrival order, for as long as they await QEMU.
    let job = AsyncJobLock()
    /// Guest agent commands take it one at a time (the agent's channel has one client), apart from `job` as
    /// libvirt's agent jobs are apart from its monitor jobs.
    let agentJob = AsyncJobLock()
    /// virDomainAgentSetResponseTimeout's seconds for agent commands (see QEMUDomain+GuestAgentPower.swift).
    public internal(set) var agentTimeout: Int32
    /// The QEMU event a guest-shutdown through the agent waits for.
    var agentEventWait: AgentEventWait?
    private var phase = QEMUDomainPhase.active
    /// A stop was asked for (destroy, shutdown, or the guest's own power-off being carried out).
    var isStopping: Bool { phase.expectedStop != nil }
    /// QEMU's monitor has closed its event stream: at exit, no further events are worth waiting for.
    private var eventsDone = false
    /// Taints of this run, each logged once (see QEMUDomain+Monitor.swift).
    var taintsRecorded: [DomainTaint] = []
    /// `waitUntilStopped` callers, resumed once the phase is `.gone`.
    private var stoppedWaiters: [CheckedContinuation<Void, Never>] = []
    /// What the driver lent this run (a display port), given back when QEMU has exited.
    private var exitReleases: [@Sendable () -> Void] = []
    func releaseAtExit(_ release: @escaping @Sendable () -> Void) { exitReleases.append(release) }
    /// `query-stats-schemas`' answer, which does not change while QEMU runs (see QEMUDomain+Stats.swift).
    var statsSchema: [String: (String, Bool)]?
    /// Device ids QEMU reported deleted, and who waits for which (see QEMUDomain+VCPUs.swift).
    var deletedDevices: Set<String> = []
    var deletionWaiters: [String: CheckedContinuation<Void, Never>] = [:]
    /// Where `<watchdog action='dump'>` dumps go (see QEMUDomain+Watchdog.swift).
    var autoDumpDirectory: String?
    /// Devices asked to leave the guest (see QEMUDomain+Hotplug.swift).
    var removals = DeviceRemovals()
    /// The guest's disks and NICs now: the definition's, then as hotplug changed them (statistics read these).
    var liveDevices: DomainDevices
    /// The highest block node number given out (see QEMUDomain+DiskSources.swift).
    var lastNodeIndex = 0
    func dumpWatchdogFires(into directory: String) { autoDumpDirectory = directory }

    init(
        definition: DomainDefinition, status: QEMUDomainStatus, process: QEMUProcess, qmp: QMPClient,
        state: DomainState, reason: DomainStateReason, observer: any DomainObserver, logger: Logger,
        gracePeriod: Duration, helpers: [QEMUHelperProcess] = []
    ) {
        self.id = status.id
        self.definition = definition
        self.liveDevices = definition.devices
        self.status = status
        self.agentTimeout = status.agentTimeout ?? AgentResponseTimeout.block
        self.process = process
        self.qmp = qmp
        self.state = state
        self.stateReason = reason
        self.runtime = DomainRuntimeInfo(
            id: status.id, ptyPaths: status.ptyPaths, vncPort: status.vncPort,
            vncWebsocketPort: Self.websocketPort(definition, vncPort: status.vncPort), spicePort: status.spicePort,
            defaultListenAddress: ArgumentBuilder.defaultListenAddress)
        self.runtime.charDeviceSockets = Self.channelSockets(definition, directory: status.domainDirectory)
        self.runtime.memoryModuleBases = status.memoryModuleBases ?? [:]
        self.runtime.memoryModuleSizes = status.memoryModuleSizes ?? [:]
        self.observer = observer
        var logger = logger
        logger[metadataKey: "domain"] = "\(definition.name)"
        self.logger = logger
        self.gracePeriod = gracePeriod
        self.helpers = helpers
    }

    /// Starts consuming QMP events and watching the process. Called once by the driver.
    func startMonitoring() {
        let events = qmp.events
        Task { [weak self] in
            for await event in events { await self?.handle(event) }
            await self?.markEventsDone()
        }
        let process = self.process
        Task { [weak self] in
            let exit = await process.waitForExit()
            await self?.processExited(exit)
        }
    }

    public func statusData() -> [UInt8] {
        var status = status
        if agentTimeout != AgentResponseTimeout.block { status.agentTimeout = agentTimeout }
        return status.encoded()
    }

    public func cpuTimeNanoseconds() async -> UInt64 {
        guard let times = Self.stat("/proc/\(process.pid)/stat")?.nanoseconds(ticksPerSecond: Self.clockTicks) else {
            return 0
        }
        return times.user + times.system
    }

    // MARK: Lifecycle requests

    public func shutdown() async throws {
        try await job.run {
            try requireAlive()
            _ = try await qmp.execute("system_powerdown")
        }
    }

    /// libvirt's "fake reboot": ACPI powerdown, then reset and continue when the guest has shut down.
    public func reboot() async throws {
        try await job.run {
            try requireAlive()
            let previous = phase
            try enter(.rebooting)
            do {
                _ = try await qmp.execute("system_powerdown")
            } catch {
                if phase == .rebooting { try? enter(previous) }
                throw error
            }
        }
    }

    public func reset() async throws {
        try await job.run {
            try requireAlive()
            _ = try await qmp.execute("system_reset")
        }
    }

    public func suspend() async throws {
        try await job.run {
            try requireAlive()
            guard state != .paused else { return }
            _ = try await qmp.execute("stop")
            setState(.paused, .pausedUser, event: .suspendedPaused)
        }
    }

    public func resume() async throws {
        try await job.run {
            try requireAlive()
            guard state != .running else { return }
            _ = try await qmp.execute("cont")
            setState(.running, .runningUnpaused, event: .resumedUnpaused)
        }
    }

    /// Graceful: SIGTERM only, failing if QEMU is still there after the grace period. Otherwise SIGTERM then
    /// SIGKILL. Returns once the observer has been told the domain stopped.
    public func destroy(graceful: Bool) async throws {
        try await job.run {
            try requireAlive()
            let previous = phase
            try enter(.stopping(reason: .shutoffDestroyed, event: .stoppedDestroyed))
            let exit = await process.terminate(gracePeriod: graceful ? nil : gracePeriod)
            if exit == nil {
                phase = phase.abandoningStop(to: previous)
                throw QEMUDomainError.terminateFailed(name: definition.name, pid: process.pid)
            }
            await waitUntilStopped()
        }
    }

    public func consolePath(device: String?) async throws -> String {
        try requireAlive()
        let alias: String
        if let device {
            // A serial-type console is the first serial port under another name.
            let isSerialConsole = definition.devices.consoles.first?.targetType != .virtio
            alias = device == "console0" && isSerialConsole ? "serial0" : device
        } else {
            alias =
                definition.devices.serials.first?.alias ?? (definition.devices.serials.isEmpty ? "console0" : "serial0")
        }
        if let path = runtime.ptyPaths[alias] { return path }
        let all = definition.devices.serials + definition.devices.consoles + definition.devices.channels
        if all.contains(where: { $0.alias == alias }) {
            throw QEMUDomainError.notAPty(name: definition.name, device: alias)
        }
        throw QEMUDomainError.noCharacterDevice(name: definition.name, device: device ?? alias)
    }

    /// `websocket=on` makes QEMU listen on 5700 + the VNC display number; an explicit port is used as given.
    static func websocketPort(_ definition: DomainDefinition, vncPort: Int?) -> Int? {
        guard let ws = definition.devices.graphics.first?.websocket else { return nil }
        if ws != -1 { return ws }
        return vncPort.map { 5700 + ($0 - 5900) }
    }

    // MARK: Events

    func handle(_ event: QMPEvent) async {
        logger.debug("QMP event \(event.name) \(event.data)")
        await observer.domainMonitorEvent(definition.uuid, Self.monitorEvent(event))
        if let wait = agentEventWait, wait.event == event.name {
            agentEventWait = nil
            await wait.fire()
        }
        switch event.name {
        case "STOP":
            if state == .running && phase != .restarting { setState(.paused, .pausedUser, event: .suspendedPaused) }
        case "RESUME":
            if phase == .restarting {
                try? enter(.active)
            } else if state == .paused {
                setState(.running, .runningUnpaused, event: .resumedUnpaused)
            }
        case "SHUTDOWN":
            await guestShutDown(event)
        case "GUEST_PANICKED":
            await guestPanicked()
        case "RESET":
            reportReboot()
        case "WATCHDOG":
            watchdogFired(event)
        case "BALLOON_CHANGE":
            balloonChanged(event)
        case "VSERPORT_CHANGE":
            if let id = event.data["id"]?.stringValue, let open = event.data["open"]?.boolValue {
                await observer.domainChannelChanged(definition.uuid, alias: id, connected: open)
            }
        case "DEVICE_DELETED":
            // vCPU unplugs wait for their id; disks and NICs finish their removal.
            if let device = event.data["device"]?.stringValue { deviceDeleted(device) }
            await hotplugDeviceDeleted(event)
        case "MEMORY_DEVICE_SIZE_CHANGE":
            memoryDeviceSizeChanged(event)
        case "DEVICE_TRAY_MOVED", "RTC_CHANGE":
            reportNotice(for: event)
        default:
            break
        }
    }

    private func guestShutDown(_ event: QMPEvent) async {
        // Our own SIGTERM (destroy) makes QEMU report a host shutdown; that is not a guest state change.
        if phase.expectedStop?.reason == .shutoffDestroyed { return }
        // With -no-reboot a guest reboot arrives as SHUTDOWN(guest-reset): on_reboot='destroy'.
        let isReboot = event.reason == "guest-reset"
        if phase == .rebooting && !isReboot {
            await resetAndContinue()
            return
        }
        let action = isReboot ? LifecycleAction.destroy : definition.onPoweroff
        let shutdownEvent: DomainLifecycleEvent = event.isGuestInitiated == false ? .shutdownHost : .shutdownGuest
        setState(.shutdown, DomainStateReason(0), event: shutdownEvent)
        switch action {
        case .restart, .renameRestart, .coredumpRestart:
            await resetAndContinue()
        case .preserve:
            setState(.paused, DomainStateReason(8), event: nil)  // VIR_DOMAIN_PAUSED_SHUTTING_DOWN
        case .destroy, .coredumpDestroy:
            beginStop(.shutoffShutdown, .stoppedShutdown)
            terminateInBackground()
        }
    }

    private func guestPanicked() async {
        setState(.crashed, DomainStateReason(1), event: .crashedPanicked)  // VIR_DOMAIN_CRASHED_PANICKED
        switch definition.onCrash {
        case .restart, .renameRestart, .coredumpRestart:
            await resetAndContinue()
        case .preserve:
            break
        case .destroy, .coredumpDestroy:
            beginStop(.shutoffCrashed, .stoppedCrashed)
            terminateInBackground()
        }
    }

    private func resetAndContinue() async {
        // Left by the RESUME event that follows our `cont` (events are handled one at a time, in order).
        do { try enter(.restarting) } catch {
            logger.notice("not restarting the guest in place: \(error)")
            return
        }
        do {
            _ = try await qmp.execute("system_reset")
            _ = try await qmp.execute("cont")
            setState(.running, .runningBooted, event: nil)
        } catch {
            if phase == .restarting { try? enter(.active) }
            logger.error("cannot restart the guest in place: \(error)")
        }
    }

    /// We end the process ourselves (on_poweroff / on_crash 'destroy'); a stop already under way keeps its reason.
    private func beginStop(_ reason: DomainStateReason, _ event: DomainLifecycleEvent) {
        if phase.expectedStop != nil { return }
        try? enter(.stopping(reason: reason, event: event))  // refused only once gone, when there is nothing to stop
    }

    private func terminateInBackground() {
        let (process, grace) = (self.process, gracePeriod)
        Task { await process.terminate(gracePeriod: grace) }
    }

    private func markEventsDone() { eventsDone = true }

    func processExited(_ exit: ProcessExit) async {
        // Let events QEMU sent before dying (SHUTDOWN on SIGTERM) be handled first.
        for _ in 0..<100 where !eventsDone { try? await Task.sleep(for: .milliseconds(10)) }
        await qmp.close()
        // Unexpected exits (killed from outside, QEMU crash): libvirt reports shutoff/crashed + STOPPED failed.
        let (reason, event) = phase.expectedStop ?? (.shutoffCrashed, .stoppedFailed)
        logger.notice(
            "QEMU process \(process.pid) ended (\(exit)); domain stopped", metadata: ["reason": "\(reason.rawValue)"])
        let reasonText = [1: "shutdown", 2: "destroyed", 3: "crashed"][reason.rawValue] ?? "failed"
        QEMUProcess.appendLog(status.logPath, "shutting down, reason=\(reasonText)")
        try? FileManager.default.removeItem(atPath: status.pidFilePath)
        try? FileManager.default.removeItem(atPath: status.domainDirectory)
        for instance in helpers { await instance.stop() }
        let tuning = QEMUThreadTuning(definition: definition, pid: process.pid, id: status.id)
        if tuning.needsCgroups { tuning.removeCgroups() }
        exitReleases.forEach { $0() }
        exitReleases = []
        state = .shutoff
        stateReason = reason
        await pendingReport?.value
        await observer.domainStopped(definition.uuid, reason: reason, event: event)
        try? enter(.gone(reason: reason))  // processExited runs once, so never refused
        let waiters = stoppedWaiters
        stoppedWaiters = []
        waiters.forEach { $0.resume() }
    }

    /// Suspends until every state change so far has been delivered to the observer.
    func flushReports() async { await pendingReport?.value }

    /// Suspends until `processExited` has reported the stop.
    func waitUntilStopped() async {
        if phase.isGone { return }
        await withCheckedContinuation { stoppedWaiters.append($0) }
    }

    // MARK: Helpers

    func setState(_ newState: DomainState, _ reason: DomainStateReason, event: DomainLifecycleEvent?) {
        state = newState
        stateReason = reason
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domain(uuid, changedTo: newState, reason: reason, event: event) }
    }
    private var pendingReport: Task<Void, Never>?

    /// Reports in order: each observer call is awaited inside a task chain started from this actor.
    func enqueueReport(_ report: @escaping @Sendable () async -> Void) {
        pendingReport = Task { [previous = pendingReport] in
            await previous?.value
            await report()
        }
    }

    private func reportReboot() {
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainRebooted(uuid) }
    }

    /// The process must still be there; until it is gone, requests act on it (a stop under way included).
    func requireAlive() throws {
        guard !phase.isGone, !process.hasExited else { throw QEMUDomainError.notRunning(name: definition.name) }
    }

    private func enter(_ next: QEMUDomainPhase) throws(QEMUDomainError) {
        phase = try phase.transition(to: next, domain: definition.name)
    }
}
