import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// Brings a QEMUDomain to life: spawn + monitor handshake for `start`, adopt + reconnect for `reattach`.
struct QEMUDomainLauncher {
    let driver: QEMUDriver
    let definition: DomainDefinition
    var logger: Logger { driver.logger }

    func start(id: Int32, paused: Bool, observer: any DomainObserver) async throws -> QEMUDomain {
        let paths = driver.paths(for: definition, id: id)
        let spice = definition.devices.graphics.first { $0.type == .spice }
        let features = await driver.features.features()
        // A bad definition is refused before a port is taken or a file touched.
        try QEMUHostResources.check(definition)
        _ = try driver.commandLine(for: definition, paths: paths, features: features)
        let spicePort = try spice.flatMap { ArgumentBuilder.spicePortsToAllocate($0).port ? try driver.displayPorts.acquire() : nil }
        let releasePorts: @Sendable () -> Void = { [ports = driver.displayPorts] in spicePort.map(ports.release) }
        let fm = FileManager.default
        try? fm.removeItem(atPath: paths.directory)
        try fm.createDirectory(
            atPath: paths.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fm.createDirectory(atPath: driver.configuration.logDirectory, withIntermediateDirectories: true)
        let helpers = try await prepareHost(id: id, directory: paths.directory)
        let line: QEMUCommandLine
        let process: QEMUProcess
        var keyFiles: [String] = []
        // QEMU reads the disk keys while it starts, before its monitor answers; then they go.
        defer { QEMUDiskEncryption.removeKeys(keyFiles) }
        do {
            keyFiles = try QEMUDiskEncryption.writeKeys(definition, directory: paths.directory)
            // QEMU inherits the macvtap devices' descriptors; ours are closed once it has them.
            let tapFDs = try QEMUTapDevices.openMacvtaps(definition, scratch: paths.directory)
            defer { QEMUTapDevices.close(tapFDs) }
            line = try driver.commandLine(
                for: definition, paths: paths, features: features, spicePort: spicePort, tapFDs: tapFDs)
            process = try QEMUProcess.spawn(
                executable: line.executable, arguments: line.arguments, logPath: paths.log, pidFilePath: paths.pidFile,
                keeping: Array(tapFDs.values))
        } catch {
            for instance in helpers.all { await instance.stop() }
            releasePorts()
            throw error
        }
        logger.info("started QEMU for \(definition.name)", metadata: ["pid": "\(process.pid)"])
        do {
            let qmp = try await connectMonitor(paths: paths, process: process)
            try await QEMUThreadTuning(definition: definition, pid: process.pid, id: id).apply(qmp)
            try await QEMUGraphicsPasswords.apply(definition, qmp)
            try await QEMUDomain.setLinkStates(definition, qmp)
            try await QEMUDomain.setUpBalloon(definition, qmp)
            await QEMUDomain.startBalloonPolling(definition, qmp)
            let (ptys, vncPort) = try await runtimeFacts(qmp)
            let modules = try await QEMUDomain.memoryModuleFacts(definition, qmp)
            let status = QEMUDomainStatus(
                id: id, name: definition.name, uuid: definition.uuid.description, pid: process.pid,
                monitorPath: paths.monitor, domainDirectory: paths.directory, logPath: paths.log,
                pidFilePath: paths.pidFile, emulator: line.executable, ptyPaths: ptys, vncPort: vncPort,
                spicePort: spicePort ?? spice?.port.flatMap { $0 > 0 ? $0 : nil },
                startTime: Date().timeIntervalSince1970, swtpm: helpers.swtpms.isEmpty ? nil : helpers.swtpms.map(\.status),
                memoryModuleBases: modules?.bases, memoryModuleSizes: modules?.sizes,
                virtiofsd: helpers.virtiofsds.isEmpty ? nil : helpers.virtiofsds.map(\.status))
            if !paused { _ = try await qmp.execute("cont") }
            let domain = QEMUDomain(
                definition: definition, status: status, process: process, qmp: qmp,
                state: paused ? .paused : .running, reason: paused ? .pausedUser : .runningBooted,
                observer: observer, logger: logger, gracePeriod: driver.configuration.shutdownGracePeriod,
                helpers: helpers.all)
            await domain.releaseAtExit(releasePorts)
            await domain.dumpWatchdogFires(into: driver.autoDumpDirectory)
            await observer.domain(
                definition.uuid, changedTo: .running, reason: .runningBooted, event: .startedBooted)
            if paused {
                await observer.domain(definition.uuid, changedTo: .paused, reason: .pausedUser, event: .suspendedPaused)
            }
            await domain.learnDiskSources()
            await domain.learnLiveCPU()
            await domain.startMonitoring()
            return domain
        } catch {
            releasePorts()
            process.signal(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(5))
            for instance in helpers.all { await instance.stop() }
            try? fm.removeItem(atPath: paths.directory)
            try? fm.removeItem(atPath: paths.pidFile)
            if error is QEMUDomainError { throw error }
            throw QEMUDomainError.startFailed(name: definition.name, reason: "\(error)")
        }
    }

    /// What QEMU itself printed during the last start: the log lines after that start's command-line header,
    /// without the informational pty notices.
    static func qemuMessages(inLog log: String) -> String {
        guard let header = log.ranges(of: ": starting up\n").last else { return "QEMU exited" }
        var lines = log[header.upperBound...].split(separator: "\n", omittingEmptySubsequences: true)
        // The command line is one argument per line, each but the last ending in a backslash.
        while let first = lines.first, first.hasSuffix(" \\") || first.hasSuffix("\\") { lines.removeFirst() }
        if !lines.isEmpty { lines.removeFirst() }
        let messages = lines.filter { !$0.hasPrefix("char device redirected") }
        return messages.isEmpty ? "QEMU exited without a message" : messages.suffix(5).joined(separator: "\n")
    }

    /// Waits for QEMU to create its monitor socket and connects; if QEMU dies first, the error carries the
    /// end of its log (where QEMU explains why).
    private func connectMonitor(paths: QEMUDriver.DomainPaths, process: QEMUProcess) async throws -> QMPClient {
        let deadline = ContinuousClock.now + driver.configuration.startTimeout
        while ContinuousClock.now < deadline {
            if process.hasExited {
                let log = (try? String(contentsOfFile: paths.log, encoding: .utf8)) ?? ""
                throw QEMUDomainError.startFailed(name: definition.name, reason: Self.qemuMessages(inLog: log))
            }
            if FileManager.default.fileExists(atPath: paths.monitor),
                let qmp = try? await QMPClient.connect(path: paths.monitor, logger: logger)
            {
                return qmp
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw QEMUDomainError.startFailed(name: definition.name, reason: "no monitor socket after start timeout")
    }

    /// Pty paths per device alias (from query-chardev) and the VNC port QEMU picked.
    private func runtimeFacts(_ qmp: QMPClient) async throws -> ([String: String], Int?) {
        var ptys: [String: String] = [:]
        for chardev in try await qmp.execute("query-chardev").arrayValue ?? [] {
            guard let label = chardev["label"]?.stringValue, label.hasPrefix("char"),
                let filename = chardev["filename"]?.stringValue, filename.hasPrefix("pty:")
            else { continue }
            ptys[String(label.dropFirst(4))] = String(filename.dropFirst(4))
        }
        var vncPort: Int?
        if definition.devices.graphics.contains(where: { $0.type == .vnc && $0.listen?.type == .address }) {
            vncPort = try await qmp.execute("query-vnc")["service"]?.stringValue.flatMap { Int($0) }
        }
        return (ptys, vncPort)
    }

    func reattach(status: QEMUDomainStatus, observer: any DomainObserver) async throws -> QEMUDomain {
        let process = try QEMUProcess.adopt(pid: status.pid, expectedExecutable: status.emulator)
        if let port = status.spicePort { driver.displayPorts.hold(port) }
        let qmp = try await QMPClient.connect(path: status.monitorPath, logger: logger)
        let running = try await qmp.execute("query-status")
        let isRunning = running["running"]?.boolValue ?? false
        let domain = QEMUDomain(
            definition: definition, status: status, process: process, qmp: qmp,
            state: isRunning ? .running : .paused, reason: isRunning ? .runningBooted : .pausedUser,
            observer: observer, logger: logger, gracePeriod: driver.configuration.shutdownGracePeriod,
            helpers: (status.swtpm ?? []).compactMap { QEMUHelperProcess.adopt($0, executable: SWTPM.binary) }
                + (status.virtiofsd ?? []).compactMap { QEMUHelperProcess.adopt($0, executable: VirtioFSDaemon.binary) })
        if let port = status.spicePort {
            await domain.releaseAtExit { [ports = driver.displayPorts] in ports.release(port) }
        }
        await domain.dumpWatchdogFires(into: driver.autoDumpDirectory)
        await domain.learnDiskSources()
        await domain.learnLiveCPU()
        await domain.startMonitoring()
        logger.info("reattached to QEMU for \(definition.name)", metadata: ["pid": "\(status.pid)"])
        return domain
    }
}
